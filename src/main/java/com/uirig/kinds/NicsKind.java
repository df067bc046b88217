package com.uirig.kinds;

import com.uirig.config.Origins;
import com.uirig.config.Problems;
import com.uirig.config.YamlValue;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.model.IfconfigArgs;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Guard;
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
 * Physical NICs, the playbook's {@code nics} section: each renamed from its driver name
 * ({@code ifconfig em0 name xnic}), given its address and options, and up. At boot rc.d/netif does
 * the same from {@code ifconfig_em0_name} and {@code ifconfig_xnic} (see {@link #rcConf}).
 */
public final class NicsKind implements Kind<NicsKind.Spec> {
    public static final String KEY = "nics";

    /** A physical NIC renamed from its driver name and given an address. */
    public record Nic(IfName device, IfName name, Cidr inet, List<String> options) {
        public Nic {
            options = List.copyOf(options);
        }

        /**
         * The arguments of the NIC's one ifconfig command: its address, then its options, as in its
         * rc.conf line {@code ifconfig_NAME="ADDRESS OPTIONS"}, which rc's network.subr (ifconfig_up)
         * hands to ifconfig whole at boot; uirig runs the same command at run time.
         */
        public List<String> ifconfigArgs() {
            List<String> words = new ArrayList<>();
            words.add(inet.toString());
            options.forEach(o -> words.addAll(List.of(o.trim().split("\\s+"))));
            return words;
        }
    }

    /** The host's NICs, in the playbook's order. */
    public record Spec(List<Nic> nics) {
        public Spec {
            nics = List.copyOf(nics);
        }
    }

    /** The NICs {@code host} declares (none without a nics section). */
    public static List<Nic> of(DesiredHost host) {
        return host.kinds().get(KEY, Spec.class).map(Spec::nics).orElse(List.of());
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
        List<Nic> nics = new ArrayList<>();
        Map<IfName, String> devices = new LinkedHashMap<>();
        for (var e : section.entries().entrySet()) {
            Nic nic = nic(e.getKey(), e.getValue(), context.origins());
            if (nic == null) {
                continue;
            }
            if (nic.device() != null && devices.putIfAbsent(nic.device(), nic.name().value()) != null) {
                e.getValue().error("device '" + nic.device() + "' is used twice");
            }
            // Subnets must not overlap within the host's network stack.
            for (Nic before : nics) {
                if (nic.inet() != null && before.inet() != null && nic.inet().overlaps(before.inet())) {
                    context.origins().error("nic." + nic.name() + ".inet", "address " + nic.inet() + " on " + nic.name()
                            + " overlaps " + before.inet() + " on " + before.name() + " in the same network stack");
                }
            }
            nics.add(nic);
        }
        return new Spec(nics);
    }

    private static Nic nic(String name, YamlValue v, Origins origins) {
        var f = v.fields(List.of("device", "inet", "options"), List.of("device", "inet"));
        IfName ifName = Interfaces.name(name, v);
        IfName device = f.has("device") ? f.get("device").as(IfName::parse) : null;
        Cidr inet = f.has("inet") ? f.get("inet").as(Cidr::parseInterface) : null;
        List<String> options = f.has("options") ? f.get("options").texts() : List.of();
        if (ifName == null) {
            return null;
        }
        origins.put("nic." + name, v);
        origins.put("nic." + name + ".inet", f.get("inet"));
        origins.put("nic." + name + ".options", f.get("options"));
        for (String o : options) {
            try {
                DesiredHost.rcValue(o, "uirig gives NIC options to ifconfig as written, so boot and run time would differ");
            } catch (IllegalArgumentException e) {
                // Recorded; the NIC itself stays defined so its bridge does not report it missing.
                f.get("options").error(e.getMessage());
            }
        }
        return new Nic(device, ifName, inet, options);
    }

    /** Words of a NIC's options that ifconfig takes as addresses: valid, but likely not meant. */
    @Override
    public void warn(Spec spec, Origins origins, Problems.Sink warnings) {
        for (Nic n : spec.nics()) {
            if (n.inet() == null) {
                continue;
            }
            List<String> addresses = IfconfigArgs.addresses(n.ifconfigArgs());
            if (addresses.size() > 1) {
                origins.warn("nic." + n.name() + ".options", "ifconfig takes '" + String.join("', '",
                        addresses.subList(1, addresses.size())) + "' as an address (after the NIC's own, a"
                        + " destination or broadcast address), not as the value of an option: the option before"
                        + " it takes no value", warnings);
            }
        }
    }

    @Override
    public List<Interface> definedInterfaces(Spec spec) {
        return spec.nics().stream().map(n -> new Interface(n.name(), Optional.ofNullable(n.inet()), Role.NIC, "NIC")).toList();
    }

    /** The interfaces {@code host}'s NICs define. */
    static List<Interface> interfaces(DesiredHost host) {
        return host.kinds().get(KEY, Spec.class).map(s -> new NicsKind().definedInterfaces(s)).orElse(List.of());
    }

    @Override
    public Map<IfName, Address> interfaces(Spec spec) {
        Map<IfName, Address> out = new LinkedHashMap<>();
        spec.nics().forEach(n -> out.put(n.name(), address(n.name())));
        return out;
    }

    /** A fresh host has its NICs under their driver names. */
    @Override
    public List<IfName> freshNics(Spec spec) {
        return spec.nics().stream().map(Nic::device).toList();
    }

    static Address address(IfName nic) {
        return Address.of("nic", nic.value());
    }

    /**
     * The boot twin (libexec/rc/network.subr): ifnet_rename renames each NIC from
     * {@code ifconfig_DEVICE_name}, then ifconfig_up hands {@code ifconfig_NAME} to ifconfig whole.
     */
    @Override
    public RcConf rcConf(Spec spec) {
        // A NIC read with problems (no device, no address) has no such line; the problem is reported.
        Map<String, String> s = new LinkedHashMap<>();
        for (Nic n : spec.nics()) {
            if (n.device() != null) {
                s.put("ifconfig_" + n.device().rcName() + "_name", n.name().value());
            }
        }
        for (Nic n : spec.nics()) {
            if (n.inet() != null) {
                s.put("ifconfig_" + n.name().rcName(), String.join(" ", n.ifconfigArgs()));
            }
        }
        return new RcConf(List.of(), s);
    }

    @Override
    public List<Resource> resources(DesiredHost host, Spec spec, Graph graph) {
        return spec.nics().stream().<Resource>map(NicResource::new).toList();
    }

    /** A physical NIC renamed from its driver name (em0 to xnic) and given its address. */
    public record NicResource(Nic nic) implements Resource {
        @Override
        public Address address() {
            return NicsKind.address(nic.name());
        }

        @Override
        public List<Address> dependsOn() {
            return List.of();
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            String name = nic.name().value();
            String device = nic.device().value();
            ObservedHost.Iface found = observed.get(HostState.INTERFACES).get(name);
            List<Step> steps = new ArrayList<>();
            Action action = Action.UPDATE;
            String reason;
            if (found == null) {
                action = Action.CREATE;
                found = observed.get(HostState.INTERFACES).get(device);
                reason = found == null ? "neither " + name + " nor " + device + " exists on the host"
                        : device + " is not yet renamed to " + name;
                steps.add(Step.run("ifconfig", device, "name", name));
                steps.add(configure(name));
                steps.add(Step.run("ifconfig", name, "up"));
            } else {
                reason = name + " differs";
                if (!found.inet().contains(nic.inet())) {
                    steps.add(configure(name));
                }
                if (!found.up()) {
                    steps.add(Step.run("ifconfig", name, "up"));
                }
            }
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> before = new LinkedHashMap<>();
            if (found != null) {
                before.put("name", found.name());
                before.put("inet", found.inet().stream().map(Object::toString).toList());
                before.put("up", found.up());
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("name", name);
            after.put("device", device);
            after.put("inet", List.of(nic.inet().toString()));
            after.put("options", nic.options());
            after.put("up", true);
            return Optional.of(new Change(address(), action, reason, before, after, steps, "", Guard.nic(before, after)));
        }

        /** The NIC's rc.conf line as one ifconfig command, exactly as the host runs it at boot. */
        private Step configure(String name) {
            List<String> argv = new ArrayList<>(List.of("ifconfig", name));
            argv.addAll(nic.ifconfigArgs());
            return new Step(argv, new Step.NoInput());
        }
    }
}
