package com.uirig.session;

import com.uirig.apply.Applier;
import com.uirig.apply.ApplyOutcome;
import com.uirig.apply.ApplyView;
import com.uirig.apply.HostLock;
import com.uirig.apply.Interruption;
import com.uirig.apply.Journal;
import com.uirig.apply.RollbackTakeOver;
import com.uirig.expect.ExpectationResult;
import com.uirig.expect.Reachability;
import com.uirig.facts.FactsGatherer;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.PendingRollback;
import com.uirig.model.DesiredHost;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.render.CheckReport;
import com.uirig.ssh.SshConnector;
import com.uirig.ssh.Transport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One {@code uirig apply}: connect to every host, lock and read those to change (taking over the
 * rollbacks earlier runs left), plan, confirm, apply, verify, journal. What it has to say goes to
 * its {@link ApplyView}; the command line only wires options, the view and the signals to it.
 */
public final class ApplySession {
    /**
     * {@code confirmTimeout}: how long a guarded change's rollback waits for a new connection;
     * {@code journal}: the file the run is appended to.
     */
    public record Settings(Duration timeout, int forks, Duration confirmTimeout, boolean rotateKeys, Path journal) {}

    private final String inventoryName;
    private final Path inventoryDir;
    private final List<DesiredHost> all;
    private final List<String> targets;
    private final Settings settings;
    private final ApplyView view;
    private final Stops stops;
    private final Instant start = Instant.now();
    private final Map<String, Transport> connections = new ConcurrentHashMap<>();
    private final Map<String, AutoCloseable> locks = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>();
    private final Map<String, ObservedHost> observed = new ConcurrentHashMap<>();
    private final Map<String, List<PendingRollback>> rollbacks = new ConcurrentHashMap<>();
    private final List<Runnable> notes = Collections.synchronizedList(new ArrayList<>());

    /** {@code all}: the inventory's hosts (every one is read); {@code targets}: the names of those to change. */
    public ApplySession(String inventoryName, Path inventoryDir, List<DesiredHost> all, List<String> targets, Settings settings,
                        ApplyView view, Stops stops) {
        this.inventoryName = inventoryName;
        this.inventoryDir = inventoryDir;
        this.all = all;
        this.targets = targets;
        this.settings = settings;
        this.view = view;
        this.stops = stops;
    }

    /** Runs the session; empty when the plan was not confirmed (nothing was changed). */
    public Optional<ApplyOutcome> run() throws IOException {
        stops.endAtOnce(() -> journalAtOnce(List.of()));
        try (SshConnector connector = new SshConnector(settings.timeout())) {
            openAll(connector);
            Duration confirmConnect = Duration.ofSeconds(Math.max(2, Math.min(settings.timeout().toSeconds(),
                    settings.confirmTimeout().toSeconds() / 3)));
            try (SshConnector confirmer = new SshConnector(confirmConnect)) {
                return converge(name -> {
                    DesiredHost h = all.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
                    try {
                        return confirmer.connect(name, h.ssh(), inventoryDir);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } finally {
            closeAll();
        }
    }

    /** Releases every lock and closes every connection, all hosts at once: each close waits for its host. */
    private void closeAll() {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(settings.forks(), connections.size())));
        try {
            List<Future<?>> closing = new ArrayList<>();
            connections.forEach((host, t) -> closing.add(pool.submit(() -> {
                closeQuietly(locks.remove(host));
                t.close();
            })));
            for (Future<?> f : closing) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    // the connection goes with the process anyway
                }
            }
        } finally {
            locks.values().forEach(ApplySession::closeQuietly);
            pool.shutdownNow();
        }
    }

