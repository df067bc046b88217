package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Fact;
import com.uirig.facts.IfconfigParser;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.ObservedHost.Iface;
import com.uirig.facts.Shown;
import com.uirig.facts.UnreadableOutput;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.kinds.BridgesKind.Bridge;
import com.uirig.kinds.EpairsKind.Epair;
import com.uirig.kinds.NicsKind.Nic;
import com.uirig.model.IfName;
import com.uirig.model.Ipv4;
import com.uirig.model.Shell;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Guard;
import com.uirig.plan.Kind;
import com.uirig.plan.Kinds;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * VLAN interfaces, vlan(4): the playbook section {@code vlans}, one 802.1Q VLAN per entry on an
 * Ethernet parent of the host (a NIC, or an interface that a kind registered before this one makes,
 * such as a lagg), created with ifconfig now and by rc's network.subr at boot.
 */
public final class VlanKind implements Kind<VlanKind.Spec> {
    static final String KIND = "vlan";
    /** Names the kernel's cloner takes as they are: vlanN (sys/net/if_clone.c ifc_name2unit: no leading zero). */
    private static final Pattern UNIT_NAME = Pattern.compile("vlan(0|[1-9][0-9]*)");
    /** PARENT.TAG, split at the last '.' (sys/net/if_vlan.c vlan_clone_match_ethervid, strrchr). */
    private static final Pattern DOTTED = Pattern.compile("(.*)\\.([^.]*)");
    /** sbin/ifconfig/ifvlan.c vlan_status: "\tvlan: %d vlanproto: %s vlanpcp: %u parent interface: %s". */
    private static final Pattern STATUS = Pattern.compile(
            "\tvlan: ([0-9]{1,5})(?: vlanproto: (\\S+))?(?: vlanpcp: [0-9]+)? parent interface: (\\S+)");

    /** One VLAN: its interface name, its parent (vlandev), its tag and its optional address. */
    public record Vlan(IfName name, IfName parent, int tag, Optional<Cidr> inet) {}

    /** What a host's {@code vlans} section asks for, in playbook order. */
    public record Spec(List<Vlan> vlans) {
        public Spec {
            vlans = List.copyOf(vlans);
        }
    }

    /**
     * What {@code ifconfig NAME} shows: whether the interface exists, whether it is a vlan(4)
     * interface (it prints the vlan status line), its tag, parent ("" for {@code <none>}) and
     * vlanproto ("" when the release prints none), its addresses and whether it is up.
     */
    public record Found(boolean exists, boolean vlan, int tag, String parent, String proto, List<String> inet, boolean up) {
        public static final Found ABSENT = new Found(false, false, 0, "", "", List.of(), false);

        public Found {
            inet = List.copyOf(inet);
        }
    }

    @Override
    public String key() {
        return "vlans";
    }

    @Override
    public Class<Spec> specType() {
        return Spec.class;
    }

    // ------------------------------------------------------------------ reading and validation

    @Override
    public Spec read(YamlValue section, Context context) {
        HostInterfaces host = new HostInterfaces(context.host());
        List<Vlan> out = new ArrayList<>();
        Map<String, String> tags = new HashMap<>();
        Map<Vlan, YamlValue> written = new HashMap<>();
        for (var e : section.entries().entrySet()) {
            Vlan v = vlan(e.getKey(), e.getValue(), host, tags);
            if (v != null) {
                out.add(v);
                host.add(v);
                written.put(v, e.getValue());
            }
        }
        refuseUnitsTakenAtBoot(out, written);
        return new Spec(out);
    }

    /**
     * A VLAN of another name (storage) is made with {@code ifconfig vlan create ... name storage}, at
     * apply and at boot (network.subr childif_create), and keeps the unit the kernel gave it: the
     * lowest free one (sys/net/if_clone.c ifc_alloc_unit_next). Boot makes them parent by parent,
     * not in playbook order, so vlanN with N below their number could find its unit taken there
     * (EEXIST) although apply made it: refused. A PARENT.TAG name takes no unit (IF_DUNIT_NONE).
     */
    private static void refuseUnitsTakenAtBoot(List<Vlan> vlans, Map<Vlan, YamlValue> written) {
        long others = vlans.stream().map(v -> v.name().value())
                .filter(n -> !UNIT_NAME.matcher(n).matches() && !DOTTED.matcher(n).matches()).count();
        for (Vlan v : vlans) {
            var unit = UNIT_NAME.matcher(v.name().value());
            if (unit.matches() && Long.parseLong(unit.group(1)) < others) {
                written.get(v).error(v.name() + " may find its unit taken at boot: the " + others + " VLANs with other names"
                        + " get the lowest free units (ifconfig vlan create, sys/net/if_clone.c ifc_alloc_unit_next); name it"
                        + " vlan" + others + " or higher");
            }
        }
    }

