package com.uirig.kinds;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service running on the host or in a jail; it is enabled by its scope's rc.conf settings.
 * {@code pidFiles} (host paths) are those of a service that runs one daemon per pid file, as
 * spiped runs one per pipe.
 */
public record ServiceResource(String jail, String jailPath, String name, List<Address> dependsOn, List<String> pidFiles)
        implements Resource {
    public ServiceResource {
        dependsOn = List.copyOf(dependsOn);
        pidFiles = List.copyOf(pidFiles);
    }

    public ServiceResource(String jail, String jailPath, String name, List<Address> dependsOn) {
        this(jail, jailPath, name, dependsOn, List.of());
    }

    @Override
    public Address address() {
        return Address.of("service", (jail.isEmpty() ? "" : jail + "/") + name);
    }

    /**
     * Whether a change this service depends on makes it restart: one that says which paths it
     * changes (a shared key, a package install) only when one is under this jail.
     */
    private boolean triggers(Change c) {
        return c != null && c.touchesUnder(jailPrefix());
    }

    private String jailPrefix() {
        return jailPath + "/";
    }

    /** The rc.conf variable that enables the service. */
    public String enableVariable() {
        return name.replace('-', '_').replace('.', '_') + "_enable";
    }

    /**
     * The steps that (re)start the service. spiped's rc.d script (sysutils/spiped/files/spiped.in)
     * cannot restart a partly dead set of pipes: its stop ends at the first pipe that is not running
     * and its start refuses while any pipe runs (rc.subr: "already running?"). So each pipe's daemon
     * is ended by its pid file first, then all are started.
     */
    private List<Step> restart(String verb) {
        // verb: restart (a handler), start (not running)
        Step service = jail.isEmpty() ? Step.startingDaemons("service", name, verb)
                : Step.startingDaemons("jexec", jail, "service", name, verb);
        if (pidFiles.isEmpty()) {
            return List.of(service);
        }
        List<String> stop = new java.util.ArrayList<>(List.of("sh", "-c", "for p; do pkill -F \"$p\" 2>/dev/null;"
                + " while pgrep -F \"$p\" >/dev/null 2>&1; do sleep 0.1; done; rm -f \"$p\"; done", "sh"));
        stop.addAll(pidFiles);
        return List.of(new Step(stop, new Step.NoInput()), jail.isEmpty() ? Step.startingDaemons("service", name, "start")
                : Step.startingDaemons("jexec", jail, "service", name, "start"));
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        if (observed.get(HostState.RUNNING_SERVICES).contains(ObservedHost.serviceKey(jail, name))) {
            // Handler: a running service is restarted when what it reads changed in this plan
            // (its rc.conf, its jail's files, its key); a restarted jail restarts it anyway.
            if (context.changing().containsKey(Address.of("jail", jail))) {
                return Optional.empty();
            }
            List<String> triggers = dependsOn.stream().filter(d -> triggers(context.changing().get(d))).map(Address::toString).toList();
            if (triggers.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Change(address(), Action.UPDATE, "restarted: " + String.join(", ", triggers) + " changed",
                    Map.of("running", true), Map.of("running", true, "restarted", true), restart("restart"), ""));
        }
        // A jail (re)started by this plan starts its enabled services itself, through its /etc/rc,
        // unless their packages are only installed, or a run-once command (initdb) only runs, after it started.
        if (!jail.isEmpty() && context.changing().containsKey(Address.of("jail", jail))
                && !context.changing().containsKey(Address.of("packages", jail))
                && context.changing().keySet().stream().noneMatch(a -> a.kind().equals("run_once") && a.name().startsWith(jail + "/"))) {
            return Optional.of(new Change(address(), Action.CREATE, name + " is started by jail " + jail + "'s /etc/rc",
                    Map.of("running", false), Map.of("running", true), List.of(), ""));
        }
        // A service with some daemons still running (a dead spiped pipe) is restarted whole.
        return Optional.of(new Change(address(), Action.CREATE, name + " is not running", Map.of("running", false),
                Map.of("running", true), restart("start"), ""));
    }
}
