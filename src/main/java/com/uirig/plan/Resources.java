package com.uirig.plan;

import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a host's desired state into its resources and their dependencies. The list comes in a
 * readable default order; {@link Planner} orders it by dependencies.
 */
public final class Resources {
    private Resources() {}

    /** The files uirig owns on the host, in the order their resources are planned. */
    public static List<OwnedFile> files(DesiredHost d) {
        List<OwnedFile> out = new java.util.ArrayList<>();
        for (Resource r : Planner.ordered(of(d))) {
            out.addAll(r.files());
        }
        return out;
    }

    public static List<Resource> of(DesiredHost d) {
        List<Resource> out = new ArrayList<>();
        // Every interface the kinds make, and the resource that makes it: bridge members, vnet
        // interfaces and the default route's subnet wait for them, and pf, which names them.
        Map<IfName, Address> ownerOf = new LinkedHashMap<>();
        List<Kinds.Use<?>> kinds = Kinds.of(d);
        for (Kinds.Use<?> k : kinds) {
            Map<IfName, Address> made = interfacesOf(k);
            ownerOf.putAll(made);
        }
        // Each kind's resources in registration order, the default order; a kind's Graph holds what
        // the kinds before it built: the packages that pf waits for, the jails a ZFS dataset mounts in.
        Map<IfName, Address> owners = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ownerOf));
        for (Kinds.Use<?> k : kinds) {
            out.addAll(resourcesOf(d, k, new Kind.Graph(List.copyOf(out), owners)));
        }
        return out;
    }

    private static <S> Map<IfName, Address> interfacesOf(Kinds.Use<S> k) {
        return k.kind().interfaces(k.spec());
    }

    private static <S> List<Resource> resourcesOf(DesiredHost d, Kinds.Use<S> k, Kind.Graph graph) {
        return k.kind().resources(d, k.spec(), graph);
    }
}
