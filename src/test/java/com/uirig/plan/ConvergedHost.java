package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.ObservedHost.Iface;
import com.uirig.kinds.SysctlKind;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.IfName;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds what a host looks like once it matches its desired state, for planning tests. */
final class ConvergedHost {
    /** The hash every copy of a secret file has (its bytes are never read). */
    static final String KEY_HASH = "same-key-everywhere";

    private ConvergedHost() {}

    static ObservedHost of(DesiredHost d) {
        Set<String> up = Set.of("UP", "RUNNING");
        Map<String, Iface> host = new LinkedHashMap<>();
        Map<String, Map<String, Iface>> inJails = new LinkedHashMap<>();
        Set<IfName> jailed = new HashSet<>();
        for (Jail j : com.uirig.kinds.JailsKind.of(d)) {
            Map<String, Iface> stack = new LinkedHashMap<>();
            for (IfName i : j.vnetInterfaces()) {
                Cidr c = j.inet().get(i);
                stack.put(i.value(), new Iface(i.value(), up, List.of("epair"), c == null ? List.of() : List.of(c),
                        Optional.empty(), List.of()));
                jailed.add(i);
            }
            inJails.put(j.name(), stack);
        }
        com.uirig.kinds.NicsKind.of(d).forEach(n -> host.put(n.name().value(), new Iface(n.name().value(), up, List.of(), List.of(n.inet()),
                Optional.empty(), List.of())));
        for (com.uirig.kinds.EpairsKind.Epair e : com.uirig.kinds.EpairsKind.of(d)) {
            for (IfName end : List.of(e.a(), e.b())) {
                if (!jailed.contains(end)) {
                    host.put(end.value(), new Iface(end.value(), up, List.of("epair"), List.of(), Optional.empty(), List.of()));
                }
            }
        }
        com.uirig.kinds.BridgesKind.of(d).forEach(b -> host.put(b.name().value(), new Iface(b.name().value(), up, List.of("bridge"),
                b.inet().map(List::of).orElse(List.of()), Optional.empty(), b.members().stream().map(IfName::value).toList())));

        Map<String, ObservedHost.RunningJail> jails = new LinkedHashMap<>();
        Map<String, Map<String, String>> rc = new LinkedHashMap<>();
        // Every rc.conf as its resource sets it (the host's and each jail's), and the jails' parameters as jail(8) set them.
        Map<String, Map<String, String>> params = new LinkedHashMap<>();
        for (Resource r : Resources.of(d)) {
            if (r instanceof RcConfResource c) {
                rc.put(c.file(), new LinkedHashMap<>(c.settings()));
            } else if (r instanceof com.uirig.kinds.JailResource j) {
                params.put(j.name(), j.parameters());
            }
        }
        Map<String, Set<String>> packages = new LinkedHashMap<>();
        Set<String> services = new HashSet<>();
        Set<String> roots = new HashSet<>();
        int jid = 1;
        for (Jail j : com.uirig.kinds.JailsKind.of(d)) {
            jails.put(j.name(), new ObservedHost.RunningJail(j.name(), jid++, j.path(), params.get(j.name())));
            packages.put(j.name(), Set.copyOf(j.packages()));
            j.services().forEach(s -> services.add(ObservedHost.serviceKey(j.name(), s)));
            roots.add(j.path());
        }
        packages.put(ObservedHost.HOST, Set.copyOf(com.uirig.kinds.PackagesKind.of(d)));

        Map<String, ObservedHost.FileState> files = new LinkedHashMap<>();
        for (Resource r : Resources.of(d)) {
            if (r instanceof RcConfResource) {
                continue;
            }
            for (OwnedFile f : r.files()) {
                files.put(f.path(), f.content()
                        .map(c -> new ObservedHost.FileState(com.uirig.model.Sha256.hex(c.getBytes(StandardCharsets.UTF_8)), Optional.of(c), f.mode(), f.owner()))
                        .orElse(new ObservedHost.FileState(KEY_HASH, Optional.empty(), f.mode(), f.owner())));
            }
        }
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        com.uirig.kinds.PfKind.of(d).ifPresent(pf -> pf.tables().stream().filter(t -> !t.runtime())
                .forEach(t -> tables.put(t.name(), new java.util.TreeSet<>(t.addresses().stream().map(Cidr::entryText).toList()))));
        // Each kernel setting has its value (the kind's fact, by its section).
        Map<String, Object> kindFacts = new LinkedHashMap<>();
        d.kinds().get(SysctlKind.KEY, SysctlKind.Settings.class)
                .ifPresent(s -> kindFacts.put(SysctlKind.fact(s.values().keySet()).section(), s.values()));
        // pkg is bootstrapped and every run-once command has created what it creates.
        Set<String> existing = new HashSet<>(Set.of(PkgBootstrapResource.PKG));
        com.uirig.kinds.RunOnceKind.of(d).forEach(o -> existing.add(o.creates()));
        com.uirig.kinds.JailsKind.of(d).forEach(j -> j.runOnce().forEach(o -> existing.add(j.hostPath(o.creates()))));
        return ObservedHost.of(d.name())
                .with(HostState.INTERFACES, host)
                .with(HostState.JAIL_INTERFACES, inJails)
                .with(HostState.JAILS, jails)
                .with(HostState.JAIL_ROOTS, roots)
                .with(HostState.RC_CONF, rc)
                .with(HostState.FILES, files)
                .with(HostState.PF, new ObservedHost.PfState(true, true, true, true, tables))
                .with(HostState.DEFAULT_ROUTE, d.kinds().get(com.uirig.kinds.DefaultRouterKind.KEY,
                        com.uirig.kinds.DefaultRouterKind.Router.class).map(r -> r.gateway().toString()))
                .with(HostState.PACKAGES, packages)
                .with(HostState.RUNNING_SERVICES, services)
                .with(HostState.EXISTING_PATHS, existing)
                .withFacts(kindFacts);
    }
}
