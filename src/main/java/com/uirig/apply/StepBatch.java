package com.uirig.apply;

import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Consecutive steps of one change sent as one POSIX sh script, so that they cost one round trip
 * instead of one each. Only steps that need nothing of the runner are batched ({@link #fits}):
 * a step with input keeps the channel's standard input to itself (its bytes are streamed, never
 * put in a script), and the other effects need a command of their own.
 *
 * <p>The script runs the steps in order and stops at the first that fails, exiting with its
 * status. It tells which step that was on standard error, the only output uirig reads of a
 * failed step: before each step a line {@code @@uirig-NONCE step I}, and on a failure
 * {@code @@uirig-NONCE failed I STATUS}. The steps' standard output is left alone (uirig shows
 * none of it), so nothing a step prints there can be taken for a marker; on standard error a
 * step cannot print one, since the nonce is drawn for each batch. Each marker starts on a line
 * of its own (a step's error output may not end in a newline); the blank line that adds is
 * stripped with the rest of the step's error output, as a single step's is today.
 */
final class StepBatch {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Step> steps;
    private final String marker;

    StepBatch(List<Step> steps) {
        this(steps, HexFormat.of().formatHex(RANDOM.generateSeed(8)));
    }

    StepBatch(List<Step> steps, String nonce) {
        this.steps = List.copyOf(steps);
        this.marker = "@@uirig-" + nonce;
    }

    /** Whether a step can go in a batch: no input to stream, and no effect that needs a command of its own. */
    static boolean fits(Step s) {
        return s.effect() == Step.Effect.NONE && s.input() instanceof Step.NoInput;
    }

    List<Step> steps() {
        return steps;
    }

    /**
     * The script. Each step runs its command line as it does alone, in a subshell: a step (a
     * {@code cd}, a {@code umask}) cannot change what the steps after it see, as none could when
     * each had a shell of its own. It reads /dev/null, as a step alone reads an empty channel.
     */
    String script() {
        StringBuilder s = new StringBuilder();
        s.append("uirig_m=").append(Step.quote(marker)).append('\n');
        s.append("uirig_failed() { printf '\\n%s failed %s %s\\n' \"$uirig_m\" \"$1\" \"$2\" >&2; exit \"$2\"; }\n");
        for (int i = 0; i < steps.size(); i++) {
            s.append("printf '").append(i == 0 ? "" : "\\n").append("%s step ").append(i).append("\\n' \"$uirig_m\" >&2\n");
            // $? after || is the status of the command before it: the step's.
            s.append("( ").append(steps.get(i).commandLine()).append(" ) </dev/null || uirig_failed ").append(i).append(" $?\n");
        }
        return s.toString();
    }

    /** The step that failed, with its status and error output. */
    record Failure(Step step, int exit, String stderr) {}

    /**
     * The failure the script reports, if any. A script that exited non-zero without a failure
     * marker was itself cut short (killed, timed out): the failure is that of the last step it
     * started, with the status of the script.
     */
    Optional<Failure> failure(CommandResult r) {
        if (r.ok()) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("^" + Pattern.quote(marker) + " (step|failed) (\\d+)(?: (\\d+))?$", Pattern.MULTILINE)
                .matcher(r.stderr());
        int step = 0;
        int from = 0;
        while (m.find()) {
            int i = Integer.parseInt(m.group(2));
            if (m.group(1).equals("failed")) {
                return Optional.of(new Failure(steps.get(i), Integer.parseInt(m.group(3)), r.stderr().substring(from, m.start())));
            }
            step = i;
            from = m.end();
        }
        return Optional.of(new Failure(steps.get(step), r.exit(), r.stderr().substring(from)));
    }
}
