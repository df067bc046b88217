package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service running on the host or in a jail; it is enabled by its scope's rc.conf settings. */
public record ServiceResource(String jail, String name, List<String> dependsOn) implements Resource {
    public ServiceResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public String address() {
        return "service[" + (jail.isEmpty() ? "" : jail + "/") + name + "]";
    }

    /** The rc.conf variable that enables the service. */
    public String enableVariable() {
        return name.replace('-', '_').replace('.', '_') + "_enable";
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        if (observed.runningServices().contains(ObservedHost.serviceKey(jail, name))) {
            return Optional.empty();
        }
        // A jail (re)started by this plan starts its enabled services itself, through its /etc/rc,
        // unless their packages are only installed after it started.
        if (!jail.isEmpty() && context.changing().contains("jail[" + jail + "]")
                && !context.changing().contains("packages[" + jail + "]")) {
            return Optional.of(new Change(address(), Action.CREATE, name + " is started by jail " + jail + "'s /etc/rc",
                    Map.of("running", false), Map.of("running", true), List.of(), ""));
        }
        // spiped's rc script refuses to start while any of its pipes runs: restart brings up the dead ones.
        String verb = name.equals("spiped") ? "restart" : "start";
        Step start = jail.isEmpty() ? Step.run("service", name, verb) : Step.run("jexec", jail, "service", name, verb);
        return Optional.of(new Change(address(), Action.CREATE, name + " is not running", Map.of("running", false),
                Map.of("running", true), List.of(start), ""));
    }
}
