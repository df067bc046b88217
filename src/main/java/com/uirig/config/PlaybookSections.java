package com.uirig.config;

import com.uirig.model.DesiredHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The registered playbook sections, in registration order: one line per kind in
 * {@code META-INF/services/com.uirig.config.PlaybookSection} (java.util.ServiceLoader). Order
 * matters where a kind refers to another: lagg is registered before vlan, whose parent may be a lagg.
 */
public final class PlaybookSections {
    private static final List<PlaybookSection<?>> ALL = ServiceLoader.load(PlaybookSection.class).stream()
            .<PlaybookSection<?>>map(ServiceLoader.Provider::get).toList();

    private PlaybookSections() {}

    public static List<PlaybookSection<?>> all() {
        return ALL;
    }

    /** Calls {@code action} with each section {@code host} has and its spec, in registration order. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void forEach(DesiredHost host, BiConsumer<PlaybookSection<Object>, Object> action) {
        for (PlaybookSection<?> s : ALL) {
            host.kinds().get(s.key(), s.specType()).ifPresent(spec -> action.accept((PlaybookSection) s, spec));
        }
    }

    /** What {@code query} gives for each section {@code host} has, in registration order. */
    private static <T> List<T> collect(DesiredHost host, BiFunction<PlaybookSection<Object>, Object, List<T>> query) {
        List<T> out = new ArrayList<>();
        forEach(host, (section, spec) -> out.addAll(query.apply(section, spec)));
        return out;
    }

    /** The interfaces the registered sections make on {@code host}. */
    public static List<PlaybookSection.Interface> interfaces(DesiredHost host) {
        return collect(host, PlaybookSection::definedInterfaces);
    }

    /** The interfaces the registered sections give to something that takes each whole (a bridge, a jail). */
    public static List<PlaybookSection.InterfaceUse> interfaceUses(DesiredHost host) {
        return collect(host, PlaybookSection::interfaceUses);
    }

    /** The jails the registered sections define on {@code host}, by name. */
    public static List<String> jailNames(DesiredHost host) {
        return collect(host, PlaybookSection::jailNames);
    }

    /** The files each registered section writes on {@code host}, by the section's key, in registration order. */
    public static Map<String, List<PlaybookSection.WrittenFile>> writtenFiles(DesiredHost host) {
        Map<String, List<PlaybookSection.WrittenFile>> out = new LinkedHashMap<>();
        forEach(host, (section, spec) -> out.put(section.key(), section.writtenFiles(spec, host)));
        return out;
    }

    public static List<String> keys() {
        return ALL.stream().map(PlaybookSection::key).toList();
    }
}
