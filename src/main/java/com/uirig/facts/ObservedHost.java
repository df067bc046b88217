package com.uirig.facts;

import com.uirig.model.Cidr;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a host really has, as read from it (or assumed for a freshly installed host). Planning
 * compares this with the desired state; nothing here talks to a host.
 */
public record ObservedHost(
        String host,
        Map<String, Iface> interfaces,
        Map<String, Map<String, Iface>> jailInterfaces,
        Map<String, RunningJail> jails,
        Set<String> jailRoots,
        Map<String, Map<String, String>> rcConf,
        Map<String, FileState> files,
        PfState pf,
        Optional<String> defaultRoute,
        Map<String, Set<String>> packages,
        Set<String> runningServices,
        Set<String> existingPaths,
        Map<String, Object> kindFacts) {

    public ObservedHost {
        kindFacts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(kindFacts));
    }

    /** The state without any fact of the registered kinds (see {@link Fact}). */
    public ObservedHost(String host, Map<String, Iface> interfaces, Map<String, Map<String, Iface>> jailInterfaces,
                        Map<String, RunningJail> jails, Set<String> jailRoots, Map<String, Map<String, String>> rcConf,
                        Map<String, FileState> files, PfState pf, Optional<String> defaultRoute,
                        Map<String, Set<String>> packages, Set<String> runningServices, Set<String> existingPaths) {
        this(host, interfaces, jailInterfaces, jails, jailRoots, rcConf, files, pf,
                defaultRoute, packages, runningServices, existingPaths, Map.of());
    }

    /**
     * A fact a kind declared, as parsed from its section; empty when the section was not read
     * (saved facts from before the kind, or a section the host did not answer).
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> fact(Fact<T> fact) {
        return Optional.ofNullable((T) kindFacts.get(fact.section()));
    }

    /** The same state with {@code more} facts of the registered kinds. */
    public ObservedHost withFacts(Map<String, Object> more) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(kindFacts);
        all.putAll(more);
        return new ObservedHost(host, interfaces, jailInterfaces, jails, jailRoots, rcConf, files, pf, defaultRoute,
                packages, runningServices, existingPaths, all);
    }

    /** The scope name of the host itself in {@link #packages} and {@link #runningServices}. */
    public static final String HOST = "";

    /** An interface as ifconfig shows it. */
    public record Iface(String name, Set<String> flags, List<String> groups, List<Cidr> inet, Optional<String> ether,
                        List<String> members) {
        public boolean up() {
            return flags.contains("UP");
        }
    }

    /** A running jail as jls shows it. */
    public record RunningJail(String name, int jid, String path, Map<String, String> parameters) {}

    /** A file's state: its hash always, its content only when it is not a secret. */
    public record FileState(String sha256, Optional<String> content, String mode, String owner) {}

    /**
     * pf's state: whether the pf kernel module is loaded (without it there is no /dev/pf and no
     * pf), enabled, whether filter rules are loaded, whether the loaded rules are those uirig loaded
     * from /etc/pf.conf (as pfctl printed them right after loading), and the file-backed tables'
     * contents.
     */
    public record PfState(boolean moduleLoaded, boolean enabled, boolean rulesLoaded, boolean rulesMatchFile,
                          Map<String, Set<String>> tables) {}

    /** Finds an interface by name on the host or in any running jail. */
    public Optional<Located> findInterface(String name) {
        Iface i = interfaces.get(name);
        if (i != null) {
            return Optional.of(new Located(HOST, i));
        }
        for (var e : jailInterfaces.entrySet()) {
            Iface j = e.getValue().get(name);
            if (j != null) {
                return Optional.of(new Located(e.getKey(), j));
            }
        }
        return Optional.empty();
    }

    /** An interface and the stack it is in ({@link #HOST} or a jail name). */
    public record Located(String stack, Iface iface) {}

    public static String serviceKey(String scope, String service) {
        return scope + "/" + service;
    }
}
