package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost.RunOnce;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command that runs once, guarded by what it creates (PostgreSQL's {@code service postgresql
 * initdb}, which must never run over an existing cluster): planned only while {@code creates} is
 * missing, and failed when the command did not create it. Once done it is never drift.
 */
public record RunOnceResource(RunOnce spec, String hostCreates, List<Address> dependsOn) implements Resource {
    public RunOnceResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("run_once", (spec.jail().isEmpty() ? "" : spec.jail() + "/") + spec.name());
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        if (observed.get(HostState.EXISTING_PATHS).contains(hostCreates)) {
            return Optional.empty();
        }
        Step command = spec.jail().isEmpty() ? Step.run("/bin/sh", "-c", spec.command())
                : Step.run("jexec", spec.jail(), "/bin/sh", "-c", spec.command());
        // The guard is checked where the command ran: a command that exits 0 but creates nothing would
        // run again on every apply.
        Step created = Step.run("/bin/sh", "-c", "test -e \"$1\" || { echo \"$1 was not created\" >&2; exit 1; }", "sh",
                hostCreates);
        return Optional.of(new Change(address(), Action.CREATE, spec.creates() + " does not exist"
                + (spec.jail().isEmpty() ? "" : " in jail " + spec.jail()), Map.of("created", false),
                Map.of("created", true), List.of(command, created), ""));
    }
}
