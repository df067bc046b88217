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

    /** The facts the resources read; the probe runs their commands (none: what every probe reads suffices). */
    default List<Fact<?>> facts(DesiredHost host, S spec) {
        return List.of();
    }

    /**
     * The probe sections of the host state uirig parses itself ({@code facts.HostState}: packages,
     * paths that exist, jail roots, services, tables) that the resources read, each section's name
     * ({@code facts.Sections}) to its command. The files the resources own are read without this.
     */
    default Map<String, String> probes(DesiredHost host, S spec) {
        return Map.of();
    }

    /**
     * The fact a section of this kind holds (for saved facts and the fact fixtures), or empty when
     * the section is not this kind's.
     */
    default Optional<Fact<?>> factOf(String section) {
        return Optional.empty();
    }

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
     * What a kind's resources may depend on: the resources the kinds registered before this one
     * built for the host, and which resource makes each interface (of every kind).
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
