package com.uirig.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.uirig.apply.Journal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "log", mixinStandardHelpOptions = true, description = "Shows recent apply runs from the journal.")
final class LogCommand implements Callable<Integer> {
    int runs;

    @Option(names = {"-n", "--runs"}, paramLabel = "N", defaultValue = "10", description = "How many runs (default: ${DEFAULT-VALUE}).")
    void runs(int n) {
        runs = Options.positive(spec, "-n", n, "runs");
    }

    @Option(names = "--journal", paramLabel = "FILE", description = "Journal file (default: $UIRIG_JOURNAL or ~/.local/state/uirig/journal.jsonl).")
    Path journal;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json (one record per line).")
    Format output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<JsonNode> records = Journal.recent(Journal.path(journal), runs, spec.commandLine().getErr()::println);
        var out = spec.commandLine().getOut();
        for (JsonNode r : records) {
            if (output == Format.json) {
                out.println(r.toString());
                continue;
            }
            StringBuilder line = new StringBuilder().append(r.path("time").asText()).append(' ')
                    .append(r.path("operator").asText()).append(' ').append(r.path("inventory").asText()).append(' ')
                    .append(r.path("status").asText()).append(" (").append(r.path("seconds").asText()).append(" s)");
            for (JsonNode h : r.path("hosts")) {
                long changed = 0;
                long failed = 0;
                for (JsonNode c : h.path("changes")) {
                    if (c.path("result").asText().equals("ok")) {
                        changed++;
                    } else {
                        failed++;
                    }
                }
                line.append("; ").append(h.path("host").asText()).append(": ").append(changed).append(" changed, ")
                        .append(failed).append(" failed, ").append(h.path("verified").asBoolean() ? "verified" : "NOT verified");
                List<String> unmet = new java.util.ArrayList<>();
                h.path("expectations_failed").forEach(e -> unmet.add(e.path("resource").asText()));
                if (!unmet.isEmpty()) {
                    line.append(" (expectations failed: ").append(String.join(", ", unmet)).append(')');
                }
            }
            for (JsonNode e : r.path("errors")) {
                line.append("; ").append(e.asText());
            }
            out.println(line);
        }
        if (records.isEmpty()) {
            out.println("no runs recorded in " + Journal.path(journal));
        }
        return Main.OK;
    }
}
