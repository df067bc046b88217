package com.uirig.kinds;

import com.uirig.config.FileLimits;
import com.uirig.config.Origins;
import com.uirig.config.PlaybookSection;
import com.uirig.config.YamlValue;
import com.uirig.facts.Sections;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.FileSpec;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.PipeMode;
import com.uirig.model.DesiredHost.RootSource;
import com.uirig.model.DesiredHost.RunOnce;
import com.uirig.model.DesiredHost.SpipedPipe;
import com.uirig.model.Endpoint;
import com.uirig.model.IfName;
import com.uirig.model.Ipv4;
import com.uirig.model.JailParam;
import com.uirig.model.Shell;
import com.uirig.plan.Address;
import com.uirig.plan.FileResource;
import com.uirig.plan.Kind;
import com.uirig.plan.PackagesResource;
import com.uirig.plan.RcConfResource;
import com.uirig.plan.Resource;
import com.uirig.plan.RunOnceResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * VNET jails, the playbook's {@code jails} section: /etc/jail.conf ({@link JailConf}, with the
 * {@code jail_defaults}), each jail's root filesystem, files and rc.conf, the jail started with
 * {@code jail -c}, its packages, run-once commands and services, and its spiped tunnels (the
 * shared keys are {@link SpipedKeysKind}'s).
 */
public final class JailsKind implements Kind<JailsKind.Jails> {
    public static final String KEY = "jails";
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9_.:-]+(/[A-Za-z0-9_.:-]+)*@[A-Za-z0-9_.:-]+");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    /** The host's jails, in the playbook's order, which is the order they start in. */
    public record Jails(List<Jail> jails) {
        public Jails {
            jails = List.copyOf(jails);
        }
    }

    /** The jails {@code host} declares (none without a jails section). */
    public static List<Jail> of(DesiredHost host) {
        return host.kinds().get(KEY, Jails.class).map(Jails::jails).orElse(List.of());
    }

    static Address rootAddress(String jail) {
        return Address.of("jail_root", jail);
    }

    private static Address jailAddress(String jail) {
        return Address.of("jail", jail);
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Jails> specType() {
        return Jails.class;
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Jails read(YamlValue section, Context context) {
        Map<String, Object> defaults = JailDefaultsKind.of(context.host());
        List<Jail> jails = new ArrayList<>();
        for (var e : section.entries().entrySet()) {
            Jail j = jail(e.getKey(), e.getValue(), defaults, context);
            if (j != null) {
                jails.add(j);
            }
        }
        return new Jails(jails);
    }

    private static Jail jail(String name, YamlValue v, Map<String, Object> defaults, Context context) {
        Origins origins = context.origins();
        var f = v.fields(List.of("root", "parameters", "vnet_interfaces", "hostname", "inet", "defaultrouter",
                "packages", "services", "files", "spiped_pipes", "run_once"), List.of("root", "hostname"));
        if (!Readers.NAME.matcher(name).matches()) {
            v.error("invalid jail name '" + name + "' (letters, digits and '_')");
            return null;
        }
        origins.put("jail." + name, v);
        Map<String, Object> params = f.has("parameters") ? JailDefaultsKind.parameters(f.get("parameters")) : new LinkedHashMap<>();
        Object pathParam = params.getOrDefault("path", defaults.get("path"));
        String path = null;
        if (!(pathParam instanceof String p)) {
            v.error("the jail has no path: set 'path' in jail_defaults or in its parameters");
        } else {
            path = JailParam.expand(p, name);
            if (!path.startsWith("/") || path.contains("$")) {
                v.error("the jail's path '" + path + "' must be absolute and use no variable but $name");
                path = null;
            } else if (path.endsWith("/") && path.length() > 1) {
                path = path.substring(0, path.length() - 1);
            }
        }
        RootSource root = f.has("root") ? root(name, f.get("root")) : null;
        List<IfName> vnet = new ArrayList<>();
        if (f.has("vnet_interfaces")) {
            for (YamlValue item : f.get("vnet_interfaces").flatSequence()) {
                IfName n = item.as(IfName::parse);
                if (n == null) {
                    continue;
                }
                if (vnet.contains(n)) {
                    item.error("interface '" + n + "' is listed twice");
                    continue;
                }
                vnet.add(n);
                origins.put("jail." + name + ".vnet." + n, item);
            }
        }
        String hostname = f.has("hostname") ? f.get("hostname").as(text -> {
            if (!HOSTNAME.matcher(text).matches()) {
                throw new IllegalArgumentException("invalid hostname '" + text + "'");
            }
            return text;
        }) : null;
        Map<IfName, Cidr> inet = new LinkedHashMap<>();
        if (f.has("inet")) {
            for (var e : f.get("inet").entries().entrySet()) {
                IfName n = Interfaces.name(e.getKey(), e.getValue());
                Cidr c = e.getValue().as(Cidr::parseInterface);
                if (n != null && c != null) {
                    inet.put(n, c);
                    origins.put("jail." + name + ".inet." + n, e.getValue());
                }
            }
        }
        Optional<Ipv4> router = Optional.empty();
        if (f.has("defaultrouter")) {
            router = Optional.ofNullable(f.get("defaultrouter").as(Ipv4::parse));
            origins.put("jail." + name + ".defaultrouter", f.get("defaultrouter"));
        }
        List<String> packages = f.has("packages") ? Readers.packages(f.get("packages")) : List.of();
        List<String> services = new ArrayList<>();
        if (f.has("services")) {
            for (YamlValue item : f.get("services").flatSequence()) {
                String s = item.as(text -> {
                    if (!SERVICE.matcher(text).matches()) {
                        throw new IllegalArgumentException("invalid service name '" + text + "'");
                    }
                    return text;
                });
                if (s != null && !services.contains(s)) {
                    services.add(s);
                    origins.put("jail." + name + ".service." + s, item);
                }
            }
        }
        List<FileSpec> files = f.has("files") ? Readers.files(f.get("files"), context.playbookDir(), name, origins) : List.of();
        List<SpipedPipe> pipes = new ArrayList<>();
        if (f.has("spiped_pipes")) {
            for (var e : f.get("spiped_pipes").entries().entrySet()) {
                SpipedPipe p = pipe(name, e.getKey(), e.getValue(), origins);
                if (p != null) {
                    pipes.add(p);
                }
            }
        }
        List<RunOnce> runOnce = f.has("run_once") ? Readers.runOnce(f.get("run_once"), name, origins) : List.of();
        // A jail with problems is kept (with empty parts) so its references are still checked.
        return new Jail(name, path == null ? "" : path, root, params, vnet, hostname == null ? "" : hostname, inet,
                router, packages, services, files, pipes, runOnce);
    }

    private static RootSource root(String jail, YamlValue v) {
        var f = v.fields(List.of("zfs_clone", "dataset", "base_archive"), List.of());
        if (!f.valid()) {
            return null;
        }
        if (f.has("zfs_clone") == f.has("base_archive")) {
            v.error("give exactly one of zfs_clone (a snapshot) or base_archive (a base.txz on the orchestrator)");
            return null;
        }
        if (f.has("base_archive")) {
            if (f.has("dataset")) {
                f.get("dataset").error("'dataset' only goes with zfs_clone");
                return null;
            }
            String p = f.get("base_archive").text();
            return p == null ? null : FileLimits.baseArchive(f.get("base_archive"), p);
        }
        String snapshot = f.get("zfs_clone").as(text -> {
            if (!SNAPSHOT.matcher(text).matches()) {
                throw new IllegalArgumentException("expected a ZFS snapshot like zroot/jails/template@14.1, found '" + text + "'");
            }
            return text;
        });
        if (snapshot == null) {
            return null;
        }
        String dataset;
        if (f.has("dataset")) {
            dataset = f.get("dataset").text();
        } else {
            String source = snapshot.substring(0, snapshot.indexOf('@'));
            int slash = source.lastIndexOf('/');
            dataset = (slash < 0 ? source : source.substring(0, slash)) + "/" + jail;
        }
        return dataset == null ? null : new DesiredHost.ZfsClone(snapshot, dataset);
    }

    private static SpipedPipe pipe(String jail, String name, YamlValue v, Origins origins) {
        var f = v.fields(List.of("mode", "source", "target", "key"), List.of("mode", "source", "target", "key"));
        if (!Readers.NAME.matcher(name).matches()) {
            v.error("invalid pipe name '" + name + "' (letters, digits and '_')");
            return null;
        }
        PipeMode mode = parse(f.get("mode"), text -> switch (text) {
            case "encrypt", "client" -> PipeMode.ENCRYPT;
            case "decrypt", "server" -> PipeMode.DECRYPT;
            default -> throw new IllegalArgumentException("expected encrypt or decrypt, found '" + text + "'");
        });
        Endpoint source = parse(f.get("source"), Endpoint::parse);
        Endpoint target = parse(f.get("target"), Endpoint::parse);
        String key = f.has("key") ? f.get("key").text() : null;
        if (mode == null || source == null || target == null || key == null) {
            return null;
        }
        String at = "pipe." + jail + "." + name;
        origins.put(at, v);
        origins.put(at + ".source", f.get("source"));
        origins.put(at + ".target", f.get("target"));
        origins.put(at + ".key", f.get("key"));
        return new SpipedPipe(jail, name, mode, source, target, key);
    }

    private static <T> T parse(YamlValue v, Function<String, T> parser) {
        return v == null ? null : v.as(parser);
    }

    // ------------------------------------------------------------------ validation

    @Override
    public List<String> jailNames(Jails spec) {
        return spec.jails().stream().map(Jail::name).toList();
    }

    /** A jail takes a NIC or an epair end as a VNET interface, whole (vnet.interface moves it into the jail). */
    @Override
    public List<InterfaceUse> interfaceUses(Jails spec) {
        List<InterfaceUse> out = new ArrayList<>();
        for (Jail j : spec.jails()) {
            j.vnetInterfaces().forEach(i -> out.add(new InterfaceUse(i, "jail " + j.name(), "jail." + j.name() + ".vnet." + i,
                    Set.of(Role.NIC, Role.EPAIR_END))));
        }
        return out;
    }

    @Override
    public void check(Jails spec, DesiredHost host, List<DesiredHost> inventory, Origins o) {
        Map<IfName, PlaybookSection.Interface> defined = Interfaces.defined(host);
        Map<String, String> paths = new HashMap<>();
        for (Jail j : spec.jails()) {
            for (IfName i : j.vnetInterfaces()) {
                String at = "jail." + j.name() + ".vnet." + i;
                PlaybookSection.Interface owner = defined.get(i);
                if (owner == null) {
                    o.error(at, "VNET interface '" + i + "' of jail " + j.name() + " is not defined (define it under epairs or nics)");
                } else if (owner.role() == Role.BRIDGE) {
                    o.error(at, "'" + i + "' is a bridge: give the jail an epair end instead");
                } else if (owner.role() == Role.MADE) {
                    // A kind reads its interface on the host (ifconfig NAME): moved into a jail, it would be made again.
                    o.error(at, "'" + i + "' is made by a kind (a lagg, a VLAN), which uirig manages on the host only:"
                            + " give the jail an epair end instead");
                }
            }
            for (IfName i : j.inet().keySet()) {
                if (!j.vnetInterfaces().contains(i)) {
                    o.error("jail." + j.name() + ".inet." + i, "'" + i + "' is not one of jail " + j.name()
                            + "'s vnet_interfaces (" + j.vnetInterfaces().stream().map(IfName::value).collect(Collectors.joining(", ")) + ")");
                }
            }
            j.defaultRouter().ifPresent(r -> {
                if (j.inet().values().stream().noneMatch(c -> c.contains(r))) {
                    o.error("jail." + j.name() + ".defaultrouter", "default router " + r
                            + " is on none of jail " + j.name() + "'s subnets");
                }
            });
            checkStack(j, o);
            if (!j.path().isEmpty()) {
                String before = paths.putIfAbsent(j.path(), j.name());
                if (before != null) {
                    o.error("jail." + j.name(), "jail " + j.name() + " has the same path as jail " + before + ": " + j.path());
                }
            }
            checkPipes(j, host, o);
            checkTunnels(j, host, inventory, o);
        }
    }

    /** Subnets must not overlap within the jail's own network stack. */
    private static void checkStack(Jail j, Origins o) {
        List<Map.Entry<IfName, Cidr>> stack = new ArrayList<>(j.inet().entrySet());
        for (int i = 0; i < stack.size(); i++) {
            for (int k = 0; k < i; k++) {
                Cidr c = stack.get(i).getValue();
                Cidr other = stack.get(k).getValue();
                if (c.overlaps(other)) {
                    o.error("jail." + j.name() + ".inet." + stack.get(i).getKey(), "address " + c + " on " + stack.get(i).getKey()
                            + " overlaps " + other + " on " + stack.get(k).getKey() + " in the same network stack");
                }
            }
        }
    }

    /** Each pipe names a defined key and listens on an address of its jail, whose services run spiped. */
    private static void checkPipes(Jail j, DesiredHost host, Origins o) {
        List<String> keys = SpipedKeysKind.of(host).stream().map(DesiredHost.SpipedKey::name).toList();
        for (SpipedPipe p : j.pipes()) {
            String at = "pipe." + j.name() + "." + p.name();
            if (!keys.contains(p.key())) {
                o.error(at + ".key", "spiped key '" + p.key() + "' is not defined under spiped_keys"
                        + (keys.isEmpty() ? "" : " (defined: " + String.join(", ", keys) + ")"));
            }
            if (j.inet().values().stream().noneMatch(c -> c.address().equals(p.source().address()))) {
                o.error(at + ".source", "pipe " + p.name() + " listens on " + p.source()
                        + " but jail " + j.name() + " has no such address (" + j.inet().values().stream()
                        .map(c -> c.address().toString()).collect(Collectors.joining(", ")) + ")");
            }
        }
        if (!j.pipes().isEmpty() && !j.services().contains("spiped")) {
            o.error("jail." + j.name(), "jail " + j.name() + " has spiped pipes but 'spiped' is not in its services");
        }
    }

    /** Every encrypt pipe reaches a decrypt pipe on the peer (or on any other host), listening on its target, with the same key. */
    private static void checkTunnels(Jail j, DesiredHost host, List<DesiredHost> inventory, Origins o) {
        for (SpipedPipe p : j.pipes()) {
            if (p.mode() != PipeMode.ENCRYPT) {
                continue;
            }
            List<DesiredHost> candidates = host.peer().isPresent()
                    ? inventory.stream().filter(x -> x.name().equals(host.peer().get())).limit(1).toList()
                    : inventory.stream().filter(x -> x != host).toList();
            if (candidates.isEmpty()) {
                continue;
            }
            Optional<SpipedPipe> match = candidates.stream().flatMap(c -> of(c).stream())
                    .flatMap(x -> x.pipes().stream())
                    .filter(x -> x.mode() == PipeMode.DECRYPT && x.source().equals(p.target()))
                    .findFirst();
            String at = "pipe." + j.name() + "." + p.name() + ".target";
            String where = host.peer().map(x -> "peer " + x).orElse("any other host");
            if (match.isEmpty()) {
                o.error(at, "encrypt pipe " + j.name() + "." + p.name() + " targets " + p.target()
                        + " but no decrypt pipe on " + where + " listens there");
            } else if (!match.get().key().equals(p.key())) {
                o.error(at, "encrypt pipe " + j.name() + "." + p.name() + " uses key '" + p.key()
                        + "' but the decrypt pipe " + match.get().jail() + "." + match.get().name()
                        + " on " + where + " uses key '" + match.get().key() + "'");
            }
        }
    }

    /** jail.conf, and each jail's rc.conf and files. */
    @Override
    public List<WrittenFile> writtenFiles(Jails spec, DesiredHost host) {
        List<WrittenFile> out = new ArrayList<>();
        if (!spec.jails().isEmpty()) {
            out.add(new WrittenFile(JailConf.PATH, "jail.conf", "jail." + spec.jails().get(0).name()));
        }
        for (Jail j : spec.jails()) {
            if (j.path().isEmpty()) {
                continue; // a jail without a path is reported as such; its files would seem the host's
            }
            out.add(new WrittenFile(j.hostPath("/etc/rc.conf"), "jail " + j.name()
                    + "'s rc.conf (written from its settings: hostname, inet, services)", "jail." + j.name()));
            j.files().forEach(f -> out.add(new WrittenFile(j.hostPath(f.path()), "jail " + j.name() + "'s files: " + f.path(),
                    Readers.fileOrigin(j.name(), f.path()), Source.NAMED)));
        }
        return out;
    }

    // ------------------------------------------------------------------ resources

    @Override
    public List<Resource> resources(DesiredHost d, Jails spec, Graph graph) {
        List<Resource> out = new ArrayList<>();
        if (spec.jails().isEmpty()) {
            return out;
        }
        FileResource jailConf = new FileResource("file", JailConf.PATH, JailConf.render(d), "0644", "root:wheel", List.of());
        out.add(jailConf);
        Map<String, String> keyPaths = new LinkedHashMap<>();
        SpipedKeysKind.of(d).forEach(k -> keyPaths.put(k.name(), k.path()));
        Map<String, List<Address>> jailFiles = new LinkedHashMap<>();
        Map<String, List<FileResource>> lateFiles = new LinkedHashMap<>();
        Map<String, Address> jailRc = new LinkedHashMap<>();
        for (Jail j : spec.jails()) {
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
            RcConfResource rc = new RcConfResource(j.name(), j.hostPath("/etc/rc.conf"), rcConf(j, keyPaths),
                    List.of(root.address()));
            out.add(rc);
            jailRc.put(j.name(), rc.address());
        }
        Address previousJail = null;
        for (Jail j : spec.jails()) {
            List<Address> deps = new ArrayList<>(List.of(jailConf.address(), rootAddress(j.name()), jailRc.get(j.name())));
            deps.addAll(jailFiles.get(j.name()));
            j.vnetInterfaces().stream().map(graph::ownerOf).flatMap(Optional::stream).distinct().forEach(deps::add);
            if (previousJail != null) {
                deps.add(previousJail);
            }
            JailResource r = new JailResource(j.name(), j.path(), JailConf.effective(d, j), j.vnetInterfaces(), j.inet(), deps);
            out.add(r);
            previousJail = r.address();
        }
        List<Address> beforePackages = PackagesKind.beforePackages(d);
        for (Jail j : spec.jails()) {
            if (!j.packages().isEmpty()) {
                List<Address> deps = new ArrayList<>(beforePackages);
                deps.add(jailAddress(j.name()));
                out.add(new PackagesResource(j.name(), j.packages(), deps));
            }
        }
        Map<String, List<Address>> afterStart = new LinkedHashMap<>();
        for (Jail j : spec.jails()) {
            // What runs in the started jail before its services: run-once commands, then the files they make room for.
            List<Address> once = new ArrayList<>();
            for (RunOnce o : j.runOnce()) {
                List<Address> deps = new ArrayList<>(List.of(jailAddress(j.name()), jailRc.get(j.name())));
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
        for (Jail j : spec.jails()) {
            for (String s : j.services()) {
                List<Address> deps = new ArrayList<>(List.of(jailAddress(j.name()), jailRc.get(j.name())));
                if (!j.packages().isEmpty()) {
                    deps.add(Address.of("packages", j.name()));
                }
                deps.addAll(jailFiles.get(j.name()));
                deps.addAll(afterStart.get(j.name()));
                if (s.equals("spiped")) {
                    j.pipes().stream().map(p -> SpipedKeysKind.resourceOf(d, p.key())).flatMap(Optional::stream).distinct()
                            .forEach(deps::add);
                }
                List<String> pidFiles = s.equals("spiped")
                        ? j.pipes().stream().map(pipe -> j.hostPath(pipe.pidFile())).toList() : List.of();
                out.add(new ServiceResource(j.name(), j.path(), s, deps, pidFiles));
            }
        }
        return out;
    }

    /** A jail's /etc/rc.conf settings: hostname, addresses, route, tunnels, enabled services. */
    private static Map<String, String> rcConf(Jail j, Map<String, String> keyPaths) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("hostname", j.hostname());
        j.inet().forEach((i, c) -> s.put("ifconfig_" + i.rcName(), c.toString()));
        j.defaultRouter().ifPresent(r -> s.put("defaultrouter", r.toString()));
        if (!j.pipes().isEmpty()) {
            s.put("spiped_enable", "YES");
            s.put("spiped_pipes", String.join(" ", j.pipes().stream().map(SpipedPipe::name).toList()));
            for (SpipedPipe p : j.pipes()) {
                String prefix = "spiped_pipe_" + p.name() + "_";
                s.put(prefix + "mode", p.mode().rcValue());
                s.put(prefix + "source", p.source().toString());
                s.put(prefix + "target", p.target().toString());
                s.put(prefix + "key", keyPaths.get(p.key()));
            }
        }
        for (String service : j.services()) {
            s.putIfAbsent(new ServiceResource(j.name(), j.path(), service, List.of()).enableVariable(), "YES");
        }
        return s;
    }

    // ------------------------------------------------------------------ probes

    /**
     * Per jail: whether its root is in place, its interfaces, packages, services and tunnels; then
     * whether each run-once command's path exists.
     */
    @Override
    public Map<String, String> probes(DesiredHost host, Jails spec) {
        Map<String, String> p = new LinkedHashMap<>();
        for (Jail j : spec.jails()) {
            String jail = Shell.quote(j.name());
            p.put(Sections.jailRoot(j.path()), "test -x " + Shell.quote(j.hostPath("/bin/sh")));
            p.put(Sections.jailIfconfig(j.name()), "jexec " + jail + " ifconfig -a");
            if (!j.packages().isEmpty()) {
                // -r reads the jail's package database even while the jail is stopped.
                p.put(Sections.packages(j.name()), "pkg -r " + Shell.quote(j.path()) + " query %n");
            }
            for (String s : j.services()) {
                p.put(Sections.service(j.name(), s), "jexec " + jail + " service " + Shell.quote(s) + " onestatus");
            }
            // spiped's rc script runs one daemon per pipe: each pid file must name a live process.
            for (var pipe : j.pipes()) {
                p.put(Sections.pipe(j.name(), pipe.name()), "pgrep -F " + Shell.quote(j.hostPath(pipe.pidFile())));
            }
        }
        for (Jail j : spec.jails()) {
            for (var r : j.runOnce()) {
                p.putIfAbsent(Sections.exists(j.hostPath(r.creates())), "test -e " + Shell.quote(j.hostPath(r.creates())));
            }
        }
        return p;
    }
}
