package com.uirig.cli;

import com.uirig.facts.FactsGatherer;
import com.uirig.facts.FactsJson;
import com.uirig.facts.FactsReader;
import com.uirig.facts.FactsStore;
import com.uirig.facts.HostFacts;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.Cidr;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "facts", mixinStandardHelpOptions = true,
        description = {"Reads each host's state over SSH in one round trip and prints it.",
                "",
                "--save DIR keeps each probe's raw output as DIR/HOST/PROBE.txt; --from DIR/HOST parses such a",
                "directory again without SSH (probes missing from it are reported as unknown)."})
final class FactsCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "INVENTORY", description = "Inventory directory or hosts file.")
    Path inventoryPath;

    @Option(names = "--host", split = ",", paramLabel = "HOST", description = "Only these hosts.")
    List<String> hosts;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
    Format output;

    @Option(names = "--save", paramLabel = "DIR", description = "Write each probe's raw output under DIR/HOST/.")
    Path save;

    @Option(names = "--from", paramLabel = "DIR", description = "Parse raw outputs saved in DIR (one host's directory) instead of connecting.")
    Path from;

    @Option(names = "--show-probe", description = "Print the shell script uirig would run on each host (fed to '/bin/sh -s'), without connecting.")
    boolean showProbe;

    @Mixin
    Observation observation;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<HostFacts> facts = new ArrayList<>();
        boolean failed = false;
        if (from != null) {
            String host = from.toAbsolutePath().normalize().getFileName().toString();
            try {
                var sections = FactsStore.load(from);
                // Without an inventory, a saved section of a registered kind is known by its name.
                List<com.uirig.facts.Fact<?>> kindFacts = sections.keySet().stream().map(com.uirig.plan.Kinds::factOf)
                        .flatMap(java.util.Optional::stream).toList();
                facts.add(FactsReader.read(host, sections, FactsReader.BASE, kindFacts));
            } catch (IOException e) {
                err.println("uirig: " + e.getMessage());
                return Main.ERROR;
            }
        } else {
            if (inventoryPath == null) {
                err.println("uirig: give an INVENTORY, or --from DIR to parse saved facts");
                return Main.ERROR;
            }
            InventoryArgument arg = new InventoryArgument();
            arg.path = inventoryPath;
            var selection = arg.select(err, hosts);
            if (selection.isEmpty()) {
                return Main.ERROR;
            }
            if (showProbe) {
                selection.get().hosts().forEach(h -> out.print(com.uirig.plan.ProbeSections.of(h, true).script()));
                return Main.OK;
            }
            for (FactsGatherer.Outcome o : observation.read(selection.get().inventory(), selection.get().hosts(), null)) {
                if (!o.ok()) {
                    err.println("uirig: " + o.error());
                    failed = true;
                    continue;
                }
                facts.add(o.facts());
                if (save != null) {
                    FactsStore.save(o.facts().sections(), save.resolve(o.host()));
                }
            }
        }
        out.print(output == Format.json ? FactsJson.render(facts) : text(facts));
        // Printed and saved all the same (the raw output is what shows what the host said), but said.
        for (HostFacts f : facts) {
            var why = f.implausible();
            if (why.isPresent()) {
                err.println("uirig: " + f.host() + ": these facts cannot be a FreeBSD host's: " + why.get());
                failed = true;
            }
        }
        return failed ? Main.ERROR : Main.OK;
    }

    private static String text(List<HostFacts> facts) {
        StringBuilder s = new StringBuilder();
        for (HostFacts f : facts) {
            ObservedHost o = f.observed();
            s.append(f.host()).append('\n');
            s.append("  interfaces:\n");
            o.get(HostState.INTERFACES).values().forEach(i -> s.append("    ").append(describe(i)).append('\n'));
            o.get(HostState.JAILS).forEach((name, j) -> {
                s.append("  jail ").append(name).append(" (jid ").append(j.jid()).append(", ").append(j.path()).append(")\n");
                o.get(HostState.JAIL_INTERFACES).getOrDefault(name, java.util.Map.of()).values()
                        .forEach(i -> s.append("    ").append(describe(i)).append('\n'));
            });
            ObservedHost.PfState pf = o.get(HostState.PF);
            s.append("  pf: ").append(pf.enabled() ? "enabled" : "disabled")
                    .append(pf.rulesLoaded() ? ", rules loaded" : ", no rules").append('\n');
            o.get(HostState.DEFAULT_ROUTE).ifPresent(r -> s.append("  default route: ").append(r).append('\n'));
            java.util.Set<String> running = o.get(HostState.RUNNING_SERVICES);
            if (!running.isEmpty()) {
                s.append("  running: ").append(String.join(", ", new java.util.TreeSet<>(running))).append('\n');
            }
            if (!f.unknown().isEmpty()) {
                s.append("  unknown: ").append(String.join(", ", f.unknown())).append('\n');
            }
        }
        return s.toString();
    }

    private static String describe(ObservedHost.Iface i) {
        StringBuilder s = new StringBuilder(i.name());
        if (!i.groups().isEmpty()) {
            s.append(" [").append(String.join(",", i.groups())).append(']');
        }
        s.append(i.up() ? " up" : " down");
        i.inet().stream().map(Cidr::toString).forEach(c -> s.append(' ').append(c));
        if (!i.members().isEmpty()) {
            s.append(" members: ").append(String.join(" ", i.members()));
        }
        return s.toString();
    }
}
