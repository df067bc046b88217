package com.uirig.cli;

import com.uirig.config.Inventory;
import com.uirig.plan.Resources;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Loads and checks the inventory and its playbooks without contacting any host.",
                "Every problem is printed as FILE:LINE:COLUMN: PATH: MESSAGE; exit 1 when there is any."})
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    InventoryArgument inventory;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var loaded = inventory.load(spec.commandLine().getErr());
        if (loaded.isEmpty()) {
            return Main.ERROR;
        }
        Inventory inv = loaded.get();
        inv.warnings().forEach(spec.commandLine().getErr()::println);
        for (var h : inv.hosts()) {
            out.println(h.name() + ": " + Resources.of(h).size() + " resources"
                    + (h.expectations().isEmpty() ? "" : ", " + h.expectations().size() + " expectations"));
        }
        out.println(inv.name() + ": " + inv.hosts().size() + " hosts, no problems found");
        return Main.OK;
    }
}
