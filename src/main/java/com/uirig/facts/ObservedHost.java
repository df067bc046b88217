package com.uirig.facts;

import com.uirig.model.Cidr;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a host really has, as read from it (or assumed for a freshly installed host). Planning
 * compares this with the desired state; nothing here talks to a host.
 *
 * <p>The state is a map of typed {@link Key}s (those uirig reads itself in {@link HostState}, and
 * each kind's {@link Fact#key()}), so that a new fact is a new key, not a new component every
 * caller of the constructor must pass.
 * A key not set reads as its {@link Key#absent} value; a key set to that value is the same state
 * as a key not set, so {@code equals} compares what {@link #get} gives.
 *
 * @param values the value of each key set, in the order they were set (facts --output json lists
 *     the kinds' facts in that order)
 */
public record ObservedHost(String host, Map<Key<?>, Object> values) {

    /**
     * A fact of the observed state and its type. Keys are values: a {@link Fact}'s key, made anew
     * from its section each time, is the key its value was set under.
     *
     * @param absent what a host without the fact has (an empty map, no default route; null for a
     *     kind's fact, which {@link #fact} then gives as empty)
     */
    public record Key<T>(String name, T absent) {}

    public ObservedHost {
        Map<Key<?>, Object> set = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null && !v.equals(k.absent())) {
                set.put(k, v);
            }
        });
        values = Collections.unmodifiableMap(set);
    }

    /** {@code host} with no fact set: every key reads as absent. */
    public static ObservedHost of(String host) {
        return new ObservedHost(host, Map.of());
    }

    /** The value of {@code key}, or its absent value when it is not set. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        Object v = values.get(key);
        return v == null ? key.absent() : (T) v;
    }

    /** The same state with {@code key} set to {@code value} (null or the absent value unsets it). */
    public <T> ObservedHost with(Key<T> key, T value) {
        Map<Key<?>, Object> all = new LinkedHashMap<>(values);
        all.put(key, value);
        return new ObservedHost(host, all);
    }

    /**
     * A fact a kind declared, as parsed from its section; empty when the section was not read
     * (saved facts from before the kind, or a section the host did not answer).
     */
    public <T> Optional<T> fact(Fact<T> fact) {
        return Optional.ofNullable(get(fact.key()));
    }

    /** The same state with {@code more} facts of the registered kinds, by section. */
    public ObservedHost withFacts(Map<String, Object> more) {
        Map<Key<?>, Object> all = new LinkedHashMap<>(values);
        more.forEach((section, v) -> all.put(Fact.key(section), v));
        return new ObservedHost(host, all);
    }

    /** The facts of the registered kinds that are set, by section, in the order they were set. */
    public Map<String, Object> kindFacts() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!HostState.BUILT_IN.contains(k)) {
                out.put(k.name(), v);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** The scope name of the host itself in {@link HostState#PACKAGES} and {@link HostState#RUNNING_SERVICES}. */
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
        Iface i = get(HostState.INTERFACES).get(name);
        if (i != null) {
            return Optional.of(new Located(HOST, i));
        }
        for (var e : get(HostState.JAIL_INTERFACES).entrySet()) {
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
