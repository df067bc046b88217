package com.uirig.cli;

import com.uirig.expect.ExpectationResult;
import com.uirig.expect.Reachability;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
import com.uirig.render.CheckReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Drift check for cron: what differs from the playbooks, per host and resource,",
                "and which reachability expectations fail (reported like drift).",
                "Reads every host; prints nothing when all is in sync (unless -v).",
                "Exit 0 all in sync, 2 drift found, 1 a host could not be checked or the input is invalid."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    InventoryArgument inventory;

    @Option(names = "--host", split = ",", paramLabel = "HOST", description = "Only these hosts.")
    List<String> hosts;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    Format output;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the JSON report to FILE (atomically).")
    Path report;

    @Option(names = {"-v", "--verbose"}, description = "Also list hosts and resources in sync, and expectations met.")
    boolean verbose;

    @Option(names = "--facts", paramLabel = "DIR",
            description = "Check facts saved with 'uirig facts --save DIR' (expectations, being live, are not tested).")
    Path factsDir;

    @Mixin
    Observation observation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        var selection = inventory.select(err, hosts);
        if (selection.isEmpty()) {
            return Main.ERROR;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        java.util.Set<String> busy = new java.util.HashSet<>();
        List<DesiredHost> all = selection.get().inventory().hosts();
        List<DesiredHost> checked = selection.get().hosts();
        Map<String, ObservedHost> observed;
        Map<String, List<ExpectationResult>> expectations = Map.of();
        Plan plan;
        Map<String, List<com.uirig.facts.PendingRollback>> rollbacks;
        if (factsDir != null) {
            var outcomes = observation.read(selection.get().inventory(), all, factsDir);
            observed = Observation.usable(outcomes, errors, busy);
            rollbacks = Observation.rollbacks(outcomes);
            plan = Planner.plan(all, observed);
        } else {
            try (Observation.LiveRead live = observation.readLive(selection.get().inventory(), all)) {
                observed = Observation.usable(live.outcomes(), errors, busy);
                rollbacks = Observation.rollbacks(live.outcomes());
                plan = Planner.plan(all, observed);
                // Only hosts that were checked: an unreadable or busy host is reported as such.
                List<DesiredHost> tested = checked.stream().filter(h -> observed.containsKey(h.name())).toList();
                expectations = Reachability.test(tested, live::connection, Duration.ofSeconds(observation.timeoutSeconds),
                        observation.forks);
            }
        }
        CheckReport result = CheckReport.of(selection.get().inventory().name(), checked, plan, errors, busy, expectations,
                rollbacks);
        spec.commandLine().getOut().print(output == Format.json ? result.json() : result.text(verbose));
        if (report != null) {
            Path tmp = report.resolveSibling(report.getFileName() + ".tmp");
            Files.writeString(tmp, result.json(), StandardCharsets.UTF_8);
            Files.move(tmp, report, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return result.exitCode();
    }
}
