package com.uirig.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.facts.FactsStore;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.ObservedHost.Iface;
import com.uirig.facts.Probe;
import com.uirig.facts.Sections;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.Sha256;
import com.uirig.plan.PlanTestSupport;
import com.uirig.plan.ProbeSections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a converged host's probe prints, section by section, as FreeBSD's commands print it: the
 * inverse of the parsers, applied to the converged state the planning tests use
 * ({@link PlanTestSupport#converged}). The light-host benchmark saves these sections as
 * {@code uirig facts --save} would and its stand-in hosts answer the probe from them, so a check
 * against them is a full check (probe, parse, plan, report) that finds every host in sync.
 *
 * <p>usage: {@code ConvergedSections INVENTORY OUT_DIR}: writes {@code OUT_DIR/HOST/} for every host.
 */
public final class ConvergedSections {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What every spiped key file hashes to: the same key on every end (a key that differs between
     * ends is drift), as a real digest because the parser accepts nothing else.
     */
    static final String KEY_SHA256 = Sha256.hex("light host spiped key".getBytes(StandardCharsets.UTF_8));
    /** ifconfig's flag bits (sys/net/if.h), for a header line that FreeBSD could print. */
    private static final Map<String, Integer> FLAG_BITS = flagBits();

    private ConvergedSections() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ConvergedSections INVENTORY OUT_DIR");
            System.exit(2);
        }
        Inventory inv = InventoryLoader.load(Path.of(args[0]));
        Map<String, ObservedHost> converged = PlanTestSupport.converged(inv);
        for (DesiredHost h : inv.hosts()) {
            FactsStore.save(of(h, converged.get(h.name())), Path.of(args[1]).resolve(h.name()));
        }
    }

    /** Every section of {@code desired}'s probe (with the lock check, as check sends it) for the state {@code o}. */
    public static Map<String, Probe.Section> of(DesiredHost desired, ObservedHost o) {
        Map<String, Probe.Section> out = new LinkedHashMap<>();
        for (String name : ProbeSections.of(desired, true).sectionNames()) {
            out.put(name, section(name, o));
        }
        return out;
    }

    private static Probe.Section section(String name, ObservedHost o) {
        String[] parts = name.split("/");
        if (o.kindFacts().containsKey(name)) {
            return ok(name, kindFact(name, o.kindFacts().get(name)));
        }
        switch (name) {
            case Sections.LOCK, Sections.ROLLBACKS -> {
                return ok(name, ""); // lockf got the lock; no rollback directory
            }
            case Sections.IFCONFIG -> {
                return ok(name, ifconfig(o.get(HostState.INTERFACES).values()));
            }
            case Sections.JLS -> {
                return ok(name, jls(o));
            }
            case Sections.ROUTE -> {
                return ok(name, route(o.get(HostState.DEFAULT_ROUTE).orElseThrow()));
            }
            case Sections.PF_MODULE -> {
                return exit(name, o.get(HostState.PF).moduleLoaded(), "");
            }
            case Sections.PF_RUNNING -> {
                return ok(name, o.get(HostState.PF).enabled() ? "Enabled\n" : "Disabled\n");
            }
            case Sections.PF_RULES, Sections.PF_LOADED -> {
                // In sync: what pfctl prints now is what it printed right after uirig loaded pf.conf.
                return ok(name, pfRules(o));
            }
            case "packages" -> {
                return ok(name, lines(o.get(HostState.PACKAGES).get(ObservedHost.HOST)));
            }
            default -> { }
        }
        if (name.startsWith("pf/table/")) {
            // pfctl -T show: each entry indented by three spaces (sbin/pfctl/pfctl_table.c print_astats).
            StringBuilder s = new StringBuilder();
            o.get(HostState.PF).tables().get(name.substring("pf/table/".length())).forEach(a -> s.append("   ").append(a).append('\n'));
            return ok(name, s.toString());
        }
        if (name.startsWith("exists/")) {
            return exit(name, o.get(HostState.EXISTING_PATHS).contains(name.substring("exists".length())), "");
        }
        if (name.startsWith("root/")) {
            return exit(name, o.get(HostState.JAIL_ROOTS).contains(name.substring("root".length())), "");
        }
        if (parts[0].equals("jail") && parts.length == 3 && parts[2].equals("ifconfig")) {
            return ok(name, ifconfig(o.get(HostState.JAIL_INTERFACES).get(parts[1]).values()));
        }
        if (parts[0].equals("jail") && parts.length == 3 && parts[2].equals("packages")) {
            return ok(name, lines(o.get(HostState.PACKAGES).get(parts[1])));
        }
        if (parts[0].equals("jail") && parts.length == 4 && parts[2].equals("service")) {
            boolean running = o.get(HostState.RUNNING_SERVICES).contains(ObservedHost.serviceKey(parts[1], parts[3]));
            return exit(name, running, parts[3] + (running ? " is running as pid 4242.\n" : " is not running.\n"));
        }
        if (parts[0].equals("jail") && parts.length == 4 && parts[2].equals("spiped")) {
            boolean running = o.get(HostState.RUNNING_SERVICES).contains(ObservedHost.serviceKey(parts[1], "spiped"));
            return exit(name, running, running ? "4343\n" : "");
        }
        if (name.startsWith("file/") && name.endsWith("/etc/rc.conf")) {
            return ok(name, rcConf(o.get(HostState.RC_CONF).get(name.substring("file".length()))));
        }
        if (name.startsWith("file/")) {
            ObservedHost.FileState f = o.get(HostState.FILES).get(name.substring("file".length()));
            return ok(name, stat(f) + f.content().orElseThrow());
        }
        if (name.startsWith("secret/")) {
            ObservedHost.FileState f = o.get(HostState.FILES).get(name.substring("secret".length()));
            return ok(name, stat(f) + KEY_SHA256 + "\n");
        }
        throw new IllegalArgumentException("no converged output for probe section '" + name + "'");
    }

    private static Probe.Section ok(String name, String output) {
        return new Probe.Section(name, 0, output);
    }

    private static Probe.Section exit(String name, boolean success, String output) {
        return new Probe.Section(name, success ? 0 : 1, output);
    }

    /** A kind's fact; the prod playbooks' only one is sysctl's {@code NAME: VALUE} lines. */
    private static String kindFact(String section, Object value) {
        if (!(value instanceof Map<?, ?> settings)) {
            throw new IllegalArgumentException("no converged output for the kind section '" + section + "'");
        }
        StringBuilder s = new StringBuilder();
        settings.forEach((k, v) -> s.append(k).append(": ").append(v).append('\n'));
        return s.toString();
    }

    /** {@code ifconfig -a}: lo0 first, as FreeBSD lists it, then each interface's block. */
    static String ifconfig(Collection<Iface> interfaces) {
        StringBuilder s = new StringBuilder();
        s.append("lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n")
                .append("\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>\n")
                .append("\tinet 127.0.0.1 netmask 0xff000000\n")
                .append("\tgroups: lo\n")
                .append("\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>\n");
        int n = 0;
        for (Iface i : interfaces) {
            Set<String> flags = new TreeSet<>(i.flags());
            flags.addAll(List.of("BROADCAST", "SIMPLEX", "MULTICAST"));
            int bits = flags.stream().mapToInt(f -> FLAG_BITS.getOrDefault(f, 0)).sum();
            List<String> ordered = FLAG_BITS.keySet().stream().filter(flags::contains).toList();
            s.append(i.name()).append(": flags=").append(Integer.toHexString(bits)).append('<')
                    .append(String.join(",", ordered)).append("> metric 0 mtu 1500\n");
            s.append("\tether ").append(i.ether().orElse(String.format("58:9c:fc:10:%02x:%02x", (n >> 8) & 0xff, n & 0xff)))
                    .append('\n');
            n++;
            for (Cidr c : i.inet()) {
                int mask = c.prefix() == 0 ? 0 : -1 << (32 - c.prefix());
                s.append("\tinet ").append(c.address()).append(" netmask 0x").append(String.format("%08x", mask)).append('\n');
            }
            if (!i.groups().isEmpty()) {
                s.append("\tgroups: ").append(String.join(" ", i.groups())).append('\n');
            }
            for (String m : i.members()) {
                s.append("\tmember: ").append(m).append(" flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n")
                        .append("\t        ifmaxaddr 0 port 5 priority 128 path cost 2000\n");
            }
            s.append("\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n\tstatus: active\n");
        }
        return s.toString();
    }

    /** {@code jls -n --libxo json}: each jail's parameters by name (libxo's jail-information list). */
    private static String jls(ObservedHost o) {
        ObjectNode root = JSON.createObjectNode();
        root.put("__version", "2");
        var list = root.putObject("jail-information").putArray("jail");
        for (ObservedHost.RunningJail j : o.get(HostState.JAILS).values()) {
            ObjectNode n = list.addObject();
            n.put("jid", j.jid());
            n.put("name", j.name());
            n.put("path", j.path());
            j.parameters().forEach((k, v) -> {
                if (!n.has(k)) {
                    n.put(k, v);
                }
            });
        }
        return root + "\n";
    }

    /** {@code route -n get default} (sbin/route/route.c print_getmsg). */
    private static String route(String gateway) {
        return "   route to: default\ndestination: default\n       mask: default\n    gateway: " + gateway
                + "\n        fib: 0\n  interface: xnic\n      flags: <UP,GATEWAY,DONE,STATIC>\n"
                + " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire\n"
                + "       0         0         0         0      1500         1         0 \n";
    }

    /**
     * The rules as {@code pfctl -sn; pfctl -sr} lists them: here pf.conf's own rule lines, which
     * stand for that listing (check compares the listing only with the record of itself).
     */
    private static String pfRules(ObservedHost o) {
        String conf = o.get(HostState.FILES).get("/etc/pf.conf").content().orElseThrow();
        StringBuilder s = new StringBuilder();
        conf.lines().map(String::strip).filter(l -> l.matches("^(pass|block|match|nat|rdr|binat|scrub|antispoof)\\b.*"))
                .forEach(l -> s.append(l).append('\n'));
        return s.toString();
    }

    /** An rc.conf as sysrc writes it: {@code name="value"} lines. */
    private static String rcConf(Map<String, String> settings) {
        StringBuilder s = new StringBuilder();
        settings.forEach((k, v) -> s.append(k).append('=').append(v.contains("\"") ? "'" + v + "'" : "\"" + v + "\"").append('\n'));
        return s.toString();
    }

    /** stat -f '%Lp %Su:%Sg': the permission bits in octal without leading zeros, then the owner. */
    private static String stat(ObservedHost.FileState f) {
        return Integer.toOctalString(Integer.parseInt(f.mode(), 8)) + " " + f.owner() + "\n";
    }

    private static String lines(Set<String> values) {
        StringBuilder s = new StringBuilder();
        new TreeSet<>(values).forEach(v -> s.append(v).append('\n'));
        return s.toString();
    }

    private static Map<String, Integer> flagBits() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("UP", 0x1);
        m.put("BROADCAST", 0x2);
        m.put("LOOPBACK", 0x8);
        m.put("RUNNING", 0x40);
        m.put("PROMISC", 0x100);
        m.put("SIMPLEX", 0x800);
        m.put("MULTICAST", 0x8000);
        return m;
    }
}
