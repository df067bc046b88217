package com.uirig.facts;

import java.util.Map;
import java.util.Set;

/**
 * What was read from one host: the observed state, the probe sections it came from, the
 * sections that are missing (unknown facts: never taken as empty) and those whose output no
 * FreeBSD command prints, with why ({@code unreadable}: section name to reason).
 */
public record HostFacts(String host, ObservedHost observed, Map<String, Probe.Section> sections, Set<String> unknown,
                        Map<String, String> unreadable) {
    public boolean complete() {
        return unknown.isEmpty();
    }

    /**
     * Why these facts cannot be a FreeBSD host's, or empty: a section its command cannot have
     * printed, or no lo0: every FreeBSD host has lo0 (the loopback is created at boot,
     * sys/net/if_loop.c), so an {@code ifconfig -a} that succeeded without it was not FreeBSD's,
     * or was cut short. Nothing is planned on such a host.
     */
    public java.util.Optional<String> implausible() {
        if (!unreadable.isEmpty()) {
            var first = unreadable.entrySet().iterator().next();
            return java.util.Optional.of("section '" + first.getKey() + "': " + first.getValue()
                    + (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more unreadable sections)" : ""));
        }
        Probe.Section ifconfig = sections.get(Sections.IFCONFIG);
        var interfaces = observed.get(HostState.INTERFACES);
        if (ifconfig != null && ifconfig.exit() == 0 && !interfaces.containsKey("lo0")) {
            return java.util.Optional.of("'ifconfig -a' printed " + (interfaces.isEmpty() ? "no interface"
                    : interfaces.size() + " interfaces but no lo0") + ": that is no FreeBSD host's answer");
        }
        return java.util.Optional.empty();
    }

    /** Rollbacks found on the host; while another run holds it ({@link #busy}), they are that run's. */
    public java.util.List<com.uirig.facts.PendingRollback> pendingRollbacks() {
        Probe.Section s = sections.get(Sections.ROLLBACKS);
        return s == null ? java.util.List.of() : com.uirig.facts.PendingRollback.parse(s.output());
    }

    /** Another uirig run held the host while it was read: its state may be half-way. */
    public boolean busy() {
        Probe.Section lock = sections.get(Sections.LOCK);
        return lock != null && lock.exit() == LockFile.BUSY;
    }
}