    private static Vlan vlan(String key, YamlValue v, HostInterfaces host, Map<String, String> tags) {
        IfName name;
        try {
            name = IfName.parse(key);
        } catch (IllegalArgumentException e) {
            v.error(e.getMessage());
            return null;
        }
        var f = v.fields(List.of("vlandev", "vlan", "inet"), List.of("vlandev", "vlan"));
        if (!f.valid()) {
            return null;
        }
        IfName parent = f.has("vlandev") ? f.get("vlandev").as(IfName::parse) : null;
        Integer tag = f.has("vlan") ? f.get("vlan").as(VlanKind::tag) : null;
        Cidr inet = f.has("inet") ? f.get("inet").as(Cidr::parseInterface) : null;
        if (parent == null || tag == null || (f.has("inet") && inet == null)) {
            return null;
        }
        String problem = nameProblem(name, parent, tag);
        if (problem == null) {
            problem = host.clash(name);
        }
        if (problem != null) {
            v.error(problem);
            return null;
        }
        String parentProblem = host.parentProblem(parent);
        if (parentProblem != null) {
            f.get("vlandev").error(parentProblem);
            return null;
        }
        String other = tags.putIfAbsent(parent + " " + tag, name.value());
        if (other != null) {
            f.get("vlan").error("vlan " + tag + " on " + parent + " is already " + other
                    + "'s: a parent carries each tag once (sys/net/if_vlan.c vlan_inshash: EEXIST)");
            return null;
        }
        if (inet != null) {
            String overlap = host.overlap(name, inet);
            if (overlap != null) {
                f.get("inet").error(overlap);
                return null;
            }
        }
        return new Vlan(name, parent, tag, Optional.ofNullable(inet));
    }

    /** A tag as the kernel takes it: 12 bits, 0 and 4095 reserved (sys/net/if_vlan.c vlan_config: EINVAL). */
    static int tag(String text) {
        if (!text.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("expected a VLAN tag from 1 to 4094, found '" + text + "'");
        }
        int tag = Integer.parseInt(text);
        if (tag == 0 || tag == 4095) {
            throw new IllegalArgumentException("VLAN tag " + tag
                    + " is reserved (sys/net/if_vlan.c vlan_config refuses 0 and 4095): use 1 to 4094");
        }
        if (tag > 4095) {
            throw new IllegalArgumentException("VLAN tag " + tag
                    + " does not fit 802.1Q's 12 bits (sys/net/if_vlan.c vlan_config): use 1 to 4094");
        }
        return tag;
    }

    /** The names FreeBSD reads a meaning into, or null when the name is free to choose. */
    static String nameProblem(IfName name, IfName parent, int tag) {
        String n = name.value();
        if (n.equals("vlan")) {
            return "'vlan' is the name of vlan(4)'s cloner: 'ifconfig vlan create', which rc's network.subr"
                    + " (childif_create) and uirig run for every VLAN named otherwise, would find this interface"
                    + " instead of making a new one";
        }
        if (n.matches("vlan0[0-9]+")) {
            return "'" + n + "': FreeBSD refuses a unit number with a leading zero (sys/net/if_clone.c ifc_name2unit)";
        }
        Matcher dotted = DOTTED.matcher(n);
        if (dotted.matches() && !(dotted.group(1).equals(parent.value()) && dotted.group(2).equals(String.valueOf(tag)))) {
            return "FreeBSD reads a name with '.' as PARENT.TAG (sys/net/if_vlan.c vlan_clone_match_ethervid,"
                    + " sbin/ifconfig/ifvlan.c vlan_parse_ethervid): '" + n + "' can only be vlan "
                    + (dotted.group(2).matches("[1-9][0-9]*") ? dotted.group(2) : "TAG") + " on " + dotted.group(1)
                    + ", not vlan " + tag + " on " + parent;
        }
        return null;
    }

