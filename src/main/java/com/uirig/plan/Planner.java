package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Plans every host: a pure function of the desired and the observed state. No host is
 * contacted here, so plan, apply and check share it and tests run it on fixtures.
 */
public final class Planner {
    private Planner() {}

    /** Plans every desired host that has an observed state; the others are the caller's to report. */
    public static Plan plan(List<DesiredHost> desired, Map<String, ObservedHost> observed) {
        return plan(desired, observed, false);
    }

    /** As above; {@code rotateKeys} replaces every shared key, on all its ends. */
    public static Plan plan(List<DesiredHost> desired, Map<String, ObservedHost> observed, boolean rotateKeys) {
        List<HostPlan> hosts = new ArrayList<>();
        for (DesiredHost d : desired) {
            ObservedHost o = observed.get(d.name());
            if (o == null) {
                continue;
            }
            PlanContext context = new PlanContext(d.name(), desired, observed, new java.util.LinkedHashMap<>(), rotateKeys);
            List<Change> changes = new ArrayList<>();
            List<Address> inSync = new ArrayList<>();
            for (Resource r : ordered(Resources.of(d))) {
                Optional<Change> c = r.plan(o, context);
                if (c.isPresent()) {
                    changes.add(c.get());
                    context.changing().put(c.get().resource(), c.get());
                } else {
                    inSync.add(r.address());
                }
            }
            hosts.add(new HostPlan(d.name(), changes, inSync));
        }
        return new Plan(hosts);
    }

    /**
     * Orders resources so each comes after what it depends on; among the ready ones the
     * earliest in the given order goes first, so the order is stable and readable.
     */
    public static List<Resource> ordered(List<Resource> resources) {
        Map<Address, Resource> byAddress = new HashMap<>();
        for (Resource r : resources) {
            if (byAddress.put(r.address(), r) != null) {
                throw new IllegalStateException("two resources named " + r.address());
            }
        }
        // A dependency on a resource the graph does not hold is a bug where it was made, never satisfied.
        Map<Address, Set<Address>> needs = new HashMap<>();
        for (Resource r : resources) {
            for (Address dep : r.dependsOn()) {
                known(byAddress, r, dep, " depends on ");
                needs.computeIfAbsent(r.address(), k -> new HashSet<>()).add(dep);
            }
            for (Address later : r.before()) {
                known(byAddress, r, later, " must come before ");
                needs.computeIfAbsent(later, k -> new HashSet<>()).add(r.address());
            }
        }
        List<Resource> out = new ArrayList<>();
        Set<Address> done = new HashSet<>();
        List<Resource> pending = new ArrayList<>(resources);
        while (!pending.isEmpty()) {
            Resource next = null;
            for (Resource r : pending) {
                if (done.containsAll(needs.getOrDefault(r.address(), Set.of()))) {
                    next = r;
                    break;
                }
            }
            if (next == null) {
                throw new IllegalStateException("resources depend on each other in a cycle: "
                        + pending.stream().map(Resource::address).toList());
            }
            pending.remove(next);
            done.add(next.address());
            out.add(next);
        }
        return out;
    }

    private static void known(Map<Address, Resource> byAddress, Resource r, Address other, String relation) {
        if (!byAddress.containsKey(other)) {
            throw new IllegalStateException(r.address() + relation + other + ", which is no resource of the host");
        }
    }
}
