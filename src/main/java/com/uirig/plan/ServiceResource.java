package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service running on the host or in a jail; it is enabled by its scope's rc.conf settings. */
public record ServiceResource(String jail, String jailPath, String name, List<String> dependsOn) implements Resource {
    public ServiceResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public String address() {
        return "service[" + (jail.isEmpty() ? "" : jail + "/") + name + "]";
    }

    /**
     * Whether a change this service depends on makes it restart: not a package install, and a
     * shared key only when this jail's copy of it changed.
     */
    private boolean triggers(Change c) {
        if (c == null || c.resource().startsWith("packages[")) {
            return false;
        }
        if (c.resource().startsWith("spiped_key[")) {
            return c.before().entrySet().stream().anyMatch(e -> e.getKey().startsWith(jailPrefix()) && !"same".equals(e.getValue()));
        }
        return true;
    }

    private String jailPrefix() {
        return jailPath + "/";
    }

    /** The rc.conf variable that enables the service. */
    public String enableVariable() {
        return name.replace('-', '_').replace('.', '_') + "_enable";
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        String verb = name.equals("spiped") ? "restart" : "start";
        if (observed.runningServices().contains(ObservedHost.serviceKey(jail, name))) {
            // Handler: a running service is restarted when what it reads changed in this plan
            // (its rc.conf, its jail's files, its key); a restarted jail restarts it anyway.
            if (context.changing().containsKey("jail[" + jail + "]")) {
                return Optional.empty();
            }
            List<String> triggers = dependsOn.stream().filter(d -> triggers(context.changing().get(d))).toList();
            if (triggers.isEmpty()) {
                return Optional.empty();
            }
            Step restart = jail.isEmpty() ? Step.startingDaemons("service", name, "restart")
                    : Step.startingDaemons("jexec", jail, "service", name, "restart");
            return Optional.of(new Change(address(), Action.UPDATE, "restarted: " + String.join(", ", triggers) + " changed",
                    Map.of("running", true), Map.of("running", true, "restarted", true), List.of(restart), ""));
        }
        // A jail (re)started by this plan starts its enabled services itself, through its /etc/rc,
        // unless their packages are only installed, or a run-once command (initdb) only runs, after it started.
        if (!jail.isEmpty() && context.changing().containsKey("jail[" + jail + "]")
                && !context.changing().containsKey("packages[" + jail + "]")
                && context.changing().keySet().stream().noneMatch(a -> a.startsWith("run_once[" + jail + "/"))) {
            return Optional.of(new Change(address(), Action.CREATE, name + " is started by jail " + jail + "'s /etc/rc",
                    Map.of("running", false), Map.of("running", true), List.of(), ""));
        }
        // spiped's rc script refuses to start while any of its pipes runs: restart brings up the dead ones.
        Step start = jail.isEmpty() ? Step.startingDaemons("service", name, verb)
                : Step.startingDaemons("jexec", jail, "service", name, verb);
        return Optional.of(new Change(address(), Action.CREATE, name + " is not running", Map.of("running", false),
                Map.of("running", true), List.of(start), ""));
    }
}
