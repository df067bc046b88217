package com.uirig.plan;

import java.util.List;

/** The ordered changes for one host. */
public record HostPlan(String host, List<Change> changes) {
    public HostPlan {
        changes = List.copyOf(changes);
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
