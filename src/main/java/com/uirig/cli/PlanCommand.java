package com.uirig.cli;

import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
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
        description = {"Shows what apply would change on each host, command by command, with file diffs.",
                "Exit 0 when nothing would change, 2 when something would, 1 on error."})
final class PlanCommand implements Callable<Integer> {
    enum Format { text, json }

    @Mixin
    InventoryArgument inventory;

    @Option(names = "--offline", description = "Plan against a freshly installed FreeBSD host instead of reading the hosts.")
    boolean offline;

    @Option(names = "--host", split = ",", paramLabel = "HOST", description = "Only these hosts (repeat or separate with commas).")
    List<String> hosts;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    Format output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        if (!offline) {
            err.println("uirig: reading live hosts is not available in this version yet; use --offline to plan"
                    + " against a freshly installed host");
            return Main.ERROR;
        }
        var loaded = inventory.load(err);
        if (loaded.isEmpty()) {
            return Main.ERROR;
        }
        var selected = InventoryArgument.select(loaded.get(), hosts, err);
        if (selected.isEmpty()) {
            return Main.ERROR;
        }
        Map<String, ObservedHost> observed = new LinkedHashMap<>();
        for (DesiredHost h : loaded.get().hosts()) {
            observed.put(h.name(), FreshHost.of(h));
        }
        Plan all = Planner.plan(loaded.get().hosts(), observed);
        List<String> names = selected.get().stream().map(DesiredHost::name).toList();
        Plan plan = new Plan(all.hosts().stream().filter(h -> names.contains(h.host())).toList());
        spec.commandLine().getOut().print(output == Format.json ? PlanJson.render(plan) : PlanText.render(plan));
        return plan.hasChanges() ? Main.CHANGES : Main.OK;
    }
}
