package com.uirig.plan;

import com.uirig.config.PlaybookSections;
import com.uirig.model.DesiredHost;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The registered resource kinds (see {@link Kind}), in registration order. */
public final class Kinds {
    private static final List<Kind<?>> ALL = PlaybookSections.all().stream()
            .filter(s -> s instanceof Kind<?>).<Kind<?>>map(s -> (Kind<?>) s).toList();

    private Kinds() {}

    public static List<Kind<?>> all() {
        return ALL;
    }

    /** A registered kind and what a host asks of it. */
    public record Use<S>(Kind<S> kind, S spec) {}

    /** The kinds {@code host}'s playbooks use, each with its spec, in registration order. */
    public static List<Use<?>> of(DesiredHost host) {
        return ALL.stream().map(k -> use(k, host)).flatMap(Optional::stream).<Use<?>>map(u -> u).toList();
    }

    private static <S> Optional<Use<S>> use(Kind<S> kind, DesiredHost host) {
        return host.kinds().get(kind.key(), kind.specType()).map(s -> new Use<>(kind, s));
    }

    /** Calls {@code action} with each kind {@code host} uses and its spec. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void forEach(DesiredHost host, BiConsumer<Kind<Object>, Object> action) {
        for (Use<?> u : of(host)) {
            action.accept((Kind) u.kind(), u.spec());
        }
    }

    /** The physical NICs a fresh install of {@code host} has under their driver names, in the kinds' order. */
    public static List<com.uirig.model.IfName> freshNics(DesiredHost host) {
        List<com.uirig.model.IfName> out = new java.util.ArrayList<>();
        forEach(host, (kind, spec) -> out.addAll(kind.freshNics(spec)));
        return out;
    }

    /** The fact a saved or fixture section holds, found among every registered kind. */
    public static Optional<com.uirig.facts.Fact<?>> factOf(String section) {
        return ALL.stream().map(k -> k.factOf(section)).flatMap(Optional::stream).findFirst();
    }
}
