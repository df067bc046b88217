package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Fact;
import com.uirig.facts.HostState;
import com.uirig.facts.IfconfigParser;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.Shown;
import com.uirig.facts.UnreadableOutput;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Guard;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Link aggregation, lagg(4): {@code laggN} made with {@code ifconfig laggN create}, its protocol,
 * exactly its ports (physical NICs no other part of the playbook uses), its address, up, and its
 * ports up. At boot rc.d/netif does the same from rc.conf (see {@link #rcConf}).
 */
public final class LaggKind implements Kind<LaggKind.Spec> {
    public static final String SECTION = "laggs";
    private static final String KIND = "lagg";

    /**
     * sys/net/if_lagg.c lagg_port_create: at most LAGG_MAX_PORTS ports (sys/net/if_lagg.h: 32),
     * else ENOSPC.
     */
    static final int MAX_PORTS = 32;

    /**
     * The cloner's names: "lagg" and a unit without leading zeros up to IF_MAXUNIT (0x7fff)
     * (sys/net/if_clone.c ifc_name2unit and ifc_alloc_unit refuse the others with EINVAL).
     */
    private static final Pattern NAME = Pattern.compile("lagg(0|[1-9][0-9]{0,4})");
    private static final int MAX_UNIT = 0x7fff;

    /**
     * Cloned interfaces that are no Ethernet: lagg_port_create takes only IFT_ETHER and IFT_L2VLAN
     * ports (EPROTONOSUPPORT), so lo0 (IFT_LOOP), bridge (IFT_BRIDGE), gif, gre, tun, stf,
     * pflog, pfsync, enc and wg cannot be ports.
     */
    private static final Pattern NOT_ETHERNET = Pattern.compile("(lo|bridge|gif|gre|tun|stf|pflog|pfsync|enc|wg)[0-9]+");

    /** The aggregation protocols as sbin/ifconfig/iflagg.c setlaggproto and lagg_status name them (LAGG_PROTOS, sys/net/if_lagg.h). */
    public enum Proto {
        FAILOVER, LACP, LOADBALANCE, ROUNDROBIN, BROADCAST, NONE;

        public String word() {
            return name().toLowerCase();
        }

        static Proto parse(String word) {
            for (Proto p : values()) {
                if (p.word().equals(word)) {
                    return p;
                }
            }
            if (word.equals("default")) {
                // LAGG_PROTOS maps "default" to LAGG_PROTO_DEFAULT, and lagg_status prints it as failover.
                throw new IllegalArgumentException("laggproto 'default' is failover (sys/net/if_lagg.h LAGG_PROTO_DEFAULT),"
                        + " and ifconfig shows it so: write failover");
            }
            throw new IllegalArgumentException("unknown laggproto '" + word + "' (expected failover, lacp, loadbalance,"
                    + " roundrobin, broadcast or none: ifconfig refuses the others, 'Invalid aggregation protocol')");
        }
    }

    /** One lagg: its name, protocol, ports in the playbook's order and optional address. */
    public record Lagg(IfName name, Proto proto, List<IfName> ports, Optional<Cidr> inet) {
        public Lagg {
            ports = List.copyOf(ports);
        }

        /** {@code laggproto P laggport A laggport B}: ifconfig's keywords for the protocol and every port. */
        List<String> membership() {
            List<String> words = new ArrayList<>(List.of("laggproto", proto.word()));
            ports.forEach(p -> words.addAll(List.of("laggport", p.value())));
            return words;
        }
    }

    /** The host's laggs, in the playbook's order. */
    public record Spec(List<Lagg> laggs) {
        public Spec {
            laggs = List.copyOf(laggs);
        }
    }

    /** A port as lagg_status prints it: its name and flags (LAGG_PORT_BITS: MASTER, STACK, ACTIVE, COLLECTING, DISTRIBUTING). */
    public record Port(String name, List<String> flags) {}

    /**
     * What {@code ifconfig laggN} shows: whether it exists, its protocol and hash layers (the
     * laggproto line), its ports (the laggport lines, in the kernel's order: by interface index),
     * its flags and IPv4 addresses.
     */
    public record Observed(String name, boolean exists, String laggproto, List<String> lagghash, List<Port> laggports,
                           Set<String> flags, List<String> inet) {
        static Observed absent(String name) {
            return new Observed(name, false, "", List.of(), List.of(), Set.of(), List.of());
        }

        Set<String> portNames() {
            Set<String> out = new LinkedHashSet<>();
            laggports.forEach(p -> out.add(p.name()));
            return out;
        }
    }

    @Override
    public String key() {
        return SECTION;
    }

    @Override
    public Class<Spec> specType() {
        return Spec.class;
    }

    // ------------------------------------------------------------------ reading and validation

    @Override
    public Spec read(YamlValue section, Context context) {
        return new Reading(context.host()).read(section);
    }

    /** One host's laggs section being read: what the rest of the playbook already uses, and the ports taken so far. */
    private static final class Reading {
        private final Map<String, String> usedElsewhere = new LinkedHashMap<>();
        private final Map<String, Cidr> addresses = new LinkedHashMap<>();
        private final Map<IfName, IfName> portOf = new LinkedHashMap<>();
        private final Set<String> laggNames = new LinkedHashSet<>();

        Reading(DesiredHost host) {
            for (NicsKind.Nic n : NicsKind.of(host)) {
                if (n.name() != null) {
                    usedElsewhere.putIfAbsent(n.name().value(), "the name of NIC " + n.name());
                    if (n.inet() != null) {
                        addresses.put(n.name().value(), n.inet());
                    }
                }
                if (n.device() != null) {
                    usedElsewhere.putIfAbsent(n.device().value(), "the device of NIC " + n.name());
                }
            }
            for (EpairsKind.Epair e : EpairsKind.of(host)) {
                for (IfName end : Arrays.asList(e.a(), e.b())) {
                    if (end != null) {
                        usedElsewhere.putIfAbsent(end.value(), "an end of epair " + e.label());
                    }
                }
            }
            for (BridgesKind.Bridge b : BridgesKind.of(host)) {
                usedElsewhere.putIfAbsent(b.name().value(), "bridge " + b.name());
                b.inet().ifPresent(c -> addresses.put(b.name().value(), c));
            }
        }

        Spec read(YamlValue section) {
            Map<String, YamlValue> entries = section.entries();
            laggNames.addAll(entries.keySet());
            List<Lagg> laggs = new ArrayList<>();
            entries.forEach((name, value) -> {
                Lagg l = lagg(name, value);
                if (l != null) {
                    laggs.add(l);
                }
            });
            return new Spec(laggs);
        }

        private Lagg lagg(String key, YamlValue v) {
            var f = v.fields(List.of("laggproto", "laggports", "inet"), List.of("laggproto", "laggports"));
            IfName name = name(key, v);
            Proto proto = f.has("laggproto") ? f.get("laggproto").as(Proto::parse) : null;
            List<IfName> ports = f.has("laggports") ? ports(name, f.get("laggports")) : List.of();
            Optional<Cidr> inet = Optional.empty();
            if (f.has("inet")) {
                inet = Optional.ofNullable(f.get("inet").as(Cidr::parseInterface));
                inet.ifPresent(c -> address(key, c, f.get("inet")));
            }
            if (name == null || proto == null || !f.valid()) {
                return null;
            }
            return new Lagg(name, proto, ports, inet);
        }

        private IfName name(String key, YamlValue v) {
            Matcher m = NAME.matcher(key);
            if (!m.matches() || Integer.parseInt(m.group(1)) > MAX_UNIT) {
                v.error("a lagg is named lagg and a unit from 0 to " + MAX_UNIT + " without leading zeros, as"
                        + " 'ifconfig laggN create' makes it (sys/net/if_clone.c ifc_name2unit), found '" + key + "'");
                return null;
            }
            if (usedElsewhere.containsKey(key)) {
                v.error("interface name '" + key + "' is defined twice (also " + usedElsewhere.get(key) + ")");
                return null;
            }
            return IfName.parse(key);
        }

        private List<IfName> ports(IfName lagg, YamlValue list) {
            List<YamlValue> items = list.flatSequence();
            YamlValue written = list.resolved();
            boolean aList = written != null && (written.isNull() || written.node() instanceof SequenceNode);
            if (items.isEmpty() && aList) {
                list.error("a lagg needs at least one port: without one it passes no traffic"
                        + " (sys/net/if_lagg.c lagg_transmit: ENXIO)");
                return List.of();
            }
            List<IfName> out = new ArrayList<>();
            for (YamlValue item : items) {
                IfName port = item.as(IfName::parse);
                if (port == null) {
                    continue;
                }
                String problem = portProblem(lagg, port, out);
                if (problem != null) {
                    item.error(problem);
                    continue;
                }
                if (out.size() == MAX_PORTS) {
                    item.error("a lagg has at most " + MAX_PORTS + " ports (sys/net/if_lagg.h LAGG_MAX_PORTS:"
                            + " lagg_port_create refuses more with ENOSPC)");
                    break;
                }
                out.add(port);
                if (lagg != null) {
                    portOf.put(port, lagg);
                }
            }
            return out;
        }

        /** Why {@code port} cannot be a port of {@code lagg} (sys/net/if_lagg.c lagg_port_create), or null. */
        private String portProblem(IfName lagg, IfName port, List<IfName> taken) {
            String p = port.value();
            if (taken.contains(port)) {
                return "port '" + p + "' is listed twice";
            }
            if (lagg != null && lagg.equals(port)) {
                return "a lagg cannot be a port of itself (sys/net/if_lagg.c lagg_port_create: EINVAL)";
            }
            if (laggNames.contains(p) || NAME.matcher(p).matches()) {
                return "'" + p + "' is a lagg: lagg(4) does not stack laggs (sys/net/if_lagg.c lagg_port_create"
                        + " refuses a lagg as a port: EINVAL)";
            }
            if (NOT_ETHERNET.matcher(p).matches()) {
                return "'" + p + "' is no Ethernet interface: lagg ports are Ethernet NICs"
                        + " (sys/net/if_lagg.c lagg_port_create: EPROTONOSUPPORT)";
            }
            if (usedElsewhere.containsKey(p)) {
                return "'" + p + "' is " + usedElsewhere.get(p) + ": a lagg port belongs to its lagg alone";
            }
            IfName other = portOf.get(port);
            if (other != null) {
                return "'" + p + "' is already a port of " + other + ": an interface is a port of one lagg only"
                        + " (sys/net/if_lagg.c lagg_port_create: EBUSY)";
            }
            return null;
        }

        /** Subnets must not overlap within the host's network stack (the Validator's rule for NICs and bridges). */
        private void address(String lagg, Cidr cidr, YamlValue at) {
            addresses.forEach((owner, other) -> {
                if (cidr.overlaps(other)) {
                    at.error("address " + cidr + " on " + lagg + " overlaps " + other + " on " + owner
                            + " in the same network stack");
                }
            });
            addresses.put(lagg, cidr);
        }
    }

    // ------------------------------------------------------------------ resources, interfaces, rc.conf

    @Override
    public List<Resource> resources(DesiredHost host, Spec spec, Graph graph) {
        return spec.laggs().stream().<Resource>map(l -> new LaggResource(l, fact(l.name()))).toList();
    }

    @Override
    public List<Interface> definedInterfaces(Spec spec) {
        return spec.laggs().stream().map(l -> new Interface(l.name(), l.inet())).toList();
    }

    @Override
    public Map<IfName, Address> interfaces(Spec spec) {
        Map<IfName, Address> out = new LinkedHashMap<>();
        spec.laggs().forEach(l -> out.put(l.name(), address(l.name())));
        return out;
    }

    static Address address(IfName lagg) {
        return Address.of(KIND, lagg.value());
    }

    /**
     * The boot twin, as the handbook's link aggregation section writes it and libexec/rc/network.subr
     * reads it: clone_up runs {@code ifconfig laggN create} for each cloned_interfaces entry, then
     * ifn_start's ifconfig_up runs {@code ifconfig IF ARGS} with ifconfig_IF (ifconfig_getargs,
     * get_if_var) and then {@code ifconfig IF up}, for the ports ("up") and the lagg alike.
     */
    @Override
    public RcConf rcConf(Spec spec) {
        List<String> cloned = new ArrayList<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (Lagg l : spec.laggs()) {
            cloned.add(l.name().value());
            l.ports().forEach(p -> settings.put("ifconfig_" + p.rcName(), "up"));
            List<String> words = new ArrayList<>(l.membership());
            l.inet().ifPresent(c -> words.add(c.toString()));
            settings.put("ifconfig_" + l.name().rcName(), String.join(" ", words));
        }
        return new RcConf(cloned, settings);
    }

    // ------------------------------------------------------------------ facts

    @Override
    public List<Fact<?>> facts(DesiredHost host, Spec spec) {
        return spec.laggs().stream().<Fact<?>>map(l -> fact(l.name())).toList();
    }

    @Override
    public Optional<Fact<?>> factOf(String section) {
        if (!section.startsWith(KIND + "/")) {
            return Optional.empty();
        }
        String name = section.substring(KIND.length() + 1);
        return NAME.matcher(name).matches() ? Optional.of(fact(IfName.parse(name))) : Optional.empty();
    }

    /** {@code ifconfig laggN}: the lagg, or exit 1 when it does not exist. */
    static Fact<Observed> fact(IfName lagg) {
        String name = lagg.value();
        return new Fact<>(KIND + "/" + name, "ifconfig " + name, (exit, output) -> parse(name, exit, output),
                Observed.absent(name));
    }

    // lagg_status (sbin/ifconfig/iflagg.c, FreeBSD 14): "\tlaggproto P", then " lagghash l2,l3,l4"
    // when hash layers are set (lagg_clone_create sets all three), then one "\tlaggport: NAME " line
    // per port with printb("flags", ...): "flags=HEX<NAMES>" (sbin/ifconfig/ifconfig.c printb).
    private static final Pattern PROTO_LINE = Pattern.compile("\tlaggproto (\\S+)(?: lagghash (l[234](?:,l[234])*))?");
    private static final Pattern PORT_LINE = Pattern.compile("\tlaggport: (\\S+) flags=[0-9a-f]+<([A-Z,]*)>(?: state=\\S+)?");

    /**
     * ifconfig's answer for one lagg. Exit 1 with nothing on standard output is "interface laggN
     * does not exist" (sbin/ifconfig/ifconfig.c, on standard error); anything else that is not one
     * lagg's block is output ifconfig cannot print for it.
     */
    static Observed parse(String name, int exit, String output) {
        String command = "'ifconfig " + name + "'";
        if (exit == 1 && output.isEmpty()) {
            return Observed.absent(name);
        }
        if (exit != 0) {
            throw new UnreadableOutput(command + " exited " + exit + (output.isEmpty() ? "" : " after printing '"
                    + Shown.line(output.lines().findFirst().orElse("")) + "'") + ": ifconfig exits 0, or 1 when the"
                    + " interface does not exist");
        }
        Map<String, ObservedHost.Iface> blocks = IfconfigParser.parse(output);
        ObservedHost.Iface iface = blocks.get(name);
        if (iface == null || blocks.size() != 1) {
            throw new UnreadableOutput(command + " printed " + (blocks.isEmpty() ? "no interface"
                    : "interface" + (blocks.size() > 1 ? "s " : " ") + String.join(", ", blocks.keySet()))
                    + " instead of " + name + " alone");
        }
        String proto = null;
        List<String> hash = List.of();
        List<Port> ports = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("\tlaggproto ")) {
                Matcher m = PROTO_LINE.matcher(line);
                if (!m.matches() || proto != null) {
                    throw new UnreadableOutput(command + " printed '" + Shown.line(line) + "'"
                            + (proto != null ? " after a laggproto line" : ", not 'laggproto P [lagghash L]'"));
                }
                proto = m.group(1);
                hash = m.group(2) == null ? List.of() : List.of(m.group(2).split(","));
            } else if (line.startsWith("\tlaggport:")) {
                Matcher m = PORT_LINE.matcher(line);
                if (!m.matches()) {
                    throw new UnreadableOutput(command + " printed '" + Shown.line(line) + "', not 'laggport: IF flags=X<...>'");
                }
                ports.add(new Port(m.group(1), m.group(2).isEmpty() ? List.of() : List.of(m.group(2).split(","))));
            }
        }
        if (proto == null) {
            throw new UnreadableOutput(command + " printed no laggproto line: " + name + " is no lagg(4) interface");
        }
        return new Observed(name, true, proto, hash, List.copyOf(ports), iface.flags(),
                iface.inet().stream().map(Cidr::toString).toList());
    }

    // ------------------------------------------------------------------ the resource

    /** One lagg converged: created, its protocol, exactly its ports, its address, up, its ports up. */
    record LaggResource(Lagg lagg, Fact<Observed> fact) implements Resource {
        @Override
        public Address address() {
            return LaggKind.address(lagg.name());
        }

        @Override
        public List<Address> dependsOn() {
            return List.of();
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            String name = lagg.name().value();
            Observed found = observed.fact(fact).orElse(Observed.absent(name));
            List<Step> steps = new ArrayList<>();
            // What differs on an existing lagg (a new one is all to make), for the reason.
            List<String> drift = new ArrayList<>();
            if (!found.exists()) {
                steps.add(Step.run("ifconfig", name, "create"));
            }
            // The ports come up before they join, and new ports join before old ones leave: a lagg
            // that carries traffic (uirig's own SSH, perhaps) keeps an active port throughout.
            for (IfName p : lagg.ports()) {
                ObservedHost.Iface port = observed.get(HostState.INTERFACES).get(p.value());
                if (port == null || !port.up()) {
                    drift.add("port " + p + (port == null ? " not found" : " is down"));
                    steps.add(Step.run("ifconfig", p.value(), "up"));
                }
            }
            List<String> membership = new ArrayList<>(List.of("ifconfig", name));
            if (!found.exists()) {
                membership.addAll(lagg.membership());
            } else {
                if (!found.laggproto().equals(lagg.proto().word())) {
                    drift.add("laggproto is " + found.laggproto() + ", not " + lagg.proto().word());
                    membership.addAll(List.of("laggproto", lagg.proto().word()));
                }
                Set<String> has = found.portNames();
                for (IfName p : lagg.ports()) {
                    if (!has.contains(p.value())) {
                        drift.add("port " + p + " is missing");
                        membership.addAll(List.of("laggport", p.value()));
                    }
                }
                for (String p : has) {
                    if (!wanted(p)) {
                        drift.add("port " + p + " is not asked for");
                        membership.addAll(List.of("-laggport", p));
                    }
                }
            }
            if (membership.size() > 2) {
                steps.add(new Step(membership, new Step.NoInput()));
            }
            lagg.inet().filter(c -> !found.inet().contains(c.toString())).ifPresent(c -> {
                drift.add(c + " is missing");
                steps.add(Step.run("ifconfig", name, "inet", c.toString()));
            });
            if (!found.flags().contains("UP")) {
                drift.add("it is down");
                steps.add(Step.run("ifconfig", name, "up"));
            }
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Change(address(), found.exists() ? Action.UPDATE : Action.CREATE,
                    found.exists() ? "lagg " + name + ": " + String.join("; ", drift) : "no lagg named " + name,
                    before(found), after(), steps, "", guard(found).orElse(null)));
        }

        private boolean wanted(String port) {
            return lagg.ports().stream().anyMatch(w -> w.value().equals(port));
        }

        private Map<String, Object> before(Observed found) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (found.exists()) {
                out.put("name", found.name());
                out.put("laggproto", found.laggproto());
                out.put("laggports", List.copyOf(found.portNames()));
                out.put("inet", found.inet());
                out.put("up", found.flags().contains("UP"));
            }
            return out;
        }

        private Map<String, Object> after() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", lagg.name().value());
            out.put("laggproto", lagg.proto().word());
            out.put("laggports", lagg.ports().stream().map(IfName::value).toList());
            out.put("inet", lagg.inet().map(c -> List.of(c.toString())).orElse(List.of()));
            out.put("up", true);
            return out;
        }

        /**
         * A lagg may carry uirig's own connection (the host's uplink): what undoes the change if
         * uirig cannot reach the host after it. A new lagg is destroyed (lagg_clone_destroy
         * releases its ports, with their own MAC addresses back); an existing one gets its
         * protocol, ports, addresses and down state back.
         */
        private Optional<Guard> guard(Observed found) {
            String name = Step.quote(lagg.name().value());
            if (!found.exists()) {
                return Optional.of(new Guard(List.of(), List.of("ifconfig " + name + " destroy")));
            }
            List<String> undo = new ArrayList<>();
            lagg.inet().filter(c -> !found.inet().contains(c.toString())).ifPresent(c -> {
                undo.add("ifconfig " + name + " inet " + Step.quote(c.address().toString()) + " -alias");
                // 'ifconfig laggN inet C' replaced the first address (sbin/ifconfig/af_inet.c: clearaddr).
                found.inet().stream().findFirst().ifPresent(old -> undo.add("ifconfig " + name + " inet " + Step.quote(old) + " alias"));
            });
            Set<String> has = found.portNames();
            for (String p : has) {
                if (!wanted(p)) {
                    undo.add("ifconfig " + name + " laggport " + Step.quote(p));
                }
            }
            for (IfName p : lagg.ports()) {
                if (!has.contains(p.value())) {
                    undo.add("ifconfig " + name + " -laggport " + Step.quote(p.value()));
                }
            }
            if (!found.laggproto().equals(lagg.proto().word())) {
                undo.add("ifconfig " + name + " laggproto " + Step.quote(found.laggproto()));
            }
            if (!found.flags().contains("UP")) {
                undo.add("ifconfig " + name + " down");
            }
            // Ports brought up alone cut nothing off.
            return undo.isEmpty() ? Optional.empty() : Optional.of(new Guard(List.of(), undo));
        }
    }
}