    /**
     * The interfaces of the host as read so far, and what may carry a VLAN. The parents are its NICs
     * and the interfaces of the kinds registered before this one: the hook for a lagg(4) parent,
     * whose resource the graph names when the VLAN's resource is built ({@link Graph#ownerOf}).
     */
    private static final class HostInterfaces {
        /** The kinds whose interfaces are read above, each with what it may be to a VLAN. */
        private static final java.util.Set<String> BUILT_IN_HERE = java.util.Set.of(NicsKind.KEY, EpairsKind.KEY, BridgesKind.KEY);

        private final DesiredHost host;
        /** Every name and device name in use, with what uses it. */
        private final Map<IfName, String> used = new LinkedHashMap<>();
        /** The names rc.conf variables are made from (network.subr get_if_var: '.' becomes '_'). */
        private final Map<String, String> rcNames = new HashMap<>();
        private final Map<IfName, String> parents = new LinkedHashMap<>();
        private final Map<IfName, String> notParents = new HashMap<>();
        private final Map<Cidr, String> subnets = new LinkedHashMap<>();

        HostInterfaces(DesiredHost host) {
            this.host = host;
            for (Nic n : NicsKind.of(host)) {
                use(n.name(), "NIC " + n.name());
                parents.put(n.name(), "NIC " + n.name());
                if (n.device() != null) {
                    use(n.device(), "NIC " + n.name() + "'s device");
                    notParents.put(n.device(), "'" + n.device() + "' is renamed to " + n.name() + " (nics." + n.name()
                            + "): use vlandev " + n.name());
                }
                if (n.inet() != null) {
                    subnets.put(n.inet(), n.name().value());
                }
            }
            for (Epair e : EpairsKind.of(host)) {
                for (IfName end : Stream.of(e.a(), e.b()).filter(x -> x != null).toList()) {
                    use(end, "epair " + e.label());
                    notParents.put(end, "'" + end + "' is an end of epair " + e.label()
                            + ": a VLAN's parent is a NIC (nics) or a lagg");
                }
                if (e.unit() >= 0) {
                    use(IfName.parse(e.device() + "a"), "epair " + e.label() + "'s device");
                    use(IfName.parse(e.device() + "b"), "epair " + e.label() + "'s device");
                }
            }
            for (Bridge b : BridgesKind.of(host)) {
                if (b.name() != null) {
                    use(b.name(), "bridge " + b.name());
                    notParents.put(b.name(), "'" + b.name() + "' is a bridge: vlan(4) needs an Ethernet parent"
                            + " (sys/net/if_vlan.c vlan_config: EPROTONOSUPPORT)");
                    b.inet().ifPresent(c -> subnets.put(c, b.name().value()));
                }
                if (b.unit() >= 0) {
                    use(IfName.parse(b.device()), "bridge " + b.name() + "'s device");
                }
            }
            for (Kinds.Use<?> k : Kinds.of(host)) {
                if (BUILT_IN_HERE.contains(k.kind().key())) {
                    continue;
                }
                for (IfName i : interfacesOf(k).keySet()) {
                    use(i, k.kind().key() + " " + i);
                    parents.put(i, k.kind().key() + " " + i);
                }
            }
        }

        private static <S> Map<IfName, Address> interfacesOf(Kinds.Use<S> k) {
            return k.kind().interfaces(k.spec());
        }

        private void use(IfName name, String what) {
            used.putIfAbsent(name, what);
            rcNames.putIfAbsent(name.rcName(), what);
        }

        void add(Vlan v) {
            use(v.name(), "VLAN " + v.name());
            notParents.put(v.name(), "'" + v.name() + "' is a VLAN of this section: stacked VLANs are not supported");
            v.inet().ifPresent(c -> subnets.put(c, v.name().value()));
        }

        String clash(IfName name) {
            String other = used.get(name);
            if (other != null) {
                return "interface name '" + name + "' is already used by " + other;
            }
            other = rcNames.get(name.rcName());
            if (other != null) {
                return "interface name '" + name + "' gives the same rc.conf variables as " + other
                        + " (network.subr get_if_var reads '.' as '_')";
            }
            return null;
        }

