package com.uirig.apply;

import com.uirig.plan.Change;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Runs a change's steps on a host, in order, stopping at the first that fails. Standard input
 * is resolved only here: file content from the plan, a secret read from another host's file
 * through that host's connection (kept in memory, never written on the orchestrator), or a
 * file of the orchestrator.
 */
public final class StepRunner {
    private final Function<String, Transport> hosts;
    private final Duration timeout;
    private final java.util.Map<String, byte[]> secrets;

    /**
     * {@code hosts} gives the open connection of a host by name (for secrets read from a peer);
     * {@code secrets} is shared by the runners of one apply, so a secret is read from its host once
     * (many hosts reading it at the same time would exceed sshd's sessions per connection).
     */
    public StepRunner(Function<String, Transport> hosts, Duration timeout, java.util.Map<String, byte[]> secrets) {
        this.hosts = hosts;
        this.timeout = timeout;
        this.secrets = secrets;
    }

    /** A step that failed: which, and what it printed (never its secret input). */
    public static final class StepFailed extends IOException {
        public StepFailed(String message) {
            super(message);
        }
    }

    public void run(String host, Change change) throws IOException {
        Transport t = hosts.apply(host);
        for (Step s : change.steps()) {
            CommandResult r = t.run(s.commandLine(), input(s), timeout);
            if (!r.ok()) {
                throw new StepFailed(host + ": " + change.resource() + ": '" + s.shellLine() + "' exited " + r.exit()
                        + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
            }
        }
    }

    /** Reads a secret as hex: the bytes are binary and must pass the text channel unchanged. */
    private byte[] readSecret(Step.SecretFrom f) throws IOException {
        CommandResult r = hosts.apply(f.host()).run("od -An -v -tx1 " + Step.quote(f.path()), timeout);
        if (!r.ok()) {
            throw new StepFailed(f.host() + ": cannot read the secret " + f.path() + " (exit " + r.exit() + ")");
        }
        return java.util.HexFormat.of().parseHex(r.stdout().replaceAll("\\s+", ""));
    }

    private byte[] input(Step s) throws IOException {
        Step.Input in = s.input();
        if (in instanceof Step.Content c) {
            return c.text().getBytes(StandardCharsets.UTF_8);
        }
        if (in instanceof Step.SecretFrom f) {
            try {
                return secrets.computeIfAbsent(f.host() + ":" + f.path(), k -> {
                    try {
                        return readSecret(f);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (in instanceof Step.LocalFile f) {
            String p = f.path().startsWith("~/") ? System.getProperty("user.home") + f.path().substring(1) : f.path();
            return Files.readAllBytes(Path.of(p));
        }
        return null;
    }
}
