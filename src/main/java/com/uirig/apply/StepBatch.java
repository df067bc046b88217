package com.uirig.apply;

import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consecutive steps sent as one POSIX sh script, so that they cost one round trip instead of one
 * each. Only steps that need nothing of the runner are batched ({@link #fits}): no effect that
 * needs a command of its own (a step that takes minutes or cuts the host's connections), and as
 * input at most a file's content that is not secret, which the script carries itself. A secret or
 * a file of the orchestrator is streamed to a command of its own, never put in a script.
 *
 * <p>The script is sent on standard input to {@code /bin/sh -s} (never in a command line, where
 * the host's process list would show it), inside one brace group: sh parses the whole group
 * before it runs any of it, so a script cut short on the way runs nothing. It runs the steps in
 * order and stops at the first that fails, exiting with its status. It tells which step that
 * was on standard error, the only output uirig reads of a failed step: before each step a line
 * {@code @@uirig-NONCE step I}, and on a failure {@code @@uirig-NONCE failed I STATUS}. The
 * steps' standard output is left alone (uirig shows none of it), so nothing a step prints there
 * can be taken for a marker; on standard error a step cannot print one, since the nonce is drawn
 * for each batch. Each marker starts on a line of its own (a step's error output may not end in
 * a newline); the blank line that adds is stripped with the rest of the step's error output, as
 * a single step's is.
 */
final class StepBatch {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The largest content a batched step carries; a larger file goes in a command of its own. */
    static final int MAX_CONTENT = 256 * 1024;
    /** The command that runs a script sent on its standard input. */
    static final String SHELL = "/bin/sh -s";

    private final List<Step> steps;
    private final String marker;
    private final Pattern markerLine;

    StepBatch(List<Step> steps) {
        this(steps, HexFormat.of().formatHex(RANDOM.generateSeed(8)));
    }

    StepBatch(List<Step> steps, String nonce) {
        this.steps = List.copyOf(steps);
        this.marker = "@@uirig-" + nonce;
        this.markerLine = Pattern.compile("^" + Pattern.quote(marker) + " (step|failed) (\\d+)(?: (\\d+))?$", Pattern.MULTILINE);
    }

    /**
     * Whether a step can go in a batch: no effect but starting daemons (whose output the script
     * sends to files, see {@link #script}), and no input but a file's content (without NUL, which
     * no sh word can hold).
     */
    static boolean fits(Step s) {
        return switch (s.effect()) {
            case NONE -> s.input() instanceof Step.NoInput || s.input() instanceof Step.Content c
                    && c.text().indexOf('\0') < 0 && c.text().getBytes(StandardCharsets.UTF_8).length <= MAX_CONTENT;
            case STARTS_DAEMONS -> s.input() instanceof Step.NoInput;
            case LONG, CUTS_SESSIONS -> false;
        };
    }

    List<Step> steps() {
        return steps;
    }

    /**
     * The script. Each step runs its command line as it does alone, in a subshell: a step (a
     * {@code cd}, a {@code umask}) cannot change what the steps after it see, as none could when
     * each had a shell of its own. It reads its content through a pipe from {@link #printf}, or
     * else /dev/null, as a step alone reads an empty channel. A step that starts daemons writes
     * to files on the host (a file of its own for its error output, which the script then copies to its own): the daemons
     * (spiped does not close what it inherits when it detaches) keep only that file open, not the
     * SSH channel, which sshd ends only once its output is closed.
     */
    String script() {
        boolean daemons = steps.stream().anyMatch(x -> x.effect() == Step.Effect.STARTS_DAEMONS);
        StringBuilder s = new StringBuilder();
        s.append("uirig_m=").append(Step.quote(marker)).append('\n');
        s.append("uirig_failed() { printf '\\n%s failed %s %s\\n' \"$uirig_m\" \"$1\" \"$2\" >&2; exit \"$2\"; }\n");
        s.append("{\n");
        if (daemons) {
            // A file per step: a daemon keeps writing to its own, never into a later step's error
            // output. They go when the script exits, also by SIGHUP or SIGTERM (sh(1) trap: EXIT
            // runs on exit, which those traps call).
            s.append("uirig_o=$(mktemp /tmp/uirig.out.XXXXXX) || exit 1\n");
            s.append("trap 'rm -f \"$uirig_o\" \"$uirig_o\".*' EXIT; trap 'exit 129' HUP; trap 'exit 143' TERM\n");
        }
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            s.append("printf '").append(i == 0 ? "" : "\\n").append("%s step ").append(i).append("\\n' \"$uirig_m\" >&2\n");
            if (step.effect() == Step.Effect.STARTS_DAEMONS) {
                String err = "\"$uirig_o." + i + "\"";
                s.append("( ").append(step.commandLine()).append(" ) >/dev/null 2>").append(err).append(" </dev/null; uirig_r=$?; ")
                        .append("cat ").append(err).append(" >&2; [ $uirig_r -eq 0 ] || uirig_failed ").append(i).append(" $uirig_r\n");
                continue;
            }
            String input = step.input() instanceof Step.Content c ? printf(c.text()) + " | " : "";
            // $? after || is the status of the command before it: the step's (a pipeline's is its last command's).
            s.append(input).append("( ").append(step.commandLine()).append(" )").append(input.isEmpty() ? " </dev/null" : "")
                    .append(" || uirig_failed ").append(i).append(" $?\n");
        }
        s.append("}\n");
        return s.toString();
    }

    /**
     * A printf that prints {@code text} exactly: printf's {@code %s} prints its argument as it is
     * (printf(1)), and the argument is in single quotes, where sh takes every byte literally but
     * the quote itself (sh(1) "Single Quotes"). printf is built into sh (FreeBSD compiles
     * usr.bin/printf/printf.c into bin/sh as printfcmd; dash has its own), so the text is in no
     * process's arguments.
     */
    static String printf(String text) {
        return "printf '%s' '" + text.replace("'", "'\\''") + "'";
    }

    /** The step a line of the script's error output says begins, or -1 when it is no such marker. */
    int began(String line) {
        Matcher m = markerLine.matcher(line);
        return m.matches() && m.group(1).equals("step") ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The step that failed (its index in the batch), with its status and error output. */
    record Failure(int index, Step step, int exit, String stderr) {}

    /**
     * The failure the script reports, if any. A script that exited non-zero without a failure
     * marker was itself cut short (killed, timed out): the failure is that of the last step it
     * started, with the status of the script.
     */
    Optional<Failure> failure(CommandResult r) {
        if (r.ok()) {
            return Optional.empty();
        }
        Matcher m = markerLine.matcher(r.stderr());
        int step = 0;
        int from = 0;
        while (m.find()) {
            int i = Integer.parseInt(m.group(2));
            if (m.group(1).equals("failed")) {
                return Optional.of(new Failure(i, steps.get(i), Integer.parseInt(m.group(3)), r.stderr().substring(from, m.start())));
            }
            step = i;
            from = m.end();
        }
        return Optional.of(new Failure(step, steps.get(step), r.exit(), r.stderr().substring(from)));
    }
}