        String parentProblem(IfName parent) {
            if (parents.containsKey(parent)) {
                return null;
            }
            return notParents.getOrDefault(parent, "vlandev '" + parent
                    + "' is not an interface of this host: a VLAN's parent is a NIC (nics) or a lagg");
        }

        /** As the validator says it for NICs and bridges: subnets must not overlap in one network stack. */
        String overlap(IfName name, Cidr inet) {
            for (var s : subnets.entrySet()) {
                if (s.getKey().overlaps(inet)) {
                    return "address " + inet + " on " + name + " overlaps " + s.getKey() + " on " + s.getValue()
                            + " in the same network stack";
                }
            }
            return null;
        }
    }

    // ------------------------------------------------------------------ resources, facts, rc.conf

    @Override
    public List<Resource> resources(DesiredHost host, Spec spec, Graph graph) {
        Optional<Ipv4> ssh = ipv4(host.ssh().address());
        return spec.vlans().stream().<Resource>map(v -> new VlanResource(v,
                graph.ownerOf(v.parent()).map(List::of).orElse(List.of()), ssh)).toList();
    }

    private static Optional<Ipv4> ipv4(String address) {
        try {
            return Optional.of(Ipv4.parse(address));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Fact<?>> facts(DesiredHost host, Spec spec) {
        return spec.vlans().stream().<Fact<?>>map(v -> fact(v.name())).toList();
    }

    @Override
    public Optional<Fact<?>> factOf(String section) {
        if (!section.startsWith(KIND + "/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(fact(IfName.parse(section.substring(KIND.length() + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<Interface> definedInterfaces(Spec spec) {
        return spec.vlans().stream().map(v -> new Interface(v.name(), v.inet())).toList();
    }

    @Override
    public Map<IfName, Address> interfaces(Spec spec) {
        Map<IfName, Address> out = new LinkedHashMap<>();
        spec.vlans().forEach(v -> out.put(v.name(), Address.of(KIND, v.name().value())));
        return out;
    }

    /**
     * rc.d/netif's ifn_start configures each interface, then creates its children: network.subr
     * childif_create reads {@code vlans_PARENT} and, for a child named vlanN, runs
     * {@code ifconfig vlanN create vlandev PARENT $create_args_vlanN}, for any other name
     * {@code ifconfig vlan create vlandev PARENT $create_args_NAME} and renames it; then ifn_start of
     * the child applies {@code ifconfig_NAME} and brings it up. Because the parent is configured first,
     * its rename ({@code ifconfig_em1_name}) has happened: cloned_interfaces, created by clone_up before
     * ifnet_rename, could not name the renamed parent.
     */
    @Override
    public RcConf rcConf(Spec spec) {
        return new RcConf(List.of(), rcConfOf(spec.vlans()));
    }

    private static Map<String, String> rcConfOf(List<Vlan> vlans) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Vlan v : vlans) {
            out.merge("vlans_" + v.parent().rcName(), v.name().value(), (a, b) -> a + " " + b);
        }
        for (Vlan v : vlans) {
            out.put("create_args_" + v.name().rcName(), "vlan " + v.tag());
            // Without arguments ifconfig_up leaves the interface down: "up" brings it up.
            out.put("ifconfig_" + v.name().rcName(), v.inet().map(c -> "inet " + c).orElse("up"));
        }
        return out;
    }

    // ------------------------------------------------------------------ the fact

    /** {@code ifconfig NAME} with its error message (the probe drops standard error). */
    static Fact<Found> fact(IfName name) {
        return new Fact<>(KIND + "/" + name.value(), "ifconfig " + Shell.quote(name.value()) + " 2>&1",
                (exit, output) -> parse(name.value(), exit, output), Found.ABSENT);
    }

    /**
     * sbin/ifconfig/ifconfig.c main: "interface NAME does not exist" and exit 1 for a missing
     * interface; otherwise the interface's status (ifconfig_netlink.c status_nl): its header line,
     * then detail lines that each start with a tab, among them ifvlan.c vlan_status's line.
     */
    static Found parse(String name, int exit, String output) {
        String command = "'ifconfig " + name + "'";
        if (exit == 1 && output.equals("ifconfig: interface " + name + " does not exist\n")) {
            return Found.ABSENT;
        }
        String first = output.lines().findFirst().orElse("");
        if (exit != 0) {
            throw new UnreadableOutput(command + " exited " + exit
                    + (first.isBlank() ? " without a message" : " with '" + Shown.line(first) + "'"));
        }
        List<String> lines = output.lines().toList();
        if (!first.startsWith(name + ": flags=") || lines.stream().skip(1).anyMatch(l -> !l.startsWith("\t"))) {
            throw new UnreadableOutput(command + " printed '" + Shown.line(first)
                    + "', not the status of " + name + " (a '" + name + ": flags=...' line, then lines that start with a tab)");
        }
        Iface iface;
        try {
            iface = IfconfigParser.parse(output).get(name);
        } catch (UnreadableOutput e) {
            throw new UnreadableOutput(e.getMessage().replace("'ifconfig -a'", command));
        }
        if (iface == null) {
            throw new UnreadableOutput(command + " printed '" + Shown.line(first) + "', not the status of " + name);
        }
        List<String> status = lines.stream().filter(l -> l.startsWith("\tvlan: ")).toList();
        List<String> inet = iface.inet().stream().map(Cidr::toString).toList();
        if (status.isEmpty()) {
            return new Found(true, false, 0, "", "", inet, iface.up());
        }
        Matcher m = STATUS.matcher(status.get(0));
        if (status.size() > 1 || !m.matches()) {
            throw new UnreadableOutput(command + " printed '" + Shown.line(status.get(status.size() - 1))
                    + "', not one 'vlan: TAG vlanproto: PROTO vlanpcp: PCP parent interface: PARENT' line");
        }
        String parent = m.group(3).equals("<none>") ? "" : m.group(3);
        return new Found(true, true, Integer.parseInt(m.group(1)), parent, m.group(2) == null ? "" : m.group(2), inet,
                iface.up());
    }

    // ------------------------------------------------------------------ the resource

    /**
     * One VLAN: created on its parent with its tag, addressed, up. A VLAN with another tag, parent or
     * vlanproto is destroyed and made again, as the host makes it at boot: the kernel refuses to move
     * a configured VLAN (sys/net/if_vlan.c vlan_config: EBUSY while it has a trunk), and after
     * {@code -vlandev} ifconfig's setvlantag copies the unconfigured VLAN's vlanproto (none) into
     * what it sets (sbin/ifconfig/ifvlan.c).
     *
     * <p>A change is guarded (see {@link Guard}) when uirig's SSH may go over the VLAN: the host's
     * SSH address is on the VLAN's subnet, now or as desired, or is a name uirig cannot place.
     * NICs are always guarded because they carry the uplink; a VLAN usually carries no management
     * traffic, and an address on another subnet does not change the path of uirig's connection.
     */
    record VlanResource(Vlan vlan, List<Address> dependsOn, Optional<Ipv4> sshAddress) implements Resource {
        VlanResource {
            dependsOn = List.copyOf(dependsOn);
        }

        @Override
        public Address address() {
            return Address.of(KIND, vlan.name().value());
        }

        private String name() {
            return vlan.name().value();
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            Found found = observed.fact(fact(vlan.name())).orElse(Found.ABSENT);
            List<Step> steps = new ArrayList<>();
            Action action;
            String reason;
            if (!found.exists()) {
                action = Action.CREATE;
                reason = "no vlan named " + name();
                steps.addAll(make());
            } else if (!found.vlan()) {
                // Another interface holds the name (a tap, a bridge, an undeclared lagg): if_clone_destroy
                // would destroy it as readily as a vlan, so uirig refuses instead of replacing what it does not manage.
                action = Action.REPLACE;
                reason = replacing(found) + ": uirig does not destroy it";
                steps.add(Step.run("/bin/sh", "-c", "echo \"$1 exists and is no vlan(4) interface: uirig does not destroy"
                        + " an interface it does not manage; rename or remove it\" >&2; exit 1", "sh", name()));
            } else if (!sameVlan(found)) {
                action = Action.REPLACE;
                reason = replacing(found);
                steps.add(destroy());
                steps.addAll(make());
            } else {
                action = Action.UPDATE;
                reason = "vlan " + name() + " differs";
                vlan.inet().filter(c -> !found.inet().contains(c.toString())).ifPresent(c -> steps.add(address(c)));
                if (!found.up()) {
                    steps.add(Step.run("ifconfig", name(), "up"));
                }
            }
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> before = new LinkedHashMap<>();
            if (found.exists()) {
                before.put("name", name());
                if (found.vlan()) {
                    before.put("vlandev", found.parent());
                    before.put("vlan", found.tag());
                }
                before.put("inet", found.inet());
                before.put("up", found.up());
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("name", name());
            after.put("vlandev", vlan.parent().value());
            after.put("vlan", vlan.tag());
            after.put("inet", vlan.inet().map(c -> List.of(c.toString())).orElse(List.of()));
            after.put("up", true);
            Guard guard = sshMayUse(found) ? guard(action, found, before, after) : null;
            return Optional.of(new Change(address(), action, reason, before, after, steps, "", guard));
        }

        private boolean sameVlan(Found found) {
            return found.vlan() && found.tag() == vlan.tag() && found.parent().equals(vlan.parent().value())
                    && (found.proto().isEmpty() || found.proto().equals("802.1q"));
        }

        private String replacing(Found found) {
            if (!found.vlan()) {
                return name() + " exists but is no vlan(4) interface";
            }
            if (found.parent().isEmpty()) {
                return name() + " is a vlan without a parent";
            }
            String proto = found.proto().isEmpty() || found.proto().equals("802.1q") ? "" : " (" + found.proto() + ")";
            return name() + " is vlan " + found.tag() + proto + " on " + found.parent() + ", not vlan " + vlan.tag()
                    + " on " + vlan.parent();
        }

        /** Created, addressed and brought up, as network.subr childif_create and ifn_start do at boot. */
        private List<Step> make() {
            List<Step> steps = new ArrayList<>(List.of(create(name(), vlan.tag(), vlan.parent().value())));
            vlan.inet().ifPresent(c -> steps.add(address(c)));
            steps.add(Step.run("ifconfig", name(), "up"));
            return steps;
        }

        /**
         * vlanN is made under its own name; any other name is made as the next vlanN and renamed in the
         * same command (ifconfig.c: the first word that is no clone parameter creates the interface,
         * the rest apply to it). vlan and vlandev only fill in the clone request until then
         * (ifvlan.c: DEF_CLONE_CMD_ARG), so their order does not matter.
         */
        private static Step create(String name, int tag, String parent) {
            if (UNIT_NAME.matcher(name).matches()) {
                return Step.run("ifconfig", name, "create", "vlan", String.valueOf(tag), "vlandev", parent);
            }
            return Step.run("ifconfig", "vlan", "create", "vlan", String.valueOf(tag), "vlandev", parent, "name", name);
        }

        private Step address(Cidr c) {
            return Step.run("ifconfig", name(), "inet", c.toString());
        }

        private Step destroy() {
            return Step.run("ifconfig", name(), "destroy");
        }

        private boolean sshMayUse(Found found) {
            if (sshAddress.isEmpty()) {
                return true;
            }
            Ipv4 ssh = sshAddress.get();
            return vlan.inet().map(c -> c.contains(ssh)).orElse(false)
                    || found.inet().stream().map(Cidr::parseInterface).anyMatch(c -> c.contains(ssh));
        }

        /** What the host runs to undo the change when uirig cannot reach it again afterwards. */
        private Guard guard(Action action, Found found, Map<String, Object> before, Map<String, Object> after) {
            if (action == Action.CREATE) {
                return new Guard(List.of(), List.of(destroy().commandLine()));
            }
            if (action == Action.UPDATE) {
                return Guard.nic(before, after);
            }
            List<String> undo = new ArrayList<>(List.of(destroy().commandLine()));
            if (found.vlan() && !found.parent().isEmpty()) {
                undo.add(create(name(), found.tag(), found.parent()).commandLine());
                found.inet().forEach(c -> undo.add(Step.run("ifconfig", name(), "inet", c, "alias").commandLine()));
                if (found.up()) {
                    undo.add(Step.run("ifconfig", name(), "up").commandLine());
                }
            }
            return new Guard(List.of(), undo);
        }
    }
}
