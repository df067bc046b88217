package com.uirig.config;

import com.uirig.config.InventoryLoader.LoadedHost;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.PfTable;
import com.uirig.model.DesiredHost.PipeMode;
import com.uirig.model.DesiredHost.SpipedPipe;
import com.uirig.model.IfName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks that the parts of each host's desired state fit together (names defined once,
 * references resolved, addresses consistent, pf.conf and tables agree, tunnels meet a peer) and
 * that no setting would cut the host off. Problems are recorded where the value was written.
 */
final class Validator {
    private final List<LoadedHost> hosts;

    Validator(List<LoadedHost> hosts) {
        this.hosts = hosts;
    }

    void check() {
        for (LoadedHost h : hosts) {
            checkHost(h.desired(), h.origins());
            checkWriters(h.desired(), h.origins());
            // What each registered section checks against the whole host.
            for (PlaybookSection<?> s : PlaybookSections.all()) {
                checkSection(s, h.desired(), h.origins());
            }
        }
        checkTunnels();
    }

    private static <S> void checkSection(PlaybookSection<S> section, DesiredHost d, Origins o) {
        d.kinds().get(section.key(), section.specType()).ifPresent(spec -> section.check(spec, d, o));
    }

    /** Records what is valid but likely not meant (the registered sections say what). */
    void warn(Problems warnings) {
        for (LoadedHost h : hosts) {
            Problems.Sink sink = warnings.forHost(h.desired().name());
            for (PlaybookSection<?> s : PlaybookSections.all()) {
                warnSection(s, h.desired(), h.origins(), sink);
            }
        }
    }

    private static <S> void warnSection(PlaybookSection<S> section, DesiredHost d, Origins o, Problems.Sink sink) {
        d.kinds().get(section.key(), section.specType()).ifPresent(spec -> section.warn(spec, o, sink));
    }

    /** One file uirig writes on a host: its host path, who writes it, and where that is written. */
    private record Writer(String path, String what, String originKey) {}

    /**
     * Every file uirig writes has exactly one writer: a playbook file on the host or in a jail, a
     * pf table's file, pf.conf, jail.conf, an rc.conf, a registered section's (the crontab), a spiped
     * key's copy in a jail.
     */
    private void checkWriters(DesiredHost d, Origins o) {
        List<Writer> writers = new ArrayList<>();
        writers.add(new Writer("/etc/rc.conf", "the host's rc.conf settings", "rc_conf"));
        d.pf().ifPresent(pf -> {
            writers.add(new Writer("/etc/pf.conf", "pf.conf", "pf.conf"));
            pf.tables().forEach(t -> t.file().ifPresent(f -> writers.add(new Writer(f, "table <" + t.name() + ">", "table." + t.name()))));
        });
        if (!d.jails().isEmpty()) {
            writers.add(new Writer("/etc/jail.conf", "jail.conf", "jail." + d.jails().get(0).name()));
        }
        // The registered sections' files (the crontab), each at its section.
        PlaybookSections.writtenFiles(d).forEach((key, files) ->
                files.forEach(f -> writers.add(new Writer(f.path(), f.writer(), key))));
        d.files().forEach(f -> writers.add(new Writer(f.path(), "files: " + f.path(), "file.:" + f.path())));
        for (Jail j : d.jails()) {
            writers.add(new Writer(j.hostPath("/etc/rc.conf"), "jail " + j.name()
                    + "'s rc.conf (written from its settings: hostname, inet, services)", "jail." + j.name()));
            d.spipedKeys().stream().filter(k -> j.pipes().stream().anyMatch(p -> p.key().equals(k.name())))
                    .forEach(k -> writers.add(new Writer(j.hostPath(k.path()), "spiped key " + k.name() + " in jail " + j.name(),
                            "spiped_key." + k.name())));
            j.files().forEach(f -> writers.add(new Writer(j.hostPath(f.path()), "jail " + j.name() + "'s files: " + f.path(),
                    "file." + j.name() + ":" + f.path())));
        }
        Map<String, Writer> first = new HashMap<>();
        for (Writer w : writers) {
            Writer before = first.putIfAbsent(w.path(), w);
            if (before != null) {
                o.error(w.originKey(), w.path() + " is written twice: by " + before.what() + " and by " + w.what());
            }
        }
    }

