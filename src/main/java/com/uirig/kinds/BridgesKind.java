package com.uirig.kinds;

import com.uirig.config.Origins;
import com.uirig.config.PlaybookSection;
import com.uirig.config.YamlValue;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.model.Ipv4;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Virtual switches, the playbook's {@code bridges} section, if_bridge(4): {@code ifconfig bridgeN
 * create}, renamed, its address, exactly its members ({@code addm}, {@code deletem}), up. At boot
 * rc.d/netif does the same from rc.conf (see {@link #rcConf}).
 */
public final class BridgesKind implements Kind<BridgesKind.Spec> {
    public static final String KEY = "bridges";

    /** A virtual switch: {@code bridge<unit>} renamed, with an optional address and its members. */
    public record Bridge(int unit, IfName name, Optional<Cidr> inet, List<IfName> members) {
        public Bridge {
            members = List.copyOf(members);
        }

        public String device() {
            return "bridge" + unit;
        }
    }

    /** The host's bridges, in the playbook's order. */
    public record Spec(List<Bridge> bridges) {
        public Spec {
            bridges = List.copyOf(bridges);
        }
    }

    /** The bridges {@code host} declares (none without a bridges section). */
    public static List<Bridge> of(DesiredHost host) {
        return host.kinds().get(KEY, Spec.class).map(Spec::bridges).orElse(List.of());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Spec> specType() {
        return Spec.class;
    }

    // ------------------------------------------------------------------ reading and validation

    @Override
    public Spec read(YamlValue section, Context context) {
        DesiredHost host = context.host();
        Origins origins = context.origins();
        // Names, devices and subnets must not repeat those of the NICs (read before) or of another bridge.
        Map<IfName, PlaybookSection.Interface> defined = Interfaces.defined(host);
        Map<String, Boolean> devices = new LinkedHashMap<>();
        NicsKind.of(host).stream().filter(n -> n.device() != null).forEach(n -> devices.put(n.device().value(), true));
        Map<String, Cidr> subnets = new LinkedHashMap<>();
        NicsKind.of(host).stream().filter(n -> n.inet() != null).forEach(n -> subnets.put(n.name().value(), n.inet()));
        List<Bridge> bridges = new ArrayList<>();
        for (var e : section.entries().entrySet()) {
            Bridge b = bridge(e.getKey(), e.getValue(), origins);
            if (b == null) {
                continue;
            }
            String at = "bridge." + b.name();
            var before = defined.putIfAbsent(b.name(), new PlaybookSection.Interface(b.name(), b.inet(), Role.BRIDGE, "bridge"));
            if (before != null) {
                origins.error(at, Interfaces.definedTwice(b.name(), before.owner()));
            }
            if (b.unit() >= 0 && devices.putIfAbsent(b.device(), true) != null) {
                origins.error(at + ".device", "device '" + b.device() + "' is used twice");
            }
            b.inet().ifPresent(c -> {
                subnets.forEach((owner, other) -> {
                    if (c.overlaps(other)) {
                        origins.error(at + ".inet", "address " + c + " on " + b.name() + " overlaps " + other + " on " + owner
                                + " in the same network stack");
                    }
                });
                subnets.put(b.name().value(), c);
            });
            bridges.add(b);
        }
        return new Spec(bridges);
    }

    private static Bridge bridge(String name, YamlValue v, Origins origins) {
        var f = v.fields(List.of("device", "inet", "members"), List.of("device"));
        IfName ifName = Interfaces.name(name, v);
        Integer unit = Interfaces.unit(f.get("device"), "bridge");
        Optional<Cidr> inet = Optional.empty();
        if (f.has("inet")) {
            inet = Optional.ofNullable(f.get("inet").as(Cidr::parseInterface));
            origins.put("bridge." + name + ".inet", f.get("inet"));
        }
        List<IfName> members = new ArrayList<>();
        if (f.has("members")) {
            List<YamlValue> items = f.get("members").flatSequence();
            for (YamlValue item : items) {
                IfName m = item.as(IfName::parse);
                if (m == null) {
                    continue;
                }
                if (members.contains(m)) {
                    item.error("member '" + m + "' is listed twice");
                    continue;
                }
                members.add(m);
                origins.put("bridge." + name + ".member." + m, item);
            }
        }
        if (ifName == null) {
            return null;
        }
        origins.put("bridge." + name, v);
        origins.put("bridge." + name + ".device", f.get("device"));
        return new Bridge(unit == null ? -1 : unit, ifName, inet, members);
    }

    /**
     * Each member is an interface the host makes, but no bridge (if_bridge.c bridge_ioctl_add
     * refuses a bridge as a member: EINVAL); the addresses reachable on one bridge's segment (its
     * own, its NICs', and those of the jails at the far ends of its epairs) are distinct. Done once
     * every section is read: a member may be an interface of a kind registered later (a lagg).
     */
    @Override
    public void check(Spec spec, DesiredHost host, List<DesiredHost> inventory, Origins origins) {
        Map<IfName, PlaybookSection.Interface> defined = Interfaces.defined(host);
        // Epairs are read after the bridges: a bridge named like an end of one is reported here, at the bridge.
        for (EpairsKind.Epair e : EpairsKind.of(host)) {
            for (IfName end : java.util.Arrays.asList(e.a(), e.b())) {
                spec.bridges().stream().filter(b -> b.name().equals(end)).forEach(b -> origins.error("bridge." + b.name(),
                        Interfaces.definedTwice(b.name(), "epair " + e.label())));
            }
        }
        for (Bridge b : spec.bridges()) {
            for (IfName m : b.members()) {
                String at = "bridge." + b.name() + ".member." + m;
                PlaybookSection.Interface owner = defined.get(m);
                if (owner == null) {
                    origins.error(at, "bridge member '" + m + "' is not defined (define it under nics or epairs)");
                } else if (owner.role() == Role.BRIDGE) {
                    origins.error(at, "'" + m + "' is a bridge: a bridge cannot be a member of another bridge here");
                }
            }
        }
        checkSegments(spec, host, origins);
    }

    private static void checkSegments(Spec spec, DesiredHost host, Origins origins) {
        Map<IfName, EpairsKind.Epair> epairOfEnd = new HashMap<>();
        EpairsKind.of(host).stream().filter(e -> e.a() != null && e.b() != null).forEach(e -> {
            epairOfEnd.put(e.a(), e);
            epairOfEnd.put(e.b(), e);
        });
        Map<IfName, Cidr> jailAddress = new HashMap<>();
        Map<IfName, String> jailAddressKey = new HashMap<>();
        JailsKind.of(host).forEach(j -> j.inet().forEach((i, c) -> {
            jailAddress.put(i, c);
            jailAddressKey.put(i, "jail." + j.name() + ".inet." + i);
        }));
        for (Bridge b : spec.bridges()) {
            Map<Ipv4, String> seen = new LinkedHashMap<>();
            b.inet().ifPresent(c -> seen.put(c.address(), "bridge " + b.name()));
            for (IfName m : b.members()) {
                NicsKind.Nic nic = NicsKind.of(host).stream().filter(n -> n.name().equals(m)).findFirst().orElse(null);
                Cidr c = null;
                String key = null;
                String owner = null;
                if (nic != null) {
                    c = nic.inet();
                    key = "nic." + m + ".inet";
                    owner = "NIC " + m;
                } else if (epairOfEnd.containsKey(m)) {
                    IfName far = epairOfEnd.get(m).other(m);
                    c = jailAddress.get(far);
                    key = jailAddressKey.get(far);
                    owner = far.value();
                }
                if (c == null) {
                    continue;
                }
                String before = seen.putIfAbsent(c.address(), owner);
                if (before != null) {
                    origins.error(key, "address " + c.address() + " of " + owner + " is also used by " + before
                            + " on bridge " + b.name());
                }
            }
        }
    }

    @Override
    public List<Interface> definedInterfaces(Spec spec) {
        return spec.bridges().stream().map(b -> new Interface(b.name(), b.inet(), Role.BRIDGE, "bridge")).toList();
    }

    @Override
    public List<InterfaceUse> interfaceUses(Spec spec) {
        List<InterfaceUse> out = new ArrayList<>();
        for (Bridge b : spec.bridges()) {
            b.members().forEach(m -> out.add(new InterfaceUse(m, "bridge " + b.name(), "bridge." + b.name() + ".member." + m,
                    java.util.Set.of(Role.NIC, Role.EPAIR_END, Role.MADE))));
        }
        return out;
    }

    // ------------------------------------------------------------------ resources, interfaces, rc.conf

    @Override
    public Map<IfName, Address> interfaces(Spec spec) {
        Map<IfName, Address> out = new LinkedHashMap<>();
        spec.bridges().forEach(b -> out.put(b.name(), address(b)));
        return out;
    }

    private static Address address(Bridge b) {
        return Address.of("bridge", b.name().value());
    }

    /**
     * The boot twin (libexec/rc/network.subr): clone_up creates {@code bridgeN}, ifnet_rename
     * renames it from {@code ifconfig_bridgeN_name}, and ifconfig_up hands {@code ifconfig_NAME}
     * ("ADDRESS addm M ...") to ifconfig whole.
     */
    @Override
    public RcConf rcConf(Spec spec) {
        List<String> cloned = new ArrayList<>();
        Map<String, String> s = new LinkedHashMap<>();
        for (Bridge b : spec.bridges()) {
            cloned.add(b.device());
            s.put("ifconfig_" + b.device() + "_name", b.name().value());
        }
        for (Bridge b : spec.bridges()) {
            List<String> words = new ArrayList<>();
            b.inet().ifPresent(c -> words.add(c.toString()));
            for (IfName m : b.members()) {
                words.add("addm");
                words.add(m.value());
            }
            if (!words.isEmpty()) {
                s.put("ifconfig_" + b.name().rcName(), String.join(" ", words));
            }
        }
        return new RcConf(cloned, s);
    }

    /** A bridge waits for the resources that make its members. */
    @Override
    public List<Resource> resources(DesiredHost host, Spec spec, Graph graph) {
        return spec.bridges().stream().<Resource>map(b -> new BridgeResource(b,
                b.members().stream().map(graph::ownerOf).flatMap(Optional::stream).distinct().toList())).toList();
    }

    /** A virtual switch: {@code bridgeN} created and renamed, its address, exactly its members, up. */
    public record BridgeResource(Bridge bridge, List<Address> dependsOn) implements Resource {
        public BridgeResource {
            dependsOn = List.copyOf(dependsOn);
        }

        @Override
        public Address address() {
            return BridgesKind.address(bridge);
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            String name = bridge.name().value();
            ObservedHost.Iface found = observed.get(HostState.INTERFACES).get(name);
            List<Step> steps = new ArrayList<>();
            Action action = Action.UPDATE;
            String reason = "bridge " + name + " differs";
            if (found == null) {
                action = Action.CREATE;
                ObservedHost.Iface unnamed = observed.get(HostState.INTERFACES).get(bridge.device());
                if (unnamed == null) {
                    reason = "no bridge named " + name;
                    steps.add(Step.run("ifconfig", bridge.device(), "create"));
                } else {
                    reason = bridge.device() + " is not yet renamed to " + name;
                }
                steps.add(Step.run("ifconfig", bridge.device(), "name", name));
                found = unnamed;
            }
            List<String> inet = found == null ? List.of() : found.inet().stream().map(Object::toString).toList();
            List<String> members = found == null ? List.of() : found.members();
            bridge.inet().ifPresent(c -> {
                if (!inet.contains(c.toString())) {
                    steps.add(Step.run("ifconfig", name, "inet", c.toString()));
                }
            });
            List<String> add = new ArrayList<>(List.of("ifconfig", name));
            for (IfName m : bridge.members()) {
                if (!members.contains(m.value())) {
                    add.add("addm");
                    add.add(m.value());
                }
            }
            if (add.size() > 2) {
                steps.add(new Step(add, new Step.NoInput()));
            }
            List<String> delete = new ArrayList<>(List.of("ifconfig", name));
            for (String m : members) {
                if (bridge.members().stream().noneMatch(d -> d.value().equals(m))) {
                    delete.add("deletem");
                    delete.add(m);
                }
            }
            if (delete.size() > 2) {
                steps.add(new Step(delete, new Step.NoInput()));
            }
            if (found == null || !found.up()) {
                steps.add(Step.run("ifconfig", name, "up"));
            }
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> before = new LinkedHashMap<>();
            if (found != null) {
                before.put("name", found.name());
                before.put("inet", inet);
                before.put("members", members);
                before.put("up", found.up());
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("name", name);
            after.put("device", bridge.device());
            after.put("inet", bridge.inet().map(c -> List.of(c.toString())).orElse(List.of()));
            after.put("members", bridge.members().stream().map(IfName::value).toList());
            after.put("up", true);
            return Optional.of(new Change(address(), action, reason, before, after, steps, ""));
        }
    }
}
