package com.uirig.expect;

import com.uirig.expect.ExpectationResult.Found;
import com.uirig.facts.Probe;
import com.uirig.model.Expectation;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expectations one host tests itself ({@code from: host} or a jail), as ONE shell script run
 * over the host's SSH connection: each is a section of a {@link Probe} (marker lines with a random
 * nonce, so nothing a port answers can fake another's result; all sections run at the same time),
 * running FreeBSD's base {@code nc}
 * (OpenBSD's netcat), in the jail through {@code jexec}:
 * <ul>
 * <li>open or closed: {@code nc -n -v -z -w T ADDR PORT 2>&1};</li>
 * <li>with send/receive: {@code printf '%s' SEND | nc -n -v -N -w T ADDR PORT 2>&1}, the reply in its output.</li>
 * </ul>
 * nc's own messages (merged into the output) tell a completed connect from a failed one and why.
 */
public final class HostBatch {
    static final String SECTION_PREFIX = "expect/";
    /** nc -v after a completed connect (stderr, printed before any reply). */
    private static final Pattern SUCCEEDED = Pattern.compile("^Connection to \\S+ \\S+ port \\[[^\\]\\n]*\\] succeeded!\\r?\\n?");
    /** nc -v after a failed connect: {@code nc: connect to ADDR port PORT (tcp) failed: REASON}. */
    private static final Pattern FAILED = Pattern.compile("(?m)^nc: connect to \\S+ port \\S+ \\(tcp\\) (failed|timed out)(?:: ([^\\n]*))?$");

    private final List<Expectation> expectations;
    private final Probe probe;

    private HostBatch(List<Expectation> expectations) {
        this.expectations = List.copyOf(expectations);
        Map<String, String> commands = new LinkedHashMap<>();
        this.expectations.forEach(x -> commands.put(SECTION_PREFIX + x.name(), command(x)));
        this.probe = Probe.ofCommands(commands);
    }

    /** The expectations of {@code all} that run on the host (not from the orchestrator). */
    public static HostBatch of(List<Expectation> all) {
        return new HostBatch(all.stream().filter(x -> !x.fromOrchestrator()).toList());
    }

    public List<Expectation> expectations() {
        return expectations;
    }

    public boolean isEmpty() {
        return expectations.isEmpty();
    }

    /** The script for {@code /bin/sh -s}: every test at once, so dropped ports time out together. */
    public String script() {
        return probe.parallelScript();
    }

    public byte[] scriptBytes() {
        return script().getBytes(StandardCharsets.UTF_8);
    }

    /** How long the whole batch may take: {@code base} plus each test's connect and reply time. */
    public Duration timeout(Duration base) {
        return base.plusSeconds(expectations.stream().mapToLong(x -> 2L * x.timeoutSeconds() + 1).sum());
    }

    /** The shell line that tests one expectation on the host (every word quoted). */
    static String command(Expectation x) {
        boolean converse = x.send().isPresent() || x.receive().isPresent();
        List<String> words = new ArrayList<>();
        x.jail().ifPresent(j -> words.addAll(List.of("jexec", j)));
        words.addAll(List.of("nc", "-n", "-v", converse ? "-N" : "-z", "-w", String.valueOf(x.timeoutSeconds()),
                x.to().toString(), String.valueOf(x.port())));
        String nc = quoted(words) + " 2>&1";
        return x.send().isPresent() ? quoted(List.of("printf", "%s", x.send().get())) + " | " + nc : nc;
    }

    private static String quoted(List<String> words) {
        return String.join(" ", words.stream().map(Step::quote).toList());
    }

    /**
     * Each expectation's result from what the host printed. Anything uirig cannot read (no marker
     * of this batch, a section missing, output nc does not print) is {@code unknown}, never an exception.
     */
    public List<ExpectationResult> results(CommandResult r) {
        Map<String, Probe.Section> sections;
        try {
            sections = probe.split(r.stdout());
        } catch (com.uirig.facts.UnreadableOutput e) {
            return unknown(e.getMessage());
        }
        List<ExpectationResult> out = new ArrayList<>();
        for (Expectation x : expectations) {
            Probe.Section s = sections.get(SECTION_PREFIX + x.name());
            if (s != null) {
                out.add(judge(x, s.exit(), s.output()));
            } else if (sections.isEmpty()) {
                out.add(ExpectationResult.of(x, Found.UNKNOWN, "the host's answer is not uirig's test script output (exit "
                        + r.exit() + (r.stderr().isBlank() ? "" : ": " + firstLine(r.stderr())) + ")"));
            } else {
                out.add(ExpectationResult.of(x, Found.UNKNOWN, "the host printed no result for it"));
            }
        }
        return out;
    }

    /** Every expectation {@code unknown} for one reason (the batch could not run). */
    public List<ExpectationResult> unknown(String why) {
        return expectations.stream().map(x -> ExpectationResult.of(x, Found.UNKNOWN, why)).toList();
    }

    /** One expectation's result from its section: nc's exit code and its merged output. */
    static ExpectationResult judge(Expectation x, int exit, String output) {
        Matcher ok = SUCCEEDED.matcher(output);
        boolean connected = ok.lookingAt() || (exit == 0 && !FAILED.matcher(output).find());
        if (!connected) {
            Matcher failed = FAILED.matcher(output);
            if (exit != 0 && failed.find()) {
                return ExpectationResult.of(x, Found.CLOSED, reason(failed.group(1), failed.group(2), x));
            }
            return ExpectationResult.of(x, Found.UNKNOWN, "the test exited " + exit
                    + (output.isBlank() ? " without output" : ": " + firstLine(output)));
        }
        if (x.receive().isEmpty()) {
            return ExpectationResult.of(x, Found.OPEN, x.send().map(s -> "connected and sent " + Replies.quote(s)).orElse("connected"));
        }
        String reply = ok.lookingAt() ? output.substring(ok.end()) : output;
        return Replies.judge(x, reply, "");
    }

    private static String reason(String verb, String why, Expectation x) {
        String m = why == null ? "" : why.toLowerCase(Locale.ROOT);
        if (verb.equals("timed out") || m.contains("timed out") || m.contains("in progress")) {
            return "timed out after " + x.timeoutSeconds() + " s";
        }
        if (m.contains("refused")) {
            return "connection refused";
        }
        if (m.contains("no route") || m.contains("host is unreachable")) {
            return "no route to host";
        }
        if (m.contains("network is unreachable")) {
            return "network unreachable";
        }
        return m.isBlank() ? "connect failed" : "connect failed: " + Replies.quote(why.strip());
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return Replies.quote(line);
    }
}
