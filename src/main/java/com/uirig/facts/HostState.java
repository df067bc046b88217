package com.uirig.facts;

import com.uirig.facts.ObservedHost.FileState;
import com.uirig.facts.ObservedHost.Iface;
import com.uirig.facts.ObservedHost.Key;
import com.uirig.facts.ObservedHost.PfState;
import com.uirig.facts.ObservedHost.RunningJail;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys of the facts uirig reads itself (those of the registered kinds are their {@link
 * Fact#key()}s), each absent as on a host that printed nothing for it: no interfaces, jails, files
 * or packages, pf not loaded, no default route.
 */
public final class HostState {
    /** The host's interfaces by name. */
    public static final Key<Map<String, Iface>> INTERFACES = new Key<>("interfaces", Map.of());
    /** Each running jail's interfaces by name, by jail. */
    public static final Key<Map<String, Map<String, Iface>>> JAIL_INTERFACES = new Key<>("jail_interfaces", Map.of());
    /** The running jails by name. */
    public static final Key<Map<String, RunningJail>> JAILS = new Key<>("jails", Map.of());
    /** The jail root directories that exist. */
    public static final Key<Set<String>> JAIL_ROOTS = new Key<>("jail_roots", Set.of());
    /** Each rc.conf read (the host's and its jails'), by path on the host. */
    public static final Key<Map<String, Map<String, String>>> RC_CONF = new Key<>("rc_conf", Map.of());
    /** The files read other than rc.conf, by path on the host. */
    public static final Key<Map<String, FileState>> FILES = new Key<>("files", Map.of());
    /** pf's state. */
    public static final Key<PfState> PF = new Key<>("pf", new PfState(false, false, false, false, Map.of()));
    /** The default route's gateway. */
    public static final Key<Optional<String>> DEFAULT_ROUTE = new Key<>("default_route", Optional.empty());
    /** The installed packages, by scope ({@link ObservedHost#HOST} or a jail name). */
    public static final Key<Map<String, Set<String>>> PACKAGES = new Key<>("packages", Map.of());
    /** The running services, as {@link ObservedHost#serviceKey}s. */
    public static final Key<Set<String>> RUNNING_SERVICES = new Key<>("running_services", Set.of());
    /** The paths (on the host) that exist, of those asked for. */
    public static final Key<Set<String>> EXISTING_PATHS = new Key<>("existing_paths", Set.of());

    /** Every key above: the others are the kinds' facts. */
    static final List<Key<?>> BUILT_IN = List.of(INTERFACES, JAIL_INTERFACES, JAILS, JAIL_ROOTS, RC_CONF, FILES, PF,
            DEFAULT_ROUTE, PACKAGES, RUNNING_SERVICES, EXISTING_PATHS);

    private HostState() {}
}
