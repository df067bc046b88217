package com.uirig.cli;

import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Kinds;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.render.PlanJson;
import com.uirig.render.PlanText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Shows what apply would change, command by command, with file diffs.",
                "Reads each host over SSH (or saved facts, or assumes fresh hosts with --offline).",
                "Exit 0 when nothing would change, 2 when something would, 1 on error (any host unreadable)."})
final class PlanCommand implements Callable<Integer> {

    @Mixin
    InventoryArgument inventory;

    @Option(names = "--offline", description = "Plan against freshly installed FreeBSD hosts instead of reading the hosts.")
    boolean offline;

    @Option(names = "--host", split = ",", paramLabel = "HOST", description = "Only these hosts (repeat or separate with commas).")
    List<String> hosts;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    Format output;

    @Option(names = "--facts", paramLabel = "DIR", description = "Plan against facts saved with 'uirig facts --save DIR'.")
    java.nio.file.Path factsDir;

    @picocli.CommandLine.Mixin
    Observation observation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        var selection = inventory.select(err, hosts);
        if (selection.isEmpty()) {
            return Main.ERROR;
        }
        Map<String, ObservedHost> observed = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, List<com.uirig.facts.PendingRollback>> rollbacks = Map.of();
        if (offline && factsDir != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--offline and --facts cannot be used together: --offline plans against fresh hosts, --facts against saved facts");
        }
        if (offline) {
            for (DesiredHost h : selection.get().inventory().hosts()) {
                observed.put(h.name(), FreshHost.of(h.name(), Kinds.freshNics(h), ProbeSections.of(h).facts()));
            }
        } else {
            // Every host is read, not only the selected ones: shared keys are planned across hosts.
            var outcomes = observation.read(selection.get().inventory(), selection.get().inventory().hosts(), factsDir);
            observed = Observation.usable(outcomes, errors);
            rollbacks = Observation.rollbacks(outcomes);
        }
        Plan all = Planner.plan(selection.get().inventory().hosts(), observed);
        List<String> names = selection.get().hosts().stream().map(DesiredHost::name).toList();
        Plan plan = new Plan(all.hosts().stream().filter(h -> names.contains(h.host())).toList());
        Map<String, List<com.uirig.facts.PendingRollback>> found = rollbacks;
        var pending = names.stream().filter(found::containsKey).toList();
        if (output == Format.json) {
            spec.commandLine().getOut().print(PlanJson.render(plan, found));
        } else {
            pending.forEach(h -> found.get(h).forEach(r -> spec.commandLine().getOut().println(h + ": rollback "
                    + r.dir() + ": " + r.describe() + "; apply takes it over first")));
            spec.commandLine().getOut().print(PlanText.render(plan));
        }
        List<String> failed = names.stream().filter(errors::containsKey).toList();
        failed.forEach(h -> err.println("uirig: " + errors.get(h)));
        if (!failed.isEmpty()) {
            return Main.ERROR;
        }
        return plan.hasChanges() || !pending.isEmpty() ? Main.CHANGES : Main.OK;
    }
}
