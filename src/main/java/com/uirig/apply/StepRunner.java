package com.uirig.apply;

import com.uirig.plan.Change;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs a change's steps on a host, in order, stopping at the first that fails: consecutive steps
 * with no effect and no input but a file's content go as one command ({@link StepBatch}), the
 * others alone; so can the steps of consecutive changes ({@link #runTogether}). Standard input
 * is resolved only here: file content from the plan, a secret read from another host's file
 * through that host's connection (kept in memory, never written on the orchestrator), or a
 * file of the orchestrator.
 */
public final class StepRunner {
    private final Function<String, Transport> hosts;
    private final Duration timeout;
    private final java.util.Map<String, byte[]> secrets;
    private final Resumer resumer;

    /** How long a detached step waits before it runs, so that the command that started it can return. */
    static final int DETACH_DELAY_SECONDS = 1;

    /**
     * Carries on after a step that cut the host's connections: returns a new connection over which
     * {@code ranCheck} succeeded (it does once the step has run).
     */
    @FunctionalInterface
    public interface Resumer {
        Transport resume(String host, String ranCheck) throws IOException;
    }

    /**
     * {@code hosts} gives the open connection of a host by name (for secrets read from a peer);
     * {@code secrets} is shared by the runners of one apply, so a secret is read from its host once
     * (many hosts reading it at the same time would exceed sshd's sessions per connection).
     */
    public StepRunner(Function<String, Transport> hosts, Duration timeout, java.util.Map<String, byte[]> secrets) {
        this(hosts, timeout, secrets, null);
    }

    /**
     * With a {@code resumer}, a step that cuts the host's connections ({@link Step.Effect#CUTS_SESSIONS})
     * is started detached on the host and the following steps run over the connection the resumer
     * returns; without one it runs like any other step.
     */
    public StepRunner(Function<String, Transport> hosts, Duration timeout, java.util.Map<String, byte[]> secrets,
                      Resumer resumer) {
        this(hosts, timeout, secrets, resumer, line -> { });
    }

    /** {@code progress} hears that a {@link Step.Effect#LONG} step is still running, every {@link #PROGRESS_EVERY}. */
    public StepRunner(Function<String, Transport> hosts, Duration timeout, java.util.Map<String, byte[]> secrets,
                      Resumer resumer, java.util.function.Consumer<Progress> progress) {
        this.hosts = hosts;
        this.timeout = timeout;
        this.secrets = secrets;
        this.resumer = resumer;
        this.progress = progress;
    }

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);
    private final java.util.function.Consumer<Progress> progress;

    /** A step that failed: which, and what it printed (never its secret input). */
    public static final class StepFailed extends IOException {
        public StepFailed(String message) {
            super(message);
        }
    }

    public void run(String host, Change change) throws IOException {
        Transport t = hosts.apply(host);
        java.util.List<Step> steps = change.steps();
        for (int i = 0; i < steps.size(); ) {
            int end = i;
            while (end < steps.size() && StepBatch.fits(steps.get(end))) {
                end++;
            }
            if (end - i > 1) {
                runBatch(t, host, change, new StepBatch(steps.subList(i, end)));
                i = end;
            } else {
                t = runAlone(t, host, change, steps.get(i));
                i++;
            }
        }
    }

    /**
     * Runs consecutive steps as one command (see {@link StepBatch}), and fails as the first of them
     * that fails would alone. The batch may take as long as its steps would one after the other:
     * the timeout is there for a hung command, and each step may still take the whole of it.
     */
    private void runBatch(Transport t, String host, Change change, StepBatch batch) throws IOException {
        CommandResult r = t.run(StepBatch.SHELL, batch.script().getBytes(StandardCharsets.UTF_8),
                timeout.multipliedBy(batch.steps().size()));
        java.util.Optional<StepBatch.Failure> f = batch.failure(r);
        if (f.isPresent()) {
            throw failed(host, change, f.get().step(), f.get().exit(), f.get().stderr());
        }
    }

    /** Whether every step of {@code c} can go in one script with other changes' steps (see {@link StepBatch#fits}). */
    public static boolean fitsTogether(Change c) {
        return !c.steps().isEmpty() && c.steps().stream().allMatch(StepBatch::fits);
    }

    /** A change run together with others failed: which one (its index), failing as it would alone. */
    public static final class TogetherFailed extends IOException {
        private final int change;

        TogetherFailed(int change, IOException cause) {
            super(cause.getMessage(), cause);
            this.change = change;
        }

        public int change() {
            return change;
        }
    }

    /**
     * Runs changes that all {@link #fitsTogether} as one script, their steps in order, in one round
     * trip. {@code ended} hears of each change that succeeded, by its index, as soon as the host
     * begins the next one's first step (the script's markers arrive as it runs) or the script
     * ended. It is called on this thread: the command runs on another, whose transport only
     * queues the markers it sees, so nothing of the caller runs in (or can stall) the transport's
     * threads, and a marker that arrives once the command is over is not heard. The first step
     * that fails ends the script, and fails its change as it would alone.
     */
    public void runTogether(String host, java.util.List<Change> changes, java.util.function.IntConsumer ended)
            throws TogetherFailed {
        java.util.List<Step> steps = new java.util.ArrayList<>();
        java.util.List<Integer> changeOf = new java.util.ArrayList<>();
        for (int c = 0; c < changes.size(); c++) {
            for (Step s : changes.get(c).steps()) {
                steps.add(s);
                changeOf.add(c);
            }
        }
        StepBatch batch = new StepBatch(steps);
        java.util.concurrent.BlockingQueue<Integer> begun = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.FutureTask<CommandResult> task = new java.util.concurrent.FutureTask<>(() ->
                hosts.apply(host).run(StepBatch.SHELL, batch.script().getBytes(StandardCharsets.UTF_8),
                        timeout.multipliedBy(steps.size()), line -> {
                            int i = batch.began(line);
                            if (i >= 0) {
                                begun.add(changeOf.get(i));
                            }
                        }));
        Thread worker = new Thread(task, "uirig-steps-" + host);
        worker.setDaemon(true);
        worker.start();
        int next = 0;
        CommandResult r;
        try {
            while (true) {
                Integer c = begun.poll(20, java.util.concurrent.TimeUnit.MILLISECONDS);
                for (; c != null; c = begun.poll()) {
                    for (; next < c; next++) {
                        ended.accept(next);
                    }
                }
                if (task.isDone()) {
                    break;
                }
            }
            // Markers queued before the command ended are all heard above; later ones are not.
            r = task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            throw new TogetherFailed(next, cause instanceof IOException io ? io
                    : new StepFailed(host + ": " + changes.get(next).resource() + ": the script failed: " + cause.getMessage()));
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new TogetherFailed(next, new StepFailed(host + ": " + changes.get(next).resource() + ": interrupted"));
        }
        java.util.Optional<StepBatch.Failure> f = batch.failure(r);
        int last = f.map(x -> changeOf.get(x.index())).orElse(changes.size());
        for (; next < last; next++) {
            ended.accept(next);
        }
        if (f.isPresent()) {
            throw new TogetherFailed(last, failed(host, changes.get(last), f.get().step(), f.get().exit(), f.get().stderr()));
        }
    }

    /** Runs one step as its own command; returns the connection to carry on over (a new one after a cut). */
    private Transport runAlone(Transport t, String host, Change change, Step s) throws IOException {
        if (s.effect() == Step.Effect.CUTS_SESSIONS && resumer != null) {
            // The session that ran it would hang: start it detached, and carry on over a
            // connection made after it ran; its exit status waits in a file.
            String status = "/var/run/uirig.cut." + Long.toHexString(RANDOM.nextLong());
            CommandResult r = t.run(detached(s, status), timeout);
            if (!r.ok()) {
                throw new StepFailed(host + ": " + change.resource() + ": cannot start '" + s.shellLine() + "' (exit "
                        + r.exit() + ")");
            }
            t = resumer.resume(host, "test -s " + status);
            CommandResult ran = t.run("cat " + status + " && rm -f " + status, timeout);
            String exit = ran.stdout().trim();
            if (!ran.ok() || !exit.equals("0")) {
                throw new StepFailed(host + ": " + change.resource() + ": '" + s.shellLine() + "' exited "
                        + (exit.isEmpty() ? "?" : exit));
            }
            return t;
        }
        CommandResult r;
        if (s.effect() == Step.Effect.LONG) {
            r = runLong(t, host, change, s);
        } else {
            try (InputStream in = input(host, change, s)) {
                r = t.run(s.effect() == Step.Effect.STARTS_DAEMONS ? throughFiles(s) : s.commandLine(), in, timeout);
            }
        }
        if (!r.ok()) {
            throw failed(host, change, s, r.exit(), r.stderr());
        }
        return t;
    }

    /** How a step that exited non-zero is reported, alone or in a batch. */
    private static StepFailed failed(String host, Change change, Step s, int exit, String stderr) {
        return new StepFailed(host + ": " + change.resource() + ": '" + s.shellLine() + "' exited " + exit
                + (stderr.isBlank() ? "" : ": " + stderr.strip()));
    }

    /**
     * The step with its output sent to files on the host and printed from there once it ended: a
     * daemon it starts keeps only those files open, not the SSH channel.
     */
    static String throughFiles(Step s) {
        return "o=$(mktemp /tmp/uirig.out.XXXXXX) || exit 1; { " + s.commandLine() + "; } >\"$o\" 2>\"$o.err\" </dev/null;"
                + " r=$?; cat \"$o\"; cat \"$o.err\" >&2; rm -f \"$o\" \"$o.err\"; exit $r";
    }

    /** Runs a step that takes minutes with its own timeout, saying every so often that it still runs. */
    private CommandResult runLong(Transport t, String host, Change change, Step s) throws IOException {
        java.util.concurrent.FutureTask<CommandResult> task = new java.util.concurrent.FutureTask<>(() -> {
            try (InputStream in = input(host, change, s)) {
                return t.run(s.commandLine(), in, Step.LONG_TIMEOUT);
            }
        });
        Thread worker = new Thread(task, "uirig-long-step-" + host);
        worker.setDaemon(true);
        worker.start();
        long t0 = System.nanoTime();
        while (true) {
            try {
                return task.get(PROGRESS_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                progress.accept(new Progress.StillRunning(host, change.resource(), s.shellLine(),
                        (System.nanoTime() - t0) / 1_000_000_000L));
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new StepFailed(host + ": " + change.resource() + ": '" + s.shellLine() + "' failed: " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                task.cancel(true);
                Thread.currentThread().interrupt();
                throw new StepFailed(host + ": " + change.resource() + ": interrupted while '" + s.shellLine() + "' ran");
            }
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * The step run in the background, detached from the session, after {@link #DETACH_DELAY_SECONDS};
     * its exit status is written to {@code status}.
     */
    static String detached(Step s, String status) {
        return "nohup sh -c " + Step.quote("sleep " + DETACH_DELAY_SECONDS + "; " + s.commandLine() + " >/dev/null 2>&1; echo $? > "
                + status) + " >/dev/null 2>&1 </dev/null &";
    }

    /** Reads a secret as hex: the bytes are binary and must pass the text channel unchanged. */
    private byte[] readSecret(Step.SecretFrom f) throws IOException {
        CommandResult r = hosts.apply(f.host()).run("od -An -v -tx1 " + Step.quote(f.path()), timeout);
        if (!r.ok()) {
            throw new StepFailed(f.host() + ": cannot read the secret " + f.path() + " (exit " + r.exit() + ")");
        }
        return java.util.HexFormat.of().parseHex(r.stdout().replaceAll("\\s+", ""));
    }

    /** The step's standard input as a stream (null for none): a file of the orchestrator is opened, not read. */
    private InputStream input(String host, Change change, Step s) throws IOException {
        Step.Input in = s.input();
        if (in instanceof Step.Content c) {
            return new ByteArrayInputStream(c.text().getBytes(StandardCharsets.UTF_8));
        }
        if (in instanceof Step.SecretFrom f) {
            try {
                return new ByteArrayInputStream(secrets.computeIfAbsent(f.host() + ":" + f.path(), k -> {
                    try {
                        return readSecret(f);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (in instanceof Step.LocalFile f) {
            Path p = Path.of(f.path());
            long now = Files.isRegularFile(p) ? Files.size(p) : -1;
            if (now != f.size()) {
                // Its size was checked against the limit when the inventory was read, and planned with.
                throw new StepFailed(host + ": " + change.resource() + ": " + f.path() + " changed since the inventory was read ("
                        + (now < 0 ? "it is gone" : now + " bytes now, " + f.size() + " then") + ")");
            }
            return Files.newInputStream(p);
        }
        return null;
    }
}
