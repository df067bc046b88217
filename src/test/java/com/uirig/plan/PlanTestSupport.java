package com.uirig.plan;

import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.facts.FreshHost;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.ObservedHost.Iface;
import com.uirig.model.DesiredHost;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** The prod inventory against fresh, converged and drifted hosts (public for the golden plans and reports in render). */
public final class PlanTestSupport {
    /** What a converged host's spiped keys hash to: reports must never show it. */
    public static final String KEY_HASH = ConvergedHost.KEY_HASH;

    private PlanTestSupport() {}

    public static Inventory prod() {
        return InventoryLoader.load(Path.of("inventory/prod"));
    }

    static Map<String, ObservedHost> each(Inventory inv, Function<DesiredHost, ObservedHost> f) {
        Map<String, ObservedHost> out = new LinkedHashMap<>();
        inv.hosts().forEach(h -> out.put(h.name(), f.apply(h)));
        return out;
    }

    public static Map<String, ObservedHost> fresh(Inventory inv) {
        return each(inv, PlanTestSupport::fresh);
    }

    /** {@code h} freshly installed, with the facts its kinds read as such a host has them (as plan --offline). */
    public static ObservedHost fresh(DesiredHost h) {
        return FreshHost.of(h.name(), com.uirig.plan.Kinds.freshNics(h), ProbeSections.of(h).facts());
    }

    public static Map<String, ObservedHost> converged(Inventory inv) {
        return each(inv, ConvergedHost::of);
    }

    /** The plan for converged hosts, {@code host} changed by {@code drift}. */
    public static Plan planWith(Inventory inv, String host, UnaryOperator<ObservedHost> drift) {
        Map<String, ObservedHost> observed = converged(inv);
        observed.put(host, drift.apply(observed.get(host)));
        return Planner.plan(inv.hosts(), observed);
    }

    static ObservedHost withInterfaces(ObservedHost o, Map<String, Iface> interfaces) {
        return o.with(HostState.INTERFACES, interfaces);
    }

    /** server-a's xbridge without its member pg_a. */
    public static ObservedHost bridgeMemberMissing(ObservedHost o) {
        Map<String, Iface> ifs = new LinkedHashMap<>(o.get(HostState.INTERFACES));
        Iface x = ifs.get("xbridge");
        ifs.put("xbridge", new Iface(x.name(), x.flags(), x.groups(), x.inet(), x.ether(), List.of("ngx_a", "node_a")));
        return withInterfaces(o, ifs);
    }

    /** /etc/ips_xnic_peers with an address added by hand. */
    public static ObservedHost tableFileEdited(ObservedHost o) {
        Map<String, ObservedHost.FileState> files = new LinkedHashMap<>(o.get(HostState.FILES));
        ObservedHost.FileState f = files.get("/etc/ips_xnic_peers");
        files.put("/etc/ips_xnic_peers", new ObservedHost.FileState("0000", Optional.of("192.0.2.5\n203.0.113.99\n"), f.mode(), f.owner()));
        return o.with(HostState.FILES, files);
    }

    /** pf loaded with its rules but disabled ({@code pfctl -d}). */
    public static ObservedHost pfDisabled(ObservedHost o) {
        return o.with(HostState.PF, new ObservedHost.PfState(true, false, true, true, o.get(HostState.PF).tables()));
    }

    /** {@code service} in {@code jail} not running. */
    public static ObservedHost serviceStopped(ObservedHost o, String jail, String service) {
        Set<String> services = new HashSet<>(o.get(HostState.RUNNING_SERVICES));
        services.remove(ObservedHost.serviceKey(jail, service));
        return o.with(HostState.RUNNING_SERVICES, services);
    }

    /** No package installed in {@code jail}. */
    static ObservedHost packagesMissing(ObservedHost o, String jail) {
        Map<String, Set<String>> packages = new LinkedHashMap<>(o.get(HostState.PACKAGES));
        packages.put(jail, Set.of());
        return o.with(HostState.PACKAGES, packages);
    }
}
