package com.uirig.kinds;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.IfName;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A VNET jail started from /etc/jail.conf. A running jail whose parameters differ is restarted
 * (replace); a VNET interface left on the host is moved into it.
 */
public record JailResource(String name, String path, Map<String, String> parameters, List<IfName> vnetInterfaces,
                           Map<IfName, com.uirig.model.Cidr> inet, List<Address> dependsOn) implements Resource {
    public JailResource {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        vnetInterfaces = List.copyOf(vnetInterfaces);
        inet = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inet));
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("jail", name);
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        ObservedHost.RunningJail running = observed.get(HostState.JAILS).get(name);
        Map<String, Object> after = new LinkedHashMap<>(parameters);
        after.put("vnet.interface", vnetInterfaces.stream().map(IfName::value).toList());
        if (running == null) {
            return Optional.of(new Change(address(), Action.CREATE, "jail " + name + " is not running", Map.of(), after,
                    List.of(Step.startingDaemons("jail", "-c", name)), ""));
        }
        Map<String, Object> before = new LinkedHashMap<>();
        List<String> differs = new ArrayList<>();
        parameters.forEach((k, v) -> {
            String found = running.parameters().get(k);
            if (found != null && !found.equals(v)) {
                before.put(k, found);
                differs.add(k);
            }
        });
        if (!running.path().isEmpty() && !running.path().equals(path)) {
            before.put("path", running.path());
            differs.add("path");
        }
        if (!differs.isEmpty()) {
            return Optional.of(new Change(address(), Action.REPLACE, "jail " + name + " runs with other " + String.join(", ", differs)
                    + ": it is restarted alone", before, after, List.of(Step.run("jail", "-r", name), Step.startingDaemons("jail", "-c", name)), ""));
        }
        List<Step> steps = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (IfName i : vnetInterfaces) {
            var found = observed.findInterface(i.value());
            boolean moved = false;
            if (found.isPresent() && !found.get().stack().equals(name)) {
                if (!found.get().stack().equals(ObservedHost.HOST)) {
                    steps.add(Step.run("ifconfig", i.value(), "-vnet", found.get().stack()));
                }
                steps.add(Step.run("ifconfig", i.value(), "vnet", name));
                reasons.add(i + " is not in the jail");
                moved = true;
            }
            // The jail's rc.conf sets its addresses at start; a running jail is corrected in place.
            com.uirig.model.Cidr want = inet.get(i);
            if (want != null && (moved || found.map(f -> !f.iface().inet().contains(want)).orElse(false))) {
                steps.add(Step.run("jexec", name, "ifconfig", i.value(), "inet", want.toString()));
                if (!moved) {
                    before.put("inet " + i, found.get().iface().inet().stream().map(Object::toString).toList());
                    reasons.add(i + " has other addresses");
                }
            }
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Change(address(), Action.UPDATE, String.join("; ", reasons), before, after, steps, ""));
    }
}
