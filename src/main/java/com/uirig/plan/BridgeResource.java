package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost.Bridge;
import com.uirig.model.IfName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A virtual switch: {@code bridgeN} created and renamed, its address, exactly its members, up. */
public record BridgeResource(Bridge bridge, List<Address> dependsOn) implements Resource {
    public BridgeResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("bridge", bridge.name().value());
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
