package com.uirig.cli;

import com.uirig.apply.Journal;
import com.uirig.model.DesiredHost;
import com.uirig.render.ApplyText;
import com.uirig.session.ApplySession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Converges the hosts to the playbooks and verifies them.",
                "Reads them, shows the plan, asks for confirmation, runs each host's changes in order (hosts in",
                "parallel) under a lock on the host, then reads them again and tests their reachability",
                "expectations to verify.",
                "SIGINT, SIGTERM or SIGHUP: no new change starts, the running one finishes; a second one ends at once.",
                "Exit 0 converged and verified (or nothing to do), 1 otherwise, 130/143/129 after SIGINT/SIGTERM/SIGHUP."})
final class ApplyCommand implements Callable<Integer> {

    @Mixin
    InventoryArgument inventory;

    @Option(names = "--limit", split = ",", paramLabel = "HOST", description = "Only change these hosts (the others are only read).")
    List<String> limit;

    @Option(names = "--yes", description = "Do not ask for confirmation (needed without a terminal).")
    boolean yes;

    @Option(names = "--confirm-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "After a change that could cut uirig off (pf, a NIC, the default route), the host undoes it by"
                    + " itself unless uirig reaches it over a new SSH connection within this time (default: ${DEFAULT-VALUE}).")
    int confirmTimeout;

    @Option(names = "--rotate-keys", description = "Replace every shared spiped key on all its ends (and restart the pipes).")
    boolean rotateKeys;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json for the final report.")
    Format output;

    @Option(names = "--journal", paramLabel = "FILE", description = "Journal to append the run to (default: $UIRIG_JOURNAL or ~/.local/state/uirig/journal.jsonl).")
    Path journal;

    @Mixin
    Observation observation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var selection = inventory.select(err, limit);
        if (selection.isEmpty()) {
            return Main.ERROR;
        }
        var confirmation = Confirmation.open(yes, err,
                "uirig: refusing to change hosts without a terminal to confirm on; review 'uirig plan' and run with --yes");
        if (confirmation.isEmpty()) {
            return Main.ERROR;
        }
        var inv = selection.get().inventory();
        List<String> targets = selection.get().hosts().stream().map(DesiredHost::name).toList();
        var settings = new ApplySession.Settings(Duration.ofSeconds(observation.timeoutSeconds), observation.forks,
                Duration.ofSeconds(confirmTimeout), rotateKeys, Journal.path(journal));
        ApplyText view = output == Format.json ? new ApplyText.Json(out, err, confirmation.get()::granted)
                : new ApplyText(out, err, confirmation.get()::granted);
        try (StopSignals signals = StopSignals.install(err)) {
            var outcome = new ApplySession(inv.name(), inv.file().toAbsolutePath().getParent(), inv.hosts(), targets, settings,
                    view, signals).run();
            if (outcome.isEmpty()) {
                return Main.ERROR;
            }
            if (outcome.get().interrupted().isPresent()) {
                return outcome.get().interrupted().get().exitCode();
            }
            return outcome.get().ok() ? Main.OK : Main.ERROR;
        }
    }
}
