package com.uirig.plan;

import com.uirig.config.PlaybookSection;
import com.uirig.facts.Fact;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A kind of resource in one class: its playbook section and validation ({@link PlaybookSection}),
 * the resources it builds with their dependencies, the rc.conf settings that make it persistent,
 * and the facts its resources read (commands and pure parsers). It registers itself with one line
 * in {@code META-INF/services/com.uirig.config.PlaybookSection}; nothing else names it.
 *
 * @param <S> what the section holds for one host
 */
public interface Kind<S> extends PlaybookSection<S> {
    /** The resources that converge {@code spec} on {@code host}; {@code graph} holds what they may depend on. */
    List<Resource> resources(DesiredHost host, S spec, Graph graph);

    /** The facts the resources read; the probe runs their commands. */
    List<Fact<?>> facts(DesiredHost host, S spec);

    /**
     * The fact a section of this kind holds (for saved facts and the fact fixtures), or empty when
     * the section is not this kind's.
     */
    Optional<Fact<?>> factOf(String section);

    /**
     * The interfaces the kind creates, and the resource that creates each: bridges take them as
     * members, jails as vnet interfaces, and pf, which names interfaces, loads after them.
     */
    default Map<IfName, Address> interfaces(S spec) {
        return Map.of();
    }

    /** The physical NICs a freshly installed host has under their driver names (for {@code plan --offline}). */
    default List<IfName> freshNics(S spec) {
        return List.of();
    }

    /**
     * Whether the kind's resources come after every resource uirig still builds itself in the
     * default order (which decides among resources ready at the same time), rather than before
     * them, where the kinds' resources stand in registration order. Only for kinds once built in
     * there, so that plans keep their order while the built-in kinds move into kinds one by one
     * (the crontab was last).
     */
    default boolean afterBuiltIns() {
        return false;
    }


    /**
     * What a kind's resources may depend on: the resources already built for the host (every
     * built-in kind and the kinds registered before this one) and which resource makes each interface.
     */
    record Graph(List<Resource> built, Map<IfName, Address> interfaceOwners) {
        /** The resource that creates or configures interface {@code name}, if the host declares it. */
        public Optional<Address> ownerOf(IfName name) {
            return Optional.ofNullable(interfaceOwners.get(name));
        }

        /** Every resource that makes an interface, in order. */
        public List<Address> interfaces() {
            return interfaceOwners.values().stream().distinct().toList();
        }
    }
}
