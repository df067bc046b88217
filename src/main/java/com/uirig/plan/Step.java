package com.uirig.plan;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One command run on a host: an argument list (quoted once, when shown) and what it reads on
 * standard input. Secret input is described, never carried: it is read from a host at apply time.
 */
public record Step(List<String> argv, Input input, Effect effect) {

    /** How the step must be run: what it does to the SSH sessions open on the host, how long it takes. */
    public enum Effect {
        /** Nothing: the session that runs it carries on. */
        NONE,
        /**
         * It takes minutes (pkg fetching packages): it gets {@link #LONG_TIMEOUT} instead of the
         * command timeout, and apply prints that it is still running while it runs.
         */
        LONG,
        /**
         * It starts daemons (a service, a jail's /etc/rc), which may keep the command's standard
         * output open: spiped does not close it when it detaches. sshd ends an exec channel only
         * once its output is closed, so the runner sends the output through a file on the host.
         */
        STARTS_DAEMONS,
        /**
         * Every TCP connection open on the host stops passing, the one running the step included
         * ({@code pfctl -e}: pf keeps state only from a SYN, so connections made before have none).
         * The step is started detached, and uirig carries on over a new connection.
         */
        CUTS_SESSIONS
    }

    public Step {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a step needs a command");
        }
    }

    public Step(List<String> argv, Input input) {
        this(argv, input, Effect.NONE);
    }

    /** How long a {@link Effect#LONG} step may run. */
    public static final java.time.Duration LONG_TIMEOUT = java.time.Duration.ofMinutes(30);

    /** A step that takes minutes (see {@link Effect#LONG}). */
    public static Step longRunning(String... argv) {
        return new Step(List.of(argv), new NoInput(), Effect.LONG);
    }

    /** A step that starts daemons (see {@link Effect#STARTS_DAEMONS}). */
    public static Step startingDaemons(String... argv) {
        return new Step(List.of(argv), new NoInput(), Effect.STARTS_DAEMONS);
    }

    /** A step that cuts the host's open connections (see {@link Effect#CUTS_SESSIONS}). */
    public static Step cuttingSessions(String... argv) {
        return new Step(List.of(argv), new NoInput(), Effect.CUTS_SESSIONS);
    }

    public static Step run(String... argv) {
        return new Step(List.of(argv), new NoInput());
    }

    public static Step withContent(String content, String... argv) {
        return new Step(List.of(argv), new Content(content));
    }

    /** What a step reads on standard input. */
    public sealed interface Input permits NoInput, Content, SecretFrom, LocalFile {}

    public record NoInput() implements Input {}

    /** File content that is not secret; shown by size and hash, its text is in the change's diff. */
    public record Content(String text) implements Input {
        public String sha256() {
            return com.uirig.model.Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A secret read from a file on a host at apply time; always shown masked. */
    public record SecretFrom(String host, String path) implements Input {
        @Override
        public String toString() {
            return "SecretFrom[***]";
        }
    }

    /**
     * A file on the orchestrator ({@code path} absolute), streamed to the command: never read into
     * memory whole. {@code size} is its size when the inventory was read; it must still be that.
     */
    public record LocalFile(String path, long size) implements Input {}

    /** The command as the remote shell runs it: each argument quoted once. */
    public String commandLine() {
        StringBuilder line = new StringBuilder();
        for (String a : argv) {
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(quote(a));
        }
        return line.toString();
    }

    /** The command line with its standard input described after {@code <}, for plans and logs. */
    public String shellLine() {
        StringBuilder line = new StringBuilder(commandLine());
        if (input instanceof Content c) {
            line.append(" < [").append(c.text().getBytes(StandardCharsets.UTF_8).length)
                    .append(" bytes sha256:").append(c.sha256(), 0, 12).append(']');
        } else if (input instanceof SecretFrom s) {
            line.append(" < [*** secret read from ").append(s.host()).append(':').append(s.path()).append(']');
        } else if (input instanceof LocalFile f) {
            line.append(" < [orchestrator:").append(f.path()).append(", ").append(f.size()).append(" bytes]");
        }
        return line.toString();
    }

    /** Quotes one shell word: unchanged when safe, else in single quotes. */
    public static String quote(String word) {
        return com.uirig.model.Shell.quote(word);
    }

    @Override
    public String toString() {
        return shellLine();
    }
}
