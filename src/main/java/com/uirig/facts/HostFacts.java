package com.uirig.facts;

import java.util.Map;
import java.util.Set;

/**
 * What was read from one host: the observed state, the probe sections it came from, and the
 * sections that are missing (unknown facts: never taken as empty).
 */
public record HostFacts(String host, ObservedHost observed, Map<String, Probe.Section> sections, Set<String> unknown) {
    public boolean complete() {
        return unknown.isEmpty();
    }

    /** Another uirig run held the host while it was read: its state may be half-way. */
    public boolean busy() {
        Probe.Section lock = sections.get(Sections.LOCK);
        return lock != null && lock.exit() == com.uirig.apply.HostLock.BUSY;
    }
}
