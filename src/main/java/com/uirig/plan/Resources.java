package com.uirig.plan;

import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Bridge;
import com.uirig.model.DesiredHost.Epair;
import com.uirig.model.DesiredHost.FileSpec;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.Nic;
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

    public static List<Resource> of(DesiredHost d) {
        List<Resource> out = new ArrayList<>();
        Map<IfName, String> ownerOf = new HashMap<>();
        List<String> interfaces = new ArrayList<>();
        for (Nic n : d.nics()) {
            NicResource r = new NicResource(n);
            out.add(r);
            ownerOf.put(n.name(), r.address());
            interfaces.add(r.address());
        }
        for (Epair e : d.epairs()) {
            EpairResource r = new EpairResource(e);
            out.add(r);
            ownerOf.put(e.a(), r.address());
            ownerOf.put(e.b(), r.address());
            interfaces.add(r.address());
        }
        for (Bridge b : d.bridges()) {
            List<String> deps = b.members().stream().map(ownerOf::get).filter(x -> x != null).distinct().toList();
            BridgeResource r = new BridgeResource(b, deps);
            out.add(r);
            interfaces.add(r.address());
        }
        d.defaultRouter().ifPresent(gw -> out.add(new RouteResource(gw, d.nics().stream()
                .filter(n -> n.inet().contains(gw)).map(n -> new NicResource(n).address()).toList())));
        d.sysctl().forEach((k, v) -> out.add(new SysctlResource(k, v)));
        out.add(new RcConfResource("host", RcConfResource.HOST_FILE, RcConfSettings.host(d), List.of()));
        for (FileSpec f : d.files()) {
            out.add(new FileResource("file", f.path(), f.content(), f.mode(), f.owner(), List.of()));
        }
        List<String> tables = new ArrayList<>();
        d.pf().ifPresent(pf -> {
            for (PfTable t : pf.tables()) {
                if (!t.runtime()) {
                    PfTableResource r = new PfTableResource(t.name(), t.file().orElseThrow(), t.addresses());
                    out.add(r);
                    tables.add(r.address());
                }
            }
        });

        List<String> packages = new ArrayList<>();
        if (!d.packages().isEmpty()) {
            PackagesResource r = new PackagesResource("", d.packages(), List.of());
            out.add(r);
            packages.add(r.address());
        }
        if (!d.jails().isEmpty()) {
            FileResource jailConf = new FileResource("file", JailConf.PATH, JailConf.render(d), "0644", "root:wheel", List.of());
            out.add(jailConf);
            Map<String, String> keyPaths = new LinkedHashMap<>();
            d.spipedKeys().forEach(k -> keyPaths.put(k.name(), k.path()));
            Map<String, List<String>> jailFiles = new LinkedHashMap<>();
            Map<String, String> jailRc = new LinkedHashMap<>();
            for (Jail j : d.jails()) {
                JailRootResource root = new JailRootResource(j.name(), j.path(), j.root());
                out.add(root);
                List<String> files = new ArrayList<>();
                for (FileSpec f : j.files()) {
                    FileResource r = new FileResource("file", j.hostPath(f.path()), f.content(), f.mode(), f.owner(),
                            List.of(root.address()));
                    out.add(r);
                    files.add(r.address());
                }
                jailFiles.put(j.name(), files);
                RcConfResource rc = new RcConfResource(j.name(), j.hostPath("/etc/rc.conf"),
                        RcConfSettings.jail(j, keyPaths), List.of(root.address()));
                out.add(rc);
                jailRc.put(j.name(), rc.address());
            }
            Map<String, String> keyOf = new HashMap<>();
            for (DesiredHost.SpipedKey k : d.spipedKeys()) {
                List<String> ends = SpipedKeyResource.endsOn(d, k.name());
                if (ends.isEmpty()) {
                    continue;
                }
                List<String> deps = d.jails().stream().filter(j -> j.pipes().stream().anyMatch(p -> p.key().equals(k.name())))
                        .map(j -> "jail_root[" + j.name() + "]").toList();
                SpipedKeyResource r = new SpipedKeyResource(k.name(), k.path(), ends, deps);
                out.add(r);
                keyOf.put(k.name(), r.address());
            }
            String previousJail = null;
            for (Jail j : d.jails()) {
                List<String> deps = new ArrayList<>(List.of(jailConf.address(), "jail_root[" + j.name() + "]", jailRc.get(j.name())));
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
                    PackagesResource r = new PackagesResource(j.name(), j.packages(), List.of("jail[" + j.name() + "]"));
                    out.add(r);
                    packages.add(r.address());
                }
            }
            for (Jail j : d.jails()) {
                for (String s : j.services()) {
                    List<String> deps = new ArrayList<>(List.of("jail[" + j.name() + "]", jailRc.get(j.name())));
                    if (!j.packages().isEmpty()) {
                        deps.add("packages[" + j.name() + "]");
                    }
                    deps.addAll(jailFiles.get(j.name()));
                    if (s.equals("spiped")) {
                        j.pipes().stream().map(p -> keyOf.get(p.key())).filter(x -> x != null).distinct().forEach(deps::add);
                    }
                    out.add(new ServiceResource(j.name(), j.path(), s, deps));
                }
            }
        }
        d.pf().ifPresent(pf -> {
            List<String> deps = new ArrayList<>(tables);
            deps.addAll(interfaces);
            // Packages come first: pf's default block would stop pkg from fetching them.
            deps.addAll(packages);
            out.add(new PfResource("/etc/pf.conf", pf.conf(), deps));
        });
        if (!d.cron().isEmpty()) {
            out.add(new FileResource("cron", Crontab.PATH, Crontab.render(d.cron()), "0644", "root:wheel", List.of()));
        }
        return out;
    }

}
