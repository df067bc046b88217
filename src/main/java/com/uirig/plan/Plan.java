package com.uirig.plan;

import java.util.List;

/** The plan for every host of an inventory, in inventory order. */
public record Plan(List<HostPlan> hosts) {
    public Plan {
        hosts = List.copyOf(hosts);
    }

    public boolean hasChanges() {
        return hosts.stream().anyMatch(h -> !h.isEmpty());
    }
}