    private void checkHost(DesiredHost d, Origins o) {
        // The interfaces the registered sections make (NICs, epairs, bridges, laggs, VLANs): each
        // section refuses names already taken itself.
        Map<IfName, PlaybookSection.Interface> defined = new LinkedHashMap<>();
        PlaybookSections.interfaces(d).forEach(i -> defined.putIfAbsent(i.name(), i));

        // Each interface goes to one place: a bridge or a jail.
        Map<IfName, String> usedBy = new HashMap<>();
        for (PlaybookSection.InterfaceUse u : PlaybookSections.interfaceUses(d)) {
            if (defined.containsKey(u.name()) && defined.get(u.name()).role() != PlaybookSection.Role.BRIDGE) {
                use(usedBy, u.name(), u.user(), u.at(), o);
            }
        }
        for (Jail j : d.jails()) {
            for (IfName i : j.vnetInterfaces()) {
                String at = "jail." + j.name() + ".vnet." + i;
                PlaybookSection.Interface owner = defined.get(i);
                if (owner == null) {
                    o.error(at, "VNET interface '" + i + "' of jail " + j.name() + " is not defined (define it under epairs or nics)");
                } else if (owner.role() == PlaybookSection.Role.BRIDGE) {
                    o.error(at, "'" + i + "' is a bridge: give the jail an epair end instead");
                } else if (owner.role() == PlaybookSection.Role.MADE) {
                    // A kind reads its interface on the host (ifconfig NAME): moved into a jail, it would be made again.
                    o.error(at, "'" + i + "' is made by a kind (a lagg, a VLAN), which uirig manages on the host only:"
                            + " give the jail an epair end instead");
                } else {
                    use(usedBy, i, "jail " + j.name(), at, o);
                }
            }
            for (IfName i : j.inet().keySet()) {
                if (!j.vnetInterfaces().contains(i)) {
                    o.error("jail." + j.name() + ".inet." + i, "'" + i + "' is not one of jail " + j.name()
                            + "'s vnet_interfaces (" + join(j.vnetInterfaces()) + ")");
                }
            }
            j.defaultRouter().ifPresent(r -> {
                if (j.inet().values().stream().noneMatch(c -> c.contains(r))) {
                    o.error("jail." + j.name() + ".defaultrouter", "default router " + r
                            + " is on none of jail " + j.name() + "'s subnets");
                }
            });
        }

        checkAddresses(d, o);
        checkJails(d, o);
        checkSpiped(d, o);
        checkPf(d, o);
    }

    private static void use(Map<IfName, String> usedBy, IfName name, String user, String at, Origins o) {
        String before = usedBy.putIfAbsent(name, user);
        if (before != null && !before.equals(user)) {
            o.error(at, "'" + name + "' is given to both " + before + " and " + user
                    + ": an interface can be in one bridge or one jail only");
        }
    }

    /**
     * Subnets must not overlap within a jail's network stack (the host's sections refuse overlaps
     * in the host's stack themselves).
     */
    private static void checkAddresses(DesiredHost d, Origins o) {
        record Addr(String owner, Cidr cidr, String key) {}
        List<List<Addr>> stacks = new ArrayList<>();
        for (Jail j : d.jails()) {
            List<Addr> stack = new ArrayList<>();
            j.inet().forEach((i, c) -> stack.add(new Addr(i.value(), c, "jail." + j.name() + ".inet." + i)));
            stacks.add(stack);
        }
        for (List<Addr> stack : stacks) {
            for (int i = 0; i < stack.size(); i++) {
                for (int k = 0; k < i; k++) {
                    if (stack.get(i).cidr().overlaps(stack.get(k).cidr())) {
                        o.error(stack.get(i).key(), "address " + stack.get(i).cidr() + " on " + stack.get(i).owner()
                                + " overlaps " + stack.get(k).cidr() + " on " + stack.get(k).owner()
                                + " in the same network stack");
                    }
                }
            }
        }
    }

    private static void checkJails(DesiredHost d, Origins o) {
        Map<String, String> paths = new HashMap<>();
        for (Jail j : d.jails()) {
            if (j.path().isEmpty()) {
                continue;
            }
            String before = paths.putIfAbsent(j.path(), j.name());
            if (before != null) {
                o.error("jail." + j.name(), "jail " + j.name() + " has the same path as jail " + before + ": " + j.path());
            }
        }
    }

