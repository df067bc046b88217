package com.uirig.apply;

import com.uirig.facts.FactsGatherer;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
import com.uirig.plan.Step;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a plan on its hosts (in parallel, each host's changes in order), then reads every host
 * again and plans once more: whatever still differs did not converge. A change that reads a
 * secret from another host waits until that host has made it.
 */
public final class Applier {
    /** What happened to one change. */
    public record ChangeResult(String resource, String action, List<String> commands, boolean ok, String error, long millis) {}

    /** What happened on one host. */
    public record HostResult(String host, List<ChangeResult> changes, boolean verified, List<String> notConverged,
                             String error, long millis) {
        public boolean ok() {
            return error == null && verified;
        }

        public long changed() {
            return changes.stream().filter(ChangeResult::ok).count();
        }
    }

    private final List<DesiredHost> desired;
    private final Map<String, Transport> connections;
    private final Duration timeout;
    private final Consumer<Progress> progress;
    private final Map<String, CompletableFuture<Void>> secretsMade = new ConcurrentHashMap<>();
    private final Map<String, byte[]> secrets = new ConcurrentHashMap<>();
    private final java.util.function.Function<String, Transport> reconnect;
    private final Duration confirmTimeout;
    private final Interruption interruption;
    /** Each host's results as they come, for a journal written while the run is being ended. */
    private final Map<String, List<ChangeResult>> sofar = new ConcurrentHashMap<>();

    /**
     * {@code connections}: every reachable host of the inventory (the applied ones locked);
     * {@code reconnect} opens a NEW connection to a host, to confirm it is still reachable after a
     * guarded change (null: no rollback is armed).
     */
    public Applier(List<DesiredHost> desired, Map<String, Transport> connections, Duration timeout, Consumer<Progress> progress,
                   java.util.function.Function<String, Transport> reconnect, Duration confirmTimeout, Interruption interruption) {
        this.desired = desired;
        this.connections = connections;
        this.timeout = timeout;
        this.progress = progress;
        this.reconnect = reconnect;
        this.confirmTimeout = confirmTimeout;
        this.interruption = interruption;
    }

    /** The results so far, unverified: what a run ended at once has done. */
    public List<HostResult> sofar() {
        List<HostResult> out = new ArrayList<>();
        sofar.forEach((host, changes) -> {
            synchronized (changes) {
                out.add(new HostResult(host, List.copyOf(changes), false, List.of(), interrupted(), 0));
            }
        });
        return out;
    }

    private String interrupted() {
        return "interrupted by SIG" + interruption.signal() + " before verification";
    }

    public List<HostResult> apply(Plan plan, Map<String, ObservedHost> observed, int forks) {
        // A secret another host's change reads waits for the change here that writes it.
        for (HostPlan reader : plan.hosts()) {
            for (Change c : reader.changes()) {
                for (Step s : c.steps()) {
                    if (s.input() instanceof Step.SecretFrom f) {
                        plan.hosts().stream().filter(h -> h.host().equals(f.host())).flatMap(h -> h.changes().stream())
                                .filter(w -> w.writes(f.path()))
                                .forEach(w -> secretsMade.putIfAbsent(f.host() + "|" + f.path(), new CompletableFuture<>()));
                    }
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(forks, plan.hosts().size())));
        try {
            Map<String, Future<List<ChangeResult>>> running = new LinkedHashMap<>();
            Map<String, Long> started = new LinkedHashMap<>();
            for (HostPlan h : plan.hosts()) {
                started.put(h.host(), System.nanoTime());
                running.put(h.host(), pool.submit(() -> applyHost(h)));
            }
            Map<String, List<ChangeResult>> done = new LinkedHashMap<>();
            for (var e : running.entrySet()) {
                try {
                    done.put(e.getKey(), e.getValue().get());
                } catch (Exception ex) {
                    done.put(e.getKey(), List.of(new ChangeResult("?", "?", List.of(), false, String.valueOf(ex), 0)));
                }
            }
            if (interruption.requested()) {
                // Verifying takes another read and the expectations: an interrupted run ends now.
                return plan.hosts().stream().map(h -> new HostResult(h.host(), done.get(h.host()), false, List.of(),
                        interrupted(), (System.nanoTime() - started.get(h.host())) / 1_000_000)).toList();
            }
            return verify(plan, observed, done, started);
        } finally {
            pool.shutdownNow();
            secrets.values().forEach(b -> java.util.Arrays.fill(b, (byte) 0));
            secrets.clear();
        }
    }

    private List<ChangeResult> applyHost(HostPlan h) {
        List<ChangeResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        sofar.put(h.host(), results);
        StepRunner runner = new StepRunner(connections::get, timeout, secrets, reconnect == null ? null : this::resume, progress);
        HostRun run = new HostRun(h, results);
        List<Change> changes = h.changes();
        for (int i = 0; i < changes.size(); ) {
            // Consecutive changes that need no confirmation and no command of their own go as one script.
            int end = i;
            while (end < changes.size() && changes.get(end).guarded().isEmpty() && StepRunner.fitsTogether(changes.get(end))) {
                end++;
            }
            if (end - i < 2) {
                end = i + 1;
            }
            if (run.failed || interruption.requested()) {
                for (int k = i; k < end; k++) {
                    run.notRun(k);
                }
            } else if (end - i == 1) {
                run.alone(i, runner);
            } else {
                run.together(i, end, runner);
            }
            i = end;
        }
        // Hosts waiting for a secret this host never made must not wait forever.
        h.changes().forEach(c -> complete(h.host(), c, new IOException(h.host() + " did not make " + c.resource())));
        return results;
    }

    /** One host's changes as they run: their results and progress, in order. */
    private final class HostRun {
        private final HostPlan h;
        private final List<ChangeResult> results;
        private boolean failed;

        HostRun(HostPlan h, List<ChangeResult> results) {
            this.h = h;
            this.results = results;
        }

        private List<String> commands(Change c) {
            return c.steps().stream().map(Step::shellLine).toList();
        }

        void notRun(int i) {
            Change c = h.changes().get(i);
            results.add(new ChangeResult(c.resource().toString(), c.action().word(), commands(c), false, failed
                    ? "skipped after a failure" : "not started: the run was interrupted by SIG" + interruption.signal(), 0));
        }

        void done(int i, long ms) {
            Change c = h.changes().get(i);
            results.add(new ChangeResult(c.resource().toString(), c.action().word(), commands(c), true, null, ms));
            progress.accept(new Progress.ChangeDone(h.host(), i + 1, h.changes().size(), c.resource(), c.action()));
            complete(h.host(), c, null);
        }

        void failed(int i, Exception e, long ms) {
            Change c = h.changes().get(i);
            results.add(new ChangeResult(c.resource().toString(), c.action().word(), commands(c), false, e.getMessage(), ms));
            progress.accept(new Progress.ChangeFailed(h.host(), i + 1, h.changes().size(), c.resource(), e.getMessage()));
            complete(h.host(), c, e);
            failed = true;
        }

        void alone(int i, StepRunner runner) {
            long t0 = System.nanoTime();
            try {
                awaitSecrets(h.changes().get(i));
                runGuarded(h.host(), h.changes().get(i), runner);
                done(i, (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                failed(i, e, (System.nanoTime() - t0) / 1_000_000);
            }
        }

        /**
         * Runs changes {@code from} to {@code to} (exclusive) as one script: each is reported as it
         * ends, with the time since the one before it ended. Once the script started they all run
         * (an interruption waits for it), up to the first that fails.
         */
        void together(int from, int to, StepRunner runner) {
            long[] since = {System.nanoTime()};
            try {
                runner.runTogether(h.host(), h.changes().subList(from, to), k -> {
                    long now = System.nanoTime();
                    done(from + k, (now - since[0]) / 1_000_000);
                    since[0] = now;
                });
            } catch (StepRunner.TogetherFailed | RuntimeException e) {
                // A RuntimeException fails the change that was running (each before it has its result), as alone.
                boolean known = e instanceof StepRunner.TogetherFailed;
                int at = known ? from + ((StepRunner.TogetherFailed) e).change() : results.size();
                failed(at, known ? (Exception) e.getCause() : e, (System.nanoTime() - since[0]) / 1_000_000);
                for (int k = at + 1; k < to; k++) {
                    notRun(k);
                }
            }
        }
    }

    /** No new connection reached a host after a step cut its open ones. */
    private static final class CutOff extends IOException {
        CutOff(String message) {
            super(message);
        }
    }

    /**
     * A new connection to a host whose open connections a step cut (enabling pf): connects, once
     * the step has had time to run, until a connection gets through and {@code ranCheck} succeeds
     * on it (a connection made before the step ran is cut too: its command times out), then moves
     * this run's lock on the host to it. Gives up when the rollback armed before the change fires.
     */
    private Transport resume(String host, String ranCheck) throws IOException {
        connections.get(host).abandon();
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        pause(StepRunner.DETACH_DELAY_SECONDS * 1000L + 300);
        Duration quick = Duration.ofSeconds(Math.max(2, Math.min(5, timeout.toSeconds())));
        while (System.nanoTime() < deadline) {
            Transport fresh = null;
            try {
                fresh = reconnect.apply(host);
                if (fresh.run(ranCheck, quick).ok()) {
                    connections.put(host, fresh);
                    // Once only: after a failed take-over the holder may be another run's.
                    HostLock.takeOver(host, fresh, timeout);
                    return fresh;
                }
            } catch (IOException | RuntimeException e) {
                if (fresh != null && connections.get(host) == fresh) {
                    throw e instanceof IOException io ? io : new IOException(host + ": " + e.getMessage(), e);
                }
                // not through yet
            }
            if (fresh != null) {
                fresh.abandon();
            }
            pause(300);
        }
        throw new CutOff(host + ": no new SSH connection got through after the change cut the open ones");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs a change; a firewall change runs under a rollback armed on the host, disarmed only
     * once a new SSH connection proves the host is still reachable.
     */
    private void runGuarded(String host, Change c, StepRunner runner) throws IOException {
        if (reconnect == null || c.guarded().isEmpty()) {
            runner.run(host, c);
            return;
        }
        long armedAt = System.nanoTime();
        Transport before = connections.get(host);
        Rollback.Armed armed = Rollback.arm(host, before, c, confirmTimeout, timeout);
        boolean cutOff = false;
        IOException failed = null;
        try {
            runner.run(host, c);
        } catch (CutOff e) {
            cutOff = true;
        } catch (IOException e) {
            // A step that failed may have changed something already (pfctl replaces a table and
            // then fails): the rollback is disarmed only once a new connection gets through.
            failed = e;
        }
        boolean late = false;
        if (!cutOff) {
            // Disarming over a new connection proves that one gets through: one round trip. When the
            // change's last step cut the open connections, the one the runner carried on over ran a
            // command after the step had ended, which a connection the step cut could not: it proves
            // it (and a new one is tried when it cannot).
            Rollback.Disarmed d = Rollback.Disarmed.NOT_RUN;
            Step last = c.steps().get(c.steps().size() - 1);
            Transport now = connections.get(host);
            if (failed == null && now != before && last.effect() == Step.Effect.CUTS_SESSIONS) {
                try {
                    d = Rollback.disarm(now, armed, timeout);
                } catch (RuntimeException | IOException e) {
                    // a new connection may still get through
                }
            }
            if (d == Rollback.Disarmed.NOT_RUN) {
                try (Transport fresh = reconnect.apply(host)) {
                    d = Rollback.disarm(fresh, armed, timeout);
                } catch (RuntimeException | IOException e) {
                    // unreachable: the rollback fires on the host
                }
            }
            if (d == Rollback.Disarmed.DISARMED) {
                if (failed != null) {
                    throw failed;
                }
                return;
            }
            late = d == Rollback.Disarmed.FIRED;
        }
        long waitMs = confirmTimeout.toMillis() + 10_000 - (System.nanoTime() - armedAt) / 1_000_000;
        try {
            Thread.sleep(Math.max(0, waitMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean back;
        try (Transport fresh = reconnect.apply(host)) {
            back = fresh.run("true", timeout).ok();
            // Reported here, so no rollback is left for check to report; when the host is still
            // cut off, the next apply that reaches it reports and removes it.
            String d = Step.quote(armed.dir());
            fresh.run("if [ -e " + d + "/fired ]; then rm -rf " + d + "; fi", timeout);
        } catch (RuntimeException | IOException e) {
            back = false;
        }
        throw new IOException("ROLLED BACK: " + (late ? "the confirmation over a new SSH connection came after the timer"
                : "after this change no new SSH connection reached the host") + "; it restored"
                + " its previous pf configuration by itself after " + confirmTimeout.toSeconds() + " s"
                + (back ? " and is reachable again" : ", but it is STILL UNREACHABLE")
                + (failed == null ? "" : " (the change had failed: " + failed.getMessage() + ")"));
    }

    private void awaitSecrets(Change c) throws IOException {
        for (Step s : c.steps()) {
            if (s.input() instanceof Step.SecretFrom f) {
                CompletableFuture<Void> made = secretsMade.get(f.host() + "|" + f.path());
                if (made == null) {
                    continue;
                }
                try {
                    made.get(timeout.toMillis() * 4, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    throw new IOException("the secret from " + f.host() + " is not there: "
                            + (e.getCause() == null ? e : e.getCause()).getMessage());
                }
            }
        }
    }

    /** Ends the waits for the secrets {@code c} writes on {@code host}: made, or failed with {@code error}. */
    private void complete(String host, Change c, Exception error) {
        secretsMade.forEach((key, f) -> {
            if (key.startsWith(host + "|") && c.writes(key.substring(host.length() + 1))) {
                if (error == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(error);
                }
            }
        });
    }

    /** Reads the applied hosts again and plans: any change left is a resource that did not converge. */
    private List<HostResult> verify(Plan plan, Map<String, ObservedHost> observed, Map<String, List<ChangeResult>> done,
                                    Map<String, Long> started) {
        Map<String, ObservedHost> after = new LinkedHashMap<>(observed);
        Map<String, String> errors = new LinkedHashMap<>();
        for (HostPlan h : plan.hosts()) {
            DesiredHost d = desired.stream().filter(x -> x.name().equals(h.host())).findFirst().orElseThrow();
            FactsGatherer.Outcome o = FactsGatherer.read(connections.get(h.host()), d.name(), com.uirig.plan.ProbeSections.of(d, false), timeout);
            if (o.ok() && o.facts().complete()) {
                after.put(h.host(), o.facts().observed());
            } else {
                errors.put(h.host(), o.ok() ? "facts incomplete after apply: " + o.facts().unknown() : o.error());
            }
        }
        Plan again = Planner.plan(desired, after);
        List<HostResult> out = new ArrayList<>();
        for (HostPlan h : plan.hosts()) {
            List<ChangeResult> results = done.get(h.host());
            List<String> left = again.hosts().stream().filter(x -> x.host().equals(h.host())).findFirst()
                    .map(x -> x.changes().stream().map(x2 -> x2.resource().toString()).toList()).orElse(List.of());
            String failure = results.stream().filter(r -> !r.ok()).findFirst()
                    .map(r -> r.resource() + ": " + r.error()).orElse(errors.get(h.host()));
            boolean verified = !errors.containsKey(h.host()) && left.isEmpty();
            out.add(new HostResult(h.host(), results, verified, left, failure,
                    (System.nanoTime() - started.get(h.host())) / 1_000_000));
        }
        return out;
    }
}
