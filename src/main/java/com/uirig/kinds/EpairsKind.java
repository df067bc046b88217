package com.uirig.kinds;

import com.uirig.config.PlaybookSection;
import com.uirig.config.YamlValue;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Virtual cables, the playbook's {@code epairs} section, epair(4): {@code ifconfig epairN create}
 * makes both ends, {@code epairNa} and {@code epairNb}, which uirig renames; the host's ends go up,
 * the others go into jails. At boot rc.d/netif does the same from rc.conf (see {@link #rcConf}).
 */
public final class EpairsKind implements Kind<EpairsKind.Spec> {
    public static final String KEY = "epairs";

    /** Which end of an epair. */
    public enum Side { A, B }

    /** A virtual cable: {@code epair<unit>} with both ends renamed; {@code up} lists the ends the host brings up. */
    public record Epair(String label, int unit, IfName a, IfName b, List<Side> up) {
        public Epair {
            up = List.copyOf(up);
        }

        public String device() {
            return "epair" + unit;
        }

        public IfName end(Side side) {
            return side == Side.A ? a : b;
        }

        public IfName other(IfName end) {
            return end.equals(a) ? b : a;
        }
    }

    /** The host's epairs, in the playbook's order. */
    public record Spec(List<Epair> epairs) {
        public Spec {
            epairs = List.copyOf(epairs);
        }
    }

    /** The epairs {@code host} declares (none without an epairs section). */
    public static List<Epair> of(DesiredHost host) {
        return host.kinds().get(KEY, Spec.class).map(Spec::epairs).orElse(List.of());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Spec> specType() {
        return Spec.class;
    }

    @Override
    public Spec read(YamlValue section, Context context) {
        // Names and devices must not repeat those of the NICs or of another epair (a bridge named
        // like an end is reported at the bridge: BridgesKind.check).
        Map<IfName, PlaybookSection.Interface> defined = new LinkedHashMap<>();
        NicsKind.interfaces(context.host()).forEach(i -> defined.putIfAbsent(i.name(), i));
        Map<String, Boolean> devices = new LinkedHashMap<>();
        NicsKind.of(context.host()).stream().filter(n -> n.device() != null).forEach(n -> devices.put(n.device().value(), true));
        BridgesKind.of(context.host()).stream().filter(b -> b.unit() >= 0).forEach(b -> devices.put(b.device(), true));
        List<Epair> epairs = new ArrayList<>();
        for (var e : section.entries().entrySet()) {
            Epair ep = epair(e.getKey(), e.getValue(), context);
            if (ep == null) {
                continue;
            }
            for (String side : List.of("a", "b")) {
                IfName end = side.equals("a") ? ep.a() : ep.b();
                if (end == null) {
                    continue;
                }
                var before = defined.putIfAbsent(end, new PlaybookSection.Interface(end, Optional.empty(),
                        PlaybookSection.Role.EPAIR_END, "epair " + ep.label()));
                if (before != null) {
                    context.origins().error("epair." + ep.label() + "." + side, Interfaces.definedTwice(end, before.owner()));
                }
            }
            if (ep.unit() >= 0 && devices.putIfAbsent(ep.device(), true) != null) {
                context.origins().error("epair." + ep.label() + ".device", "device '" + ep.device() + "' is used twice");
            }
            epairs.add(ep);
        }
        return new Spec(epairs);
    }

    private static Epair epair(String label, YamlValue v, Context context) {
        var f = v.fields(List.of("device", "a", "b", "up"), List.of("device", "a", "b"));
        Integer unit = Interfaces.unit(f.get("device"), "epair");
        IfName a = f.has("a") ? f.get("a").as(IfName::parse) : null;
        IfName b = f.has("b") ? f.get("b").as(IfName::parse) : null;
        List<Side> up = List.of();
        if (f.has("up")) {
            up = f.get("up").as(text -> switch (text) {
                case "a" -> List.of(Side.A);
                case "b" -> List.of(Side.B);
                case "both" -> List.of(Side.A, Side.B);
                case "none" -> List.<Side>of();
                default -> throw new IllegalArgumentException("expected a, b, both or none, found '" + text + "'");
            });
        }
        if (!Readers.NAME.matcher(label).matches()) {
            v.error("invalid epair label '" + label + "'");
            return null;
        }
        var origins = context.origins();
        origins.put("epair." + label, v);
        origins.put("epair." + label + ".a", f.get("a"));
        origins.put("epair." + label + ".b", f.get("b"));
        origins.put("epair." + label + ".device", f.get("device"));
        // Ends with problems stay null so the valid end can still be checked; problems are recorded.
        return new Epair(label, unit == null ? -1 : unit, a, b, up == null ? List.of() : up);
    }

    @Override
    public List<Interface> definedInterfaces(Spec spec) {
        List<Interface> out = new ArrayList<>();
        for (Epair e : spec.epairs()) {
            for (IfName end : java.util.Arrays.asList(e.a(), e.b())) {
                if (end != null) {
                    out.add(new Interface(end, Optional.empty(), Role.EPAIR_END, "epair " + e.label()));
                }
            }
        }
        return out;
    }

    @Override
    public Map<IfName, Address> interfaces(Spec spec) {
        Map<IfName, Address> out = new LinkedHashMap<>();
        for (Epair e : spec.epairs()) {
            out.put(e.a(), address(e));
            out.put(e.b(), address(e));
        }
        return out;
    }

    private static Address address(Epair e) {
        return Address.of("epair", e.label());
    }

    /**
     * The boot twin (libexec/rc/network.subr): clone_up creates each cloned_interfaces entry with
     * {@code ifconfig epairN create}, which makes both ends; ifnet_rename renames them from
     * {@code ifconfig_epairNa_name}; ifconfig_up brings up the ends whose {@code ifconfig_END} is up.
     */
    @Override
    public RcConf rcConf(Spec spec) {
        List<String> cloned = new ArrayList<>();
        Map<String, String> s = new LinkedHashMap<>();
        // An epair read with problems (an end without a valid name) has no line for that end; the problem is reported.
        for (Epair e : spec.epairs()) {
            cloned.add(e.device());
            for (Side side : Side.values()) {
                if (e.end(side) != null) {
                    s.put("ifconfig_" + e.device() + side.name().toLowerCase() + "_name", e.end(side).value());
                }
            }
        }
        for (Epair e : spec.epairs()) {
            for (Side side : e.up()) {
                if (e.end(side) != null) {
                    s.put("ifconfig_" + e.end(side).rcName(), "up");
                }
            }
        }
        return new RcConf(cloned, s);
    }

    @Override
    public List<Resource> resources(DesiredHost host, Spec spec, Graph graph) {
        return spec.epairs().stream().<Resource>map(EpairResource::new).toList();
    }

    /** A virtual cable: {@code epairN} created, both ends renamed, the host's ends up. */
    public record EpairResource(Epair epair) implements Resource {
        @Override
        public Address address() {
            return EpairsKind.address(epair);
        }

        @Override
        public List<Address> dependsOn() {
            return List.of();
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            String device = epair.device();
            var a = observed.findInterface(epair.a().value());
            var b = observed.findInterface(epair.b().value());
            List<Step> steps = new ArrayList<>();
            Action action = Action.UPDATE;
            String reason;
            if (a.isEmpty() && b.isEmpty() && observed.findInterface(device + "a").isEmpty()) {
                action = Action.CREATE;
                reason = "no epair named " + epair.a() + "/" + epair.b();
                steps.add(Step.run("ifconfig", device, "create"));
                steps.add(Step.run("ifconfig", device + "a", "name", epair.a().value()));
                steps.add(Step.run("ifconfig", device + "b", "name", epair.b().value()));
                for (Side s : epair.up()) {
                    steps.add(Step.run("ifconfig", epair.end(s).value(), "up"));
                }
            } else {
                reason = "epair " + device + " differs";
                rename(observed, a, epair.a(), device + "a", steps);
                rename(observed, b, epair.b(), device + "b", steps);
                for (Side s : epair.up()) {
                    var end = observed.findInterface(epair.end(s).value());
                    boolean onHostAndDown = end.map(e -> e.stack().equals(ObservedHost.HOST) && !e.iface().up()).orElse(true);
                    if (onHostAndDown) {
                        steps.add(Step.run("ifconfig", epair.end(s).value(), "up"));
                    }
                }
            }
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("device", device);
            after.put("a", epair.a().value());
            after.put("b", epair.b().value());
            after.put("up", epair.up().stream().map(s -> epair.end(s).value()).toList());
            Map<String, Object> before = new LinkedHashMap<>();
            a.ifPresent(x -> before.put("a", x.iface().name()));
            b.ifPresent(x -> before.put("b", x.iface().name()));
            return Optional.of(new Change(address(), action, reason, before, after, steps, ""));
        }

        /** Renames an end still under its device name; an end missing under both names cannot be repaired alone. */
        private static void rename(ObservedHost observed, Optional<ObservedHost.Located> end, IfName name, String deviceEnd,
                                   List<Step> steps) {
            if (end.isPresent()) {
                return;
            }
            if (observed.findInterface(deviceEnd).isPresent()) {
                steps.add(Step.run("ifconfig", deviceEnd, "name", name.value()));
            }
        }
    }
}