    private static void checkSpiped(DesiredHost d, Origins o) {
        List<String> keys = d.spipedKeys().stream().map(DesiredHost.SpipedKey::name).toList();
        for (Jail j : d.jails()) {
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
    }

    private static void checkPf(DesiredHost d, Origins o) {
        if (d.pf().isEmpty()) {
            return;
        }
        DesiredHost.Pf pf = d.pf().get();
        String file = pf.confTemplate();
        String[] lines = pf.conf().split("\n", -1);
        PfConfText conf = PfConfText.parse(pf.conf());
        Map<String, Integer> macros = conf.macroDefinitions();
        for (PfConfText.Use u : conf.macroUses()) {
            if (!macros.containsKey(u.name())) {
                o.errorAt(at(file, lines, u.line(), "$" + u.name()), "pf macro $" + u.name() + " is used but not defined");
            } else if (macros.get(u.name()) > u.line()) {
                o.errorAt(at(file, lines, u.line(), "$" + u.name()), "pf macro $" + u.name()
                        + " is used before its definition on line " + macros.get(u.name()));
            }
        }
        Map<String, PfConfText.TableDef> tables = conf.tableDefinitions();
        for (PfConfText.Use u : conf.tableUses()) {
            if (!tables.containsKey(u.name())) {
                o.errorAt(at(file, lines, u.line(), "<" + u.name() + ">"), "pf table <" + u.name() + "> is used but not defined");
            }
        }
        Map<String, PfTable> declared = new LinkedHashMap<>();
        pf.tables().forEach(t -> declared.put(t.name(), t));
        for (PfConfText.TableDef t : tables.values()) {
            PfTable p = declared.get(t.name());
            var where = at(file, lines, t.line(), "<" + t.name() + ">");
            if (p == null) {
                o.errorAt(where, "pf table <" + t.name() + "> is not declared under pf.tables"
                        + (t.file().isPresent() ? " (give its addresses for " + t.file().get() + ")" : " (add it with runtime: true)"));
            } else if (p.runtime() && t.file().isPresent()) {
                o.error("table." + t.name(), "table <" + t.name() + "> is loaded from " + t.file().get()
                        + " in pf.conf but declared runtime here");
            } else if (!p.runtime() && !t.file().equals(p.file())) {
                o.error("table." + t.name(), "table <" + t.name() + "> is written to " + p.file().orElse("?")
                        + " but pf.conf " + (t.file().isPresent() ? "loads it from " + t.file().get() : "does not load it from a file"));
            }
        }
        for (PfTable t : pf.tables()) {
            if (!tables.containsKey(t.name())) {
                o.error("table." + t.name(), "table <" + t.name() + "> is not defined in " + file);
            }
        }
        // A table that pf blocks on an interface must not hold that interface's own subnet.
        List<PlaybookSection.Interface> addressed = PlaybookSections.interfaces(d).stream().filter(i -> i.inet().isPresent()).toList();
        for (PfTable t : pf.tables()) {
            for (String iface : conf.interfacesBlocking(t.name())) {
                for (PlaybookSection.Interface n : addressed) {
                    if (!n.name().value().equals(iface)) {
                        continue;
                    }
                    Cidr own = n.inet().get();
                    for (Cidr entry : t.addresses()) {
                        if (entry.overlaps(own)) {
                            o.error(PlaybookReader.tableEntry(t.name(), entry), "table <" + t.name() + "> holds " + entry.entryText()
                                    + ", which covers " + n.name() + "'s own subnet " + own.networkText()
                                    + "; pf.conf blocks it on " + iface + ", so all traffic to the host would be dropped");
                        }
                    }
                }
            }
        }
    }

    private static Location at(String file, String[] lines, int line, String token) {
        int col = line - 1 < lines.length ? lines[line - 1].indexOf(token) : -1;
        return new Location(file, line, col < 0 ? 1 : col + 1);
    }

    /** Every encrypt pipe must reach a decrypt pipe on the peer, listening on its target, with the same key. */
    private void checkTunnels() {
        Map<String, LoadedHost> byName = new LinkedHashMap<>();
        hosts.forEach(h -> byName.put(h.desired().name(), h));
        for (LoadedHost h : hosts) {
            DesiredHost d = h.desired();
            for (Jail j : d.jails()) {
                for (SpipedPipe p : j.pipes()) {
                    if (p.mode() != PipeMode.ENCRYPT) {
                        continue;
                    }
                    List<LoadedHost> candidates = d.peer().isPresent()
                            ? byName.containsKey(d.peer().get()) ? List.of(byName.get(d.peer().get())) : List.of()
                            : hosts.stream().filter(x -> x != h).toList();
                    if (candidates.isEmpty()) {
                        continue;
                    }
                    Optional<SpipedPipe> match = candidates.stream().flatMap(c -> c.desired().jails().stream())
                            .flatMap(x -> x.pipes().stream())
                            .filter(x -> x.mode() == PipeMode.DECRYPT && x.source().equals(p.target()))
                            .findFirst();
                    String at = "pipe." + j.name() + "." + p.name() + ".target";
                    String where = d.peer().map(x -> "peer " + x).orElse("any other host");
                    if (match.isEmpty()) {
                        o(h).error(at, "encrypt pipe " + j.name() + "." + p.name() + " targets " + p.target()
                                + " but no decrypt pipe on " + where + " listens there");
                    } else if (!match.get().key().equals(p.key())) {
                        o(h).error(at, "encrypt pipe " + j.name() + "." + p.name() + " uses key '" + p.key()
                                + "' but the decrypt pipe " + match.get().jail() + "." + match.get().name()
                                + " on " + where + " uses key '" + match.get().key() + "'");
                    }
                }
            }
        }
    }

    private static Origins o(LoadedHost h) {
        return h.origins();
    }

    private static String join(List<IfName> names) {
        return names.stream().map(IfName::value).collect(Collectors.joining(", "));
    }
}
