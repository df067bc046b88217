package com.uirig.plan;

import java.util.List;

/** The ordered changes for one host, and the resources found in sync ({@link Action#NOOP}), in plan order. */
public record HostPlan(String host, List<Change> changes, List<Address> inSync) {
    public HostPlan {
        changes = List.copyOf(changes);
        inSync = List.copyOf(inSync);
        if (changes.stream().anyMatch(c -> c.action() == Action.NOOP)) {
            throw new IllegalArgumentException("a no-op is no change: list it in inSync");
        }
    }

    /** A plan of changes alone (the in-sync resources not recorded). */
    public HostPlan(String host, List<Change> changes) {
        this(host, changes, List.of());
    }

    /** The same plan with other changes (such as only those left to run), the in-sync resources kept. */
    public HostPlan withChanges(List<Change> other) {
        return new HostPlan(host, other, inSync);
    }

    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** Updates and replacements: what changes an existing resource. */
    public long toChange() {
        return count(Action.UPDATE) + count(Action.REPLACE);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }
}