    private void openAll(SshConnector connector) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(settings.forks(), all.size())));
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (DesiredHost h : all) {
                reads.add(pool.submit(() -> open(connector, h, targets.contains(h.name()))));
            }
            for (Future<?> f : reads) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the hosts", e);
        } catch (java.util.concurrent.ExecutionException e) {
            // open() reports every failure of a host in errors: anything else is a bug, for Main to report as one.
            if (e.getCause() instanceof RuntimeException bug) {
                throw bug;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Connects to a host, takes its lock when it is to be changed, and reads its facts. Rollbacks
     * that runs before left on a host to be changed are taken over first (see {@link PendingRollback}),
     * and the host is read again: this run holds the lock and reached the host, which is what
     * they wait for, so none fires after this run has begun.
     */
    private void open(SshConnector connector, DesiredHost h, boolean target) {
        Duration timeout = settings.timeout();
        try {
            Transport t = connector.connect(h.name(), h.ssh(), inventoryDir);
            connections.put(h.name(), t);
            FactsGatherer.Outcome o;
            if (target) {
                // Locked and read in one command: the probe runs while the lock is held.
                com.uirig.facts.Probe probe = ProbeSections.of(h, false);
                HostLock.Held held = HostLock.acquireAndRun(h.name(), t, probe.script(), timeout);
                locks.put(h.name(), held.lock());
                o = FactsGatherer.parse(h.name(), probe, new com.uirig.ssh.CommandResult(0, held.output(), ""));
            } else {
                o = FactsGatherer.read(t, h.name(), ProbeSections.of(h, true), timeout);
            }
            if (target && o.ok() && !o.facts().pendingRollbacks().isEmpty()) {
                rollbacks.put(h.name(), RollbackTakeOver.takeOver(h.name(), t, timeout));
                o = FactsGatherer.read(t, h.name(), ProbeSections.of(h, false), timeout);
            } else if (o.ok() && !o.facts().busy()) {
                // Not changed by this run (--limit): its rollbacks stay, and are said to.
                o.facts().pendingRollbacks().forEach(r -> notes.add(() -> view.leftAlone(h.name(), r)));
            }
            String problem = o.problem();
            if (problem == null) {
                observed.put(h.name(), o.facts().observed());
            } else {
                errors.put(h.name(), problem);
            }
        } catch (IOException e) {
            errors.put(h.name(), e.getMessage());
        }
    }

    private Optional<ApplyOutcome> converge(Function<String, Transport> reconnect) throws IOException {
        rollbacks.forEach((host, found) -> found.forEach(r -> view.takenOver(host, r)));
        notes.forEach(Runnable::run);
        List<String> failedTargets = targets.stream().filter(errors::containsKey).toList();
        failedTargets.forEach(h -> view.unusable(h, errors.get(h)));
        Map<String, ObservedHost> readable = new LinkedHashMap<>();
        all.forEach(h -> {
            if (observed.containsKey(h.name())) {
                readable.put(h.name(), observed.get(h.name()));
            }
        });
        Plan full = Planner.plan(all, readable, settings.rotateKeys());
        Plan plan = new Plan(full.hosts().stream().filter(h -> targets.contains(h.host()) && !errors.containsKey(h.host())).toList());
        view.plan(plan);
        List<Applier.HostResult> results = List.of();
        Interruption interruption = stops.interruption();
        if (plan.hasChanges()) {
            long n = plan.hosts().stream().mapToLong(h -> h.changes().size()).sum();
            if (!view.confirm(n, plan.hosts().stream().filter(h -> !h.isEmpty()).count())) {
                view.declined();
                return Optional.empty();
            }
            Plan toApply = new Plan(plan.hosts().stream().filter(h -> !h.isEmpty()).toList());
            Applier applier = new Applier(all, connections, settings.timeout(), view::progress, reconnect,
                    settings.confirmTimeout(), interruption);
            stops.endAtOnce(() -> journalAtOnce(applier.sofar()));
            stops.changing(true);
            try {
                results = applier.apply(toApply, readable, settings.forks());
            } finally {
                stops.changing(false);
            }
            // A signal while verifying ends the run at once, with what it changed journaled.
            List<Applier.HostResult> done = results;
            stops.endAtOnce(() -> journalAtOnce(done));
        }
        if (interruption.requested()) {
            ObjectNode record = interruptedRecord(results);
            Journal.append(settings.journal(), record);
            ApplyOutcome outcome = new ApplyOutcome(plan, results, Map.of(), record, Optional.of(interruption), false);
            view.finished(outcome);
            return Optional.of(outcome);
        }
        // Verification goes on with each host's expectations, over the same (still locked) connections.
        List<DesiredHost> tested = all.stream().filter(d -> plan.hosts().stream().anyMatch(h -> h.host().equals(d.name()))).toList();
        Map<String, List<ExpectationResult>> expectations = Reachability.test(tested, connections::get, settings.timeout(),
                settings.forks());
        results = withExpectations(plan, results, expectations);
        ObjectNode record = Journal.record(inventoryName, start, results, failedTargets.stream().map(errors::get).toList());
        addRollbacks(record);
        for (var node : record.path("hosts")) {
            if (node instanceof ObjectNode host) {
                List<ExpectationResult> tried = expectations.getOrDefault(host.path("host").asText(), List.of());
                var failed = host.putArray("expectations_failed");
                tried.stream().filter(e -> !e.passed()).forEach(e -> failed.add(CheckReport.expectationJson(e)));
                var passed = host.putArray("expectations_passed");
                tried.stream().filter(ExpectationResult::passed).forEach(e -> passed.add(e.resource()));
            }
        }
        Journal.append(settings.journal(), record);
        boolean ok = failedTargets.isEmpty() && results.stream().allMatch(Applier.HostResult::ok);
        ApplyOutcome outcome = new ApplyOutcome(plan, results, expectations, record, Optional.empty(), ok);
        view.finished(outcome);
        return Optional.of(outcome);
    }

    /**
     * A host with a failed expectation is not verified; a host that had nothing to change gets a
     * result of its own then, so the summary and the journal show it.
     */
    public static List<Applier.HostResult> withExpectations(Plan plan, List<Applier.HostResult> results,
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

    /** The journal record of a run ended at once (a second signal): what it had done until then. */
    private void journalAtOnce(List<Applier.HostResult> sofar) {
        try {
            Journal.append(settings.journal(), interruptedRecord(sofar).put("ended_at_once", true));
        } catch (IOException | RuntimeException e) {
            System.err.println("uirig: cannot journal the interrupted run: " + e.getMessage());
        }
    }

    private ObjectNode interruptedRecord(List<Applier.HostResult> results) {
        ObjectNode record = Journal.interrupted(Journal.record(inventoryName, start, results, List.of()),
                stops.interruption().signal());
        addRollbacks(record);
        return record;
    }

    private void addRollbacks(ObjectNode record) {
        var list = record.putArray("rollbacks_found");
        rollbacks.forEach((host, found) -> found.forEach(r -> list.add(CheckReport.rollbackJson(r).put("host", host))));
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // the lock goes with the connection anyway
        }
    }
}
