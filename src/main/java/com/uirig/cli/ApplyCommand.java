package com.uirig.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.uirig.apply.Applier;
import com.uirig.apply.HostLock;
import com.uirig.apply.Interruption;
import com.uirig.facts.PendingRollback;
import com.uirig.apply.Journal;
import com.uirig.expect.ExpectationResult;
import com.uirig.expect.Reachability;
import com.uirig.facts.FactsGatherer;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.render.CheckReport;
import com.uirig.render.PlanText;
import com.uirig.ssh.SshConnector;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        List<DesiredHost> all = selection.get().inventory().hosts();
        List<String> targets = selection.get().hosts().stream().map(DesiredHost::name).toList();
        Duration timeout = Duration.ofSeconds(observation.timeoutSeconds);
        Instant start = Instant.now();
        Map<String, Transport> connections = new ConcurrentHashMap<>();
        Map<String, AutoCloseable> locks = new ConcurrentHashMap<>();
        Map<String, String> errors = new ConcurrentHashMap<>();
        Map<String, ObservedHost> observed = new ConcurrentHashMap<>();
        Map<String, List<PendingRollback>> rollbacks = new ConcurrentHashMap<>();
        List<String> notChanged = java.util.Collections.synchronizedList(new ArrayList<>());
        try (StopSignals signals = StopSignals.install(err); SshConnector connector = new SshConnector(timeout)) {
            signals.endAtOnce(() -> journalAtOnce(selection.get().inventory().name(), start, List.of(), signals.interruption(),
                    rollbacks));
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(observation.forks, all.size())));
            try {
                List<Future<?>> reads = new ArrayList<>();
                for (DesiredHost h : all) {
                    Path inventoryDir = selection.get().inventory().file().toAbsolutePath().getParent();
                    reads.add(pool.submit(() -> open(connector, h, inventoryDir, targets.contains(h.name()), timeout, connections,
                            locks, errors, observed, rollbacks, notChanged)));
                }
                for (Future<?> f : reads) {
                    f.get();
                }
            } catch (Exception e) {
                throw new IOException(Main.userMessage(e), e);
            } finally {
                pool.shutdownNow();
            }
            try {
                Path inventoryDir = selection.get().inventory().file().toAbsolutePath().getParent();
                Duration confirmConnect = Duration.ofSeconds(Math.max(2, Math.min(timeout.toSeconds(), confirmTimeout / 3)));
                try (SshConnector confirmer = new SshConnector(confirmConnect)) {
                    java.util.function.Function<String, Transport> reconnect = name -> {
                        DesiredHost h = all.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
                        try {
                            return confirmer.connect(name, h.ssh(), inventoryDir);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    };
                    return run(out, err, confirmation.get(), selection.get().inventory().name(), all, targets, connections, errors, observed, timeout,
                            start, reconnect, signals, rollbacks, notChanged);
                }
            } finally {
                locks.values().forEach(ApplyCommand::closeQuietly);
                connections.values().forEach(Transport::close);
            }
        }
    }

    /**
     * Connects to a host, takes its lock when it is to be changed, and reads its facts. Rollbacks
     * that runs before left on a host to be changed are taken over first (see {@link PendingRollback}),
     * and the host is read again: this run holds the lock and reached the host, which is what
     * they wait for, so none fires after this run has begun.
     */
    private static void open(SshConnector connector, DesiredHost h, Path inventoryDir, boolean target, Duration timeout,
                             Map<String, Transport> connections, Map<String, AutoCloseable> locks, Map<String, String> errors,
                             Map<String, ObservedHost> observed, Map<String, List<PendingRollback>> rollbacks,
                             List<String> notChanged) {
        try {
            Transport t = connector.connect(h.name(), h.ssh(), inventoryDir);
            connections.put(h.name(), t);
            if (target) {
                locks.put(h.name(), HostLock.acquire(h.name(), t, timeout));
            }
            FactsGatherer.Outcome o = FactsGatherer.read(t, h.name(), ProbeSections.of(h, !target), timeout);
            if (target && o.ok() && !o.facts().pendingRollbacks().isEmpty()) {
                rollbacks.put(h.name(), com.uirig.apply.RollbackTakeOver.takeOver(h.name(), t, timeout));
                o = FactsGatherer.read(t, h.name(), ProbeSections.of(h, false), timeout);
            } else if (o.ok() && !o.facts().busy()) {
                // Not changed by this run (--limit): its rollbacks stay, and are said to.
                o.facts().pendingRollbacks().forEach(r -> notChanged.add("uirig: " + h.name() + ": rollback " + r.dir() + ": "
                        + r.describe() + "; not taken over: this run does not change " + h.name()));
            }
            String problem = Observation.problem(o);
            if (problem == null) {
                observed.put(h.name(), o.facts().observed());
            } else {
                errors.put(h.name(), problem);
            }
        } catch (IOException e) {
            errors.put(h.name(), e.getMessage());
        }
    }

    private int run(PrintWriter out, PrintWriter err, Confirmation confirmation, String inventoryName, List<DesiredHost> all,
                    List<String> targets,
                    Map<String, Transport> connections, Map<String, String> errors, Map<String, ObservedHost> observed,
                    Duration timeout, Instant start, java.util.function.Function<String, Transport> reconnect, StopSignals signals,
                    Map<String, List<PendingRollback>> rollbacks, List<String> notChanged) throws IOException {
        rollbacks.forEach((host, found) -> found.forEach(r -> out.println(host + ": " + r.takenOver())));
        notChanged.forEach(err::println);
        List<String> failedTargets = targets.stream().filter(errors::containsKey).toList();
        failedTargets.forEach(h -> err.println("uirig: " + errors.get(h) + "; nothing is changed on it"));
        Map<String, ObservedHost> readable = new java.util.LinkedHashMap<>();
        all.forEach(h -> {
            if (observed.containsKey(h.name())) {
                readable.put(h.name(), observed.get(h.name()));
            }
        });
        Plan full = Planner.plan(all, readable, rotateKeys);
        Plan plan = new Plan(full.hosts().stream().filter(h -> targets.contains(h.host()) && !errors.containsKey(h.host())).toList());
        out.print(PlanText.render(plan));
        out.flush();
        List<Applier.HostResult> results = List.of();
        if (plan.hasChanges()) {
            long n = plan.hosts().stream().mapToLong(h -> h.changes().size()).sum();
            if (!confirmation.granted("Apply %d changes to %d host(s)?", n, plan.hosts().stream().filter(h -> !h.isEmpty()).count())) {
                out.println("Nothing was changed.");
                return Main.ERROR;
            }
            Plan toApply = new Plan(plan.hosts().stream().filter(h -> !h.isEmpty()).toList());
            Applier applier = new Applier(all, connections, timeout, line -> {
                synchronized (out) {
                    out.println(line);
                    out.flush();
                }
            }, reconnect, Duration.ofSeconds(confirmTimeout), signals.interruption());
            signals.endAtOnce(() -> journalAtOnce(inventoryName, start, applier.sofar(), signals.interruption(), rollbacks));
            signals.changing(true);
            try {
                results = applier.apply(toApply, readable, observation.forks);
            } finally {
                signals.changing(false);
            }
            // A signal while verifying ends the run at once, with what it changed journaled.
            List<Applier.HostResult> done = results;
            signals.endAtOnce(() -> journalAtOnce(inventoryName, start, done, signals.interruption(), rollbacks));
        }
        if (signals.interruption().requested()) {
            return interrupted(out, inventoryName, start, results, signals.interruption(), rollbacks);
        }
        // Verification goes on with each host's expectations, over the same (still locked) connections.
        List<DesiredHost> tested = all.stream().filter(d -> plan.hosts().stream().anyMatch(h -> h.host().equals(d.name()))).toList();
        Map<String, List<ExpectationResult>> expectations = Reachability.test(tested, connections::get, timeout, observation.forks);
        results = withExpectations(plan, results, expectations);
        List<String> errorLines = failedTargets.stream().map(errors::get).toList();
        var record = Journal.record(inventoryName, start, results, errorLines);
        addRollbacks(record, rollbacks);
        for (var node : record.path("hosts")) {
            if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode host) {
                List<ExpectationResult> tried = expectations.getOrDefault(host.path("host").asText(), List.of());
                var failed = host.putArray("expectations_failed");
                tried.stream().filter(e -> !e.passed()).forEach(e -> failed.add(CheckReport.expectationJson(e)));
                var passed = host.putArray("expectations_passed");
                tried.stream().filter(ExpectationResult::passed).forEach(e -> passed.add(e.resource()));
            }
        }
        Journal.append(Journal.path(journal), record);
        if (output == Format.json) {
            out.print(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(record) + "\n");
        } else {
            for (HostPlan h : plan.hosts()) {
                Applier.HostResult r = results.stream().filter(x -> x.host().equals(h.host())).findFirst().orElse(null);
                if (r == null) {
                    out.println(h.host() + ": nothing to change, in sync");
                    continue;
                }
                List<ExpectationResult> unmet = expectations.getOrDefault(h.host(), List.of()).stream().filter(e -> !e.passed()).toList();
                long failed = r.changes().stream().filter(c -> !c.ok()).count();
                out.println(h.host() + ": " + (h.isEmpty() && r.changes().isEmpty() ? "nothing to change, "
                        : r.changed() + " changed, " + failed + " failed, ")
                        + (r.verified() ? "verified" : "NOT verified")
                        + (r.notConverged().isEmpty() ? "" : " (not converged: " + String.join(", ", r.notConverged()) + ")")
                        + (unmet.isEmpty() ? "" : " (expectations failed: "
                                + String.join(", ", unmet.stream().map(ExpectationResult::resource).toList()) + ")")
                        + (r.error() == null ? "" : "; " + r.error()));
                unmet.forEach(e -> out.println("  " + e.resource() + ": " + e.describe()));
            }
        }
        boolean ok = failedTargets.isEmpty() && results.stream().allMatch(Applier.HostResult::ok);
        return ok ? Main.OK : Main.ERROR;
    }

    /**
     * A host with a failed expectation is not verified; a host that had nothing to change gets a
     * result of its own then, so the summary and the journal show it.
     */
    static List<Applier.HostResult> withExpectations(Plan plan, List<Applier.HostResult> results,
                                                     Map<String, List<ExpectationResult>> expectations) {
        List<Applier.HostResult> out = new ArrayList<>();
        for (HostPlan h : plan.hosts()) {
            boolean unmet = expectations.getOrDefault(h.host(), List.of()).stream().anyMatch(e -> !e.passed());
            Applier.HostResult r = results.stream().filter(x -> x.host().equals(h.host())).findFirst().orElse(null);
            if (r == null) {
                if (unmet) {
                    out.add(new Applier.HostResult(h.host(), List.of(), false, List.of(), null, 0));
                }
            } else {
                out.add(unmet ? new Applier.HostResult(r.host(), r.changes(), false, r.notConverged(), r.error(), r.millis()) : r);
            }
        }
        // Results of hosts outside the plan (none today) are kept as they are.
        results.stream().filter(r -> plan.hosts().stream().noneMatch(h -> h.host().equals(r.host()))).forEach(out::add);
        return out;
    }

    /** The run's end after SIGINT, SIGTERM or SIGHUP: what changed, journaled as interrupted; exit 130, 143 or 129. */
    private int interrupted(PrintWriter out, String inventoryName, Instant start, List<Applier.HostResult> results,
                            Interruption interruption, Map<String, List<PendingRollback>> rollbacks) throws IOException {
        var record = interruptedRecord(inventoryName, start, results, interruption, rollbacks);
        Journal.append(Journal.path(journal), record);
        if (output == Format.json) {
            out.print(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(record) + "\n");
        } else {
            for (Applier.HostResult r : results) {
                long notStarted = r.changes().stream().filter(c -> !c.ok() && c.error() != null && c.error().startsWith("not started")).count();
                out.println(r.host() + ": " + r.changed() + " changed, " + notStarted + " not started: interrupted by SIG"
                        + interruption.signal() + ", NOT verified");
            }
        }
        out.flush();
        return interruption.exitCode();
    }

    /** The journal record of a run ended at once (a second signal): what it had done until then. */
    private void journalAtOnce(String inventoryName, Instant start, List<Applier.HostResult> sofar, Interruption interruption,
                               Map<String, List<PendingRollback>> rollbacks) {
        try {
            Journal.append(Journal.path(journal), interruptedRecord(inventoryName, start, sofar, interruption, rollbacks)
                    .put("ended_at_once", true));
        } catch (IOException | RuntimeException e) {
            System.err.println("uirig: cannot journal the interrupted run: " + e.getMessage());
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode interruptedRecord(String inventoryName, Instant start,
            List<Applier.HostResult> results, Interruption interruption, Map<String, List<PendingRollback>> rollbacks) {
        var record = Journal.interrupted(Journal.record(inventoryName, start, results, List.of()), interruption.signal());
        addRollbacks(record, rollbacks);
        return record;
    }

    private static void addRollbacks(com.fasterxml.jackson.databind.node.ObjectNode record, Map<String, List<PendingRollback>> rollbacks) {
        var list = record.putArray("rollbacks_found");
        rollbacks.forEach((host, found) -> found.forEach(r -> list.add(CheckReport.rollbackJson(r).put("host", host))));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the lock goes with the connection anyway
        }
    }
}
