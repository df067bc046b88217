package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost.Nic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A physical NIC renamed from its driver name (em0 to xnic) and given its address. */
public record NicResource(Nic nic) implements Resource {
    @Override
    public Address address() {
        return Address.of("nic", nic.name().value());
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
