package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost.Epair;
import com.uirig.model.DesiredHost.Side;
import com.uirig.model.IfName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A virtual cable: {@code epairN} created, both ends renamed, the host's ends up. */
public record EpairResource(Epair epair) implements Resource {
    @Override
    public Address address() {
        return Address.of("epair", epair.label());
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
