package com.uirig.cli;

import com.uirig.config.InvalidInputException;
import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.model.DesiredHost;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Parameters;

/** The INVENTORY argument every command takes, and loading it with every problem reported. */
final class InventoryArgument {
    @Parameters(index = "0", paramLabel = "INVENTORY",
            description = "Inventory directory holding hosts.yml (for example inventory/prod), or a hosts file.")
    Path path;

    /** Loads the inventory, or prints every problem to {@code err} and returns empty. */
    Optional<Inventory> load(PrintWriter err) {
        if (!Files.exists(path)) {
            err.println("uirig: inventory " + path + " does not exist");
            return Optional.empty();
        }
        try {
            return Optional.of(InventoryLoader.load(path));
        } catch (InvalidInputException e) {
            e.problems().forEach(err::println);
            err.println(e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems")
                    + " found; nothing was changed on any host.");
            return Optional.empty();
        }
    }

    /** The loaded inventory and the hosts a command works on. */
    record Selection(Inventory inventory, List<DesiredHost> hosts) {}

    /** Loads the inventory and selects the named hosts (all when none); empty after printing why not. */
    Optional<Selection> select(PrintWriter err, List<String> names) {
        return load(err).flatMap(inv -> select(inv, names, err).map(hosts -> new Selection(inv, hosts)));
    }

    /** The hosts named by {@code --host}, or all; empty after an error message when one is unknown. */
    static Optional<List<DesiredHost>> select(Inventory inventory, List<String> names, PrintWriter err) {
        if (names == null || names.isEmpty()) {
            return Optional.of(inventory.hosts());
        }
        for (String n : names) {
            if (inventory.host(n).isEmpty()) {
                err.println("uirig: host '" + n + "' is not in the inventory (hosts: "
                        + String.join(", ", inventory.hosts().stream().map(DesiredHost::name).toList()) + ")");
                return Optional.empty();
            }
        }
        return Optional.of(inventory.hosts().stream().filter(h -> names.contains(h.name())).toList());
    }
}
