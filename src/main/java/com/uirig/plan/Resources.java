package com.uirig.plan;

import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.FileSpec;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.PfTable;
import com.uirig.model.IfName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a host's desired state into its resources and their dependencies. The list comes in a
 * readable default order; {@link Planner} orders it by dependencies.
 */
public final class Resources {
    private Resources() {}

    /** The files uirig owns on the host, in the order their resources are planned. */
    public static List<OwnedFile> files(DesiredHost d) {
        List<OwnedFile> out = new java.util.ArrayList<>();
        for (Resource r : Planner.ordered(of(d))) {
            out.addAll(r.files());
        }
        return out;
    }

    public static List<Resource> of(DesiredHost d) {
        List<Resource> out = new ArrayList<>();
        // Every interface the kinds make, and the resource that makes it: bridge members, vnet
        // interfaces and the default route's subnet wait for them, and pf, which names them.
        Map<IfName, Address> ownerOf = new LinkedHashMap<>();
        List<Address> interfaces = new ArrayList<>();
        List<Kinds.Use<?>> kinds = Kinds.of(d);
        for (Kinds.Use<?> k : kinds) {
            Map<IfName, Address> made = interfacesOf(k);
            ownerOf.putAll(made);
            made.values().stream().distinct().forEach(interfaces::add);
        }
        // The registered kinds' resources come first in the default order, in registration order
        // (those that come after the built-in ones, Kind.afterBuiltIns, at the end), but are built
        // last (below), so that their Graph holds every built-in resource: a ZFS dataset must come
        // before the jail and the run-once commands and files that write under its mountpoint.
        int kindsAt = out.size();
        out.add(new RcConfResource("host", RcConfResource.HOST_FILE, RcConfSettings.host(d), List.of()));
        for (FileSpec f : d.files()) {
            out.add(new FileResource("file", f.path(), f.content(), f.mode(), f.owner(), List.of()));
        }
        List<Address> tables = new ArrayList<>();
        d.pf().ifPresent(pf -> {
            for (PfTable t : pf.tables()) {
                if (!t.runtime()) {
                    PfTableResource r = new PfTableResource(t.name(), t.file().orElseThrow(), t.addresses());
                    out.add(r);
                    tables.add(r.address());
                }
            }
        });

        List<Address> packages = new ArrayList<>();
        List<PackagesResource> packageSets = new ArrayList<>();
        // Every pkg run needs pkg bootstrapped on the host, and, where pf declares one, the egress window open.
        List<Address> beforePackages = new ArrayList<>(List.of(PkgBootstrapResource.ADDRESS));
        d.pf().filter(pf -> pf.egressWindow().isPresent()).ifPresent(pf -> beforePackages.add(EgressWindowResource.ADDRESS));
        if (!d.packages().isEmpty()) {
            PackagesResource r = new PackagesResource("", d.packages(), beforePackages);
            out.add(r);
            packages.add(r.address());
            packageSets.add(r);
        }
        if (!d.jails().isEmpty()) {
            FileResource jailConf = new FileResource("file", JailConf.PATH, JailConf.render(d), "0644", "root:wheel", List.of());
            out.add(jailConf);
            Map<String, String> keyPaths = new LinkedHashMap<>();
            d.spipedKeys().forEach(k -> keyPaths.put(k.name(), k.path()));
            Map<String, List<Address>> jailFiles = new LinkedHashMap<>();
            Map<String, List<FileResource>> lateFiles = new LinkedHashMap<>();
            Map<String, Address> jailRc = new LinkedHashMap<>();
            for (Jail j : d.jails()) {
                JailRootResource root = new JailRootResource(j.name(), j.path(), j.root());
                out.add(root);
                List<Address> files = new ArrayList<>();
                List<FileResource> late = new ArrayList<>();
                for (FileSpec f : j.files()) {
                    FileResource r = new FileResource("file", j.hostPath(f.path()), f.content(), f.mode(), f.owner(),
                            List.of(root.address()));
                    // A file inside what a run-once command creates (postgresql.conf in the cluster
                    // initdb makes) is written after the command, in the running jail.
                    if (j.runOnce().stream().anyMatch(o -> f.path().startsWith(o.createdDirectory() + "/"))) {
                        late.add(r);
                    } else {
                        out.add(r);
                        files.add(r.address());
                    }
                }
                jailFiles.put(j.name(), files);
                lateFiles.put(j.name(), late);
                RcConfResource rc = new RcConfResource(j.name(), j.hostPath("/etc/rc.conf"),
                        RcConfSettings.jail(j, keyPaths), List.of(root.address()));
                out.add(rc);
                jailRc.put(j.name(), rc.address());
            }
            Map<String, Address> keyOf = new HashMap<>();
            for (DesiredHost.SpipedKey k : d.spipedKeys()) {
                List<String> ends = SpipedKeyResource.endsOn(d, k.name());
                if (ends.isEmpty()) {
                    continue;
                }
                List<Address> deps = d.jails().stream().filter(j -> j.pipes().stream().anyMatch(p -> p.key().equals(k.name())))
                        .map(j -> Address.of("jail_root", j.name())).toList();
                SpipedKeyResource r = new SpipedKeyResource(k.name(), k.path(), ends, deps);
                out.add(r);
                keyOf.put(k.name(), r.address());
            }
            Address previousJail = null;
            for (Jail j : d.jails()) {
                List<Address> deps = new ArrayList<>(List.of(jailConf.address(), Address.of("jail_root", j.name()), jailRc.get(j.name())));
                deps.addAll(jailFiles.get(j.name()));
                j.vnetInterfaces().stream().map(ownerOf::get).filter(x -> x != null).distinct().forEach(deps::add);
                if (previousJail != null) {
                    deps.add(previousJail);
                }
                JailResource r = new JailResource(j.name(), j.path(), JailConf.effective(d, j), j.vnetInterfaces(), j.inet(), deps);
                out.add(r);
                previousJail = r.address();
            }
            for (Jail j : d.jails()) {
                if (!j.packages().isEmpty()) {
                    List<Address> deps = new ArrayList<>(beforePackages);
                    deps.add(Address.of("jail", j.name()));
                    PackagesResource r = new PackagesResource(j.name(), j.packages(), deps);
                    out.add(r);
                    packages.add(r.address());
                    packageSets.add(r);
                }
            }
            Map<String, List<Address>> afterStart = new LinkedHashMap<>();
            for (Jail j : d.jails()) {
                // What runs in the started jail before its services: run-once commands, then the files they make room for.
                List<Address> once = new ArrayList<>();
                for (DesiredHost.RunOnce o : j.runOnce()) {
                    List<Address> deps = new ArrayList<>(List.of(Address.of("jail", j.name()), jailRc.get(j.name())));
                    if (!j.packages().isEmpty()) {
                        deps.add(Address.of("packages", j.name()));
                    }
                    deps.addAll(jailFiles.get(j.name()));
                    RunOnceResource r = new RunOnceResource(o, j.hostPath(o.creates()), deps);
                    out.add(r);
                    once.add(r.address());
                }
                for (FileResource f : lateFiles.get(j.name())) {
                    List<Address> deps = new ArrayList<>(f.dependsOn());
                    deps.addAll(once);
                    FileResource r = new FileResource(f.kind(), f.path(), f.content(), f.mode(), f.owner(), deps);
                    out.add(r);
                    once.add(r.address());
                }
                afterStart.put(j.name(), once);
            }
            for (Jail j : d.jails()) {
                for (String s : j.services()) {
                    List<Address> deps = new ArrayList<>(List.of(Address.of("jail", j.name()), jailRc.get(j.name())));
                    if (!j.packages().isEmpty()) {
                        deps.add(Address.of("packages", j.name()));
                    }
                    deps.addAll(jailFiles.get(j.name()));
                    deps.addAll(afterStart.get(j.name()));
                    if (s.equals("spiped")) {
                        j.pipes().stream().map(p -> keyOf.get(p.key())).filter(x -> x != null).distinct().forEach(deps::add);
                    }
                    List<String> pidFiles = s.equals("spiped")
                            ? j.pipes().stream().map(pipe -> j.hostPath(pipe.pidFile())).toList() : List.of();
                    out.add(new ServiceResource(j.name(), j.path(), s, deps, pidFiles));
                }
            }
        }
        if (!packageSets.isEmpty()) {
            // Bootstrapping fetches pkg itself: through the window too.
            out.add(new PkgBootstrapResource(beforePackages.subList(1, beforePackages.size())));
            d.pf().filter(pf -> pf.egressWindow().isPresent()).ifPresent(pf -> {
                // The window's ruleset names the tables' files and the interfaces: they come first.
                List<Address> deps = new ArrayList<>(tables);
                deps.addAll(interfaces);
                out.add(new EgressWindowResource(pf.egressConf(), packageSets, deps));
            });
        }
        for (DesiredHost.RunOnce o : d.runOnce()) {
            List<Address> deps = new ArrayList<>(List.of(Address.of("rc_conf", "host")));
            if (!d.packages().isEmpty()) {
                deps.add(Address.of("packages", "host"));
            }
            d.files().forEach(f -> deps.add(Address.of("file", f.path())));
            out.add(new RunOnceResource(o, o.creates(), deps));
        }
        d.pf().ifPresent(pf -> {
            List<Address> deps = new ArrayList<>(tables);
            deps.addAll(interfaces);
            // Packages come first: pf's default block would stop pkg from fetching them.
            deps.addAll(packages);
            out.add(new PfResource(PfResource.PF_CONF, pf.conf(), deps));
        });
        List<Resource> made = new ArrayList<>();
        List<Resource> last = new ArrayList<>();
        for (Kinds.Use<?> k : kinds) {
            List<Resource> built = new ArrayList<>(out);
            built.addAll(made);
            built.addAll(last);
            List<Resource> r = resourcesOf(d, k, new Kind.Graph(List.copyOf(built), Map.copyOf(ownerOf)));
            (k.kind().afterBuiltIns() ? last : made).addAll(r);
        }
        out.addAll(kindsAt, made);
        out.addAll(last);
        return out;
    }

    private static <S> Map<IfName, Address> interfacesOf(Kinds.Use<S> k) {
        return k.kind().interfaces(k.spec());
    }

    private static <S> List<Resource> resourcesOf(DesiredHost d, Kinds.Use<S> k, Kind.Graph graph) {
        return k.kind().resources(d, k.spec(), graph);
    }
}
