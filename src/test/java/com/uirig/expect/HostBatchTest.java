package com.uirig.expect;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.expect.ExpectationResult.Found;
import com.uirig.model.DesiredHost;
import com.uirig.model.Expectation;
import com.uirig.model.Expectation.Reach;
import com.uirig.model.Ipv4;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Expectations tested on a host: one batched script over a (fake) transport, its output read back. */
class HostBatchTest {
    private static final Expectation DB = new Expectation("peer_db", "node_j", Ipv4.parse("192.168.56.30"), 5432, Reach.OPEN,
            Optional.of("uirig-ping"), Optional.of("uirig-ping"), 3);
    private static final Expectation OPEN = new Expectation("web", "host", Ipv4.parse("10.0.2.20"), 443, Reach.OPEN,
            Optional.empty(), Optional.empty(), 3);
    private static final Expectation CLOSED = new Expectation("pg_shut", "nginx_j", Ipv4.parse("10.0.2.40"), 5432,
            Reach.CLOSED, Optional.empty(), Optional.empty(), 2);
    private static final Expectation LOCAL = new Expectation("https", "orchestrator", Ipv4.parse("127.0.0.1"), 1,
            Reach.CLOSED, Optional.empty(), Optional.empty(), 1);

    /** A section's canned answer: nc's exit code and output. */
    record Answer(int exit, String output) {}

    /**
     * A host that answers the script the way sh would run it: each section between the script's
     * own markers (read from the script, nonce included), with the canned answer for its name.
     */
    static final class FakeHost implements Transport {
        final List<String> scripts = new ArrayList<>();
        final Function<String, Answer> answers;
        String raw;
        IOException failure;

        FakeHost(Function<String, Answer> answers) {
            this.answers = answers;
        }

        @Override
        public CommandResult run(String command, java.io.InputStream stdin, Duration timeout) throws IOException {
            assertThat(command).isEqualTo("/bin/sh -s");
            String script = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            scripts.add(script);
            if (failure != null) {
                throw failure;
            }
            if (raw != null) {
                return new CommandResult(0, raw, "");
            }
            Matcher m = Pattern.compile("(?m)^m='(@@uirig-[0-9a-f]+)'$").matcher(script);
            assertThat(m.find()).isTrue();
            String marker = m.group(1);
            StringBuilder out = new StringBuilder();
            Matcher section = Pattern.compile("(?m)^show \\d+ (\\S+)$").matcher(script);
            while (section.find()) {
                String name = section.group(1).replace("'", "");
                Answer a = answers.apply(name);
                if (a == null) {
                    continue;
                }
                out.append(marker).append(" begin ").append(name).append("@@\n").append(a.output())
                        .append('\n').append(marker).append(" end ").append(name).append(' ').append(a.exit()).append("@@\n");
            }
            return new CommandResult(0, out.toString(), "");
        }

        @Override
        public AutoCloseable hold(String command, Duration timeout) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }

    private static Function<String, Answer> answers(Map<String, Answer> byName) {
        return name -> byName.get(name);
    }

    @Test
    void theScriptHoldsOneQuotedNcPerExpectationAndNoneForTheOrchestrator() {
        HostBatch batch = HostBatch.of(List.of(DB, LOCAL, OPEN, CLOSED));
        assertThat(batch.expectations()).containsExactly(DB, OPEN, CLOSED);
        assertThat(HostBatch.command(DB)).isEqualTo("printf %s uirig-ping | jexec node_j nc -n -v -N -w 3 192.168.56.30 5432 2>&1");
        assertThat(HostBatch.command(OPEN)).isEqualTo("nc -n -v -z -w 3 10.0.2.20 443 2>&1");
        assertThat(HostBatch.command(CLOSED)).isEqualTo("jexec nginx_j nc -n -v -z -w 2 10.0.2.40 5432 2>&1");
        Expectation odd = new Expectation("odd", "host", Ipv4.parse("10.0.2.20"), 80, Reach.OPEN,
                Optional.of("GET / HTTP/1.0\r\n\r\n it's"), Optional.of("200"), 3);
        assertThat(HostBatch.command(odd)).startsWith("printf %s 'GET / HTTP/1.0\r\n\r\n it'\\''s' | nc ");
        // All tests run at once; their results are printed in the playbook's order.
        assertThat(batch.script()).contains("run 0 'printf %s uirig-ping | jexec node_j nc -n -v -N -w 3 192.168.56.30 5432 2>&1'\n",
                "run 1 'nc -n -v -z -w 3 10.0.2.20 443 2>&1'\n", "wait\nshow 0 expect/peer_db\nshow 1 expect/web\n")
                .doesNotContain("127.0.0.1");
        assertThat(batch.timeout(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30 + 7 + 7 + 5));
    }

    @Test
    void eachAnswerOfNcIsRead() {
        FakeHost host = new FakeHost(answers(Map.of(
                "expect/peer_db", new Answer(0, "Connection to 192.168.56.30 5432 port [tcp/*] succeeded!\nuirig-ping"),
                "expect/web", new Answer(1, "nc: connect to 10.0.2.20 port 443 (tcp) failed: Operation timed out"),
                "expect/pg_shut", new Answer(1, "nc: connect to 10.0.2.40 port 5432 (tcp) failed: Connection refused"))));
        List<ExpectationResult> r = Reachability.onHost(host, List.of(DB, OPEN, CLOSED), Duration.ofSeconds(5));
        assertThat(host.scripts).hasSize(1);
        assertThat(r).extracting(ExpectationResult::found).containsExactly(Found.OPEN, Found.CLOSED, Found.CLOSED);
        assertThat(r).extracting(ExpectationResult::passed).containsExactly(true, false, true);
        assertThat(r.get(0).detail()).isEqualTo("the reply contained 'uirig-ping'");
        assertThat(r.get(1).describe()).isEqualTo("tcp 10.0.2.20:443 from host: expected open, found closed (timed out after 3 s)");
        assertThat(r.get(2).detail()).isEqualTo("connection refused");
    }

    @Test
    void aTunnelThatAcceptsButDoesNotCarryIsAWrongReply() {
        // spiped accepts locally, then closes when the far end does not answer: nc exits 0 with no reply.
        FakeHost host = new FakeHost(answers(Map.of(
                "expect/peer_db", new Answer(0, "Connection to 192.168.56.30 5432 port [tcp/*] succeeded!\n"))));
        ExpectationResult r = Reachability.onHost(host, List.of(DB), Duration.ofSeconds(5)).get(0);
        assertThat(r.found()).isEqualTo(Found.WRONG_REPLY);
        assertThat(r.describe()).isEqualTo("tcp 192.168.56.30:5432 from node_j: expected open, found a wrong reply"
                + " (connected, but the reply did not contain 'uirig-ping'; no reply)");
    }

    @Test
    void aStoppedJailIsNeitherOpenNorClosed() {
        // "closed" must not pass because jexec failed before nc ran.
        FakeHost host = new FakeHost(answers(Map.of("expect/pg_shut", new Answer(1, "jexec: jail \"nginx_j\" not found"))));
        ExpectationResult r = Reachability.onHost(host, List.of(CLOSED), Duration.ofSeconds(5)).get(0);
        assertThat(r.found()).isEqualTo(Found.UNKNOWN);
        assertThat(r.passed()).isFalse();
        assertThat(r.describe()).isEqualTo("tcp 10.0.2.40:5432 from nginx_j: expected closed, found nothing it could test"
                + " (the test exited 1: 'jexec: jail \"nginx_j\" not found')");
    }

    @Test
    void aHostAnsweringGarbageFailsEveryTestClearly() {
        FakeHost host = new FakeHost(n -> null);
        host.raw = "@@uirig-0000 begin expect/web@@\nConnection to 10.0.2.20 443 port [tcp/*] succeeded!\n@@uirig-0000 end expect/web 0@@\n"
                + "\u0000\u00ff random bytes";
        List<ExpectationResult> r = Reachability.onHost(host, List.of(OPEN, CLOSED), Duration.ofSeconds(5));
        assertThat(r).extracting(ExpectationResult::found).containsOnly(Found.UNKNOWN);
        assertThat(r).noneMatch(ExpectationResult::passed);
        assertThat(r.get(0).detail()).isEqualTo("the host's answer is not uirig's test script output (exit 0)");
    }

    @Test
    void aMissingSectionAndABrokenEndMarkerAreUnknown() {
        FakeHost host = new FakeHost(answers(Map.of("expect/web", new Answer(0, "Connection to 10.0.2.20 443 port [tcp/*] succeeded!"))));
        List<ExpectationResult> r = Reachability.onHost(host, List.of(OPEN, CLOSED), Duration.ofSeconds(5));
        assertThat(r).extracting(ExpectationResult::found).containsExactly(Found.OPEN, Found.UNKNOWN);
        assertThat(r.get(1).detail()).isEqualTo("the host printed no result for it");

        // An end marker whose exit code is not a number: read as no result, never an exception.
        HostBatch batch = HostBatch.of(List.of(OPEN));
        Matcher m = Pattern.compile("(?m)^m='(@@uirig-[0-9a-f]+)'$").matcher(batch.script());
        assertThat(m.find()).isTrue();
        String out = m.group(1) + " begin expect/web@@\nx\n" + m.group(1) + " end expect/web zz@@\n";
        assertThat(batch.results(new CommandResult(0, out, ""))).extracting(ExpectationResult::found).containsExactly(Found.UNKNOWN);
    }

    @Test
    void aDroppedConnectionFailsEveryTestWithItsReason() {
        FakeHost host = new FakeHost(n -> null);
        host.failure = new IOException("server-a: command timed out after 12 s");
        List<ExpectationResult> r = Reachability.onHost(host, List.of(OPEN, CLOSED), Duration.ofSeconds(5));
        assertThat(r).extracting(ExpectationResult::detail)
                .containsOnly("the test did not run on the host: server-a: command timed out after 12 s");
        assertThat(Reachability.onHost(null, List.of(OPEN), Duration.ofSeconds(5)).get(0).detail())
                .isEqualTo("no SSH connection to the host");
    }

    @Test
    void everyHostIsTestedInOneRoundTripAndResultsKeepThePlaybooksOrder() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Expectation here = new Expectation("local", "orchestrator", Ipv4.parse("127.0.0.1"), listening.getLocalPort(),
                    Reach.OPEN, Optional.empty(), Optional.empty(), 2);
            DesiredHost a = host("server-a", List.of(OPEN, here, CLOSED));
            DesiredHost b = host("server-b", List.of(here));
            FakeHost fake = new FakeHost(answers(Map.of(
                    "expect/web", new Answer(0, "Connection to 10.0.2.20 443 port [tcp/*] succeeded!"),
                    "expect/pg_shut", new Answer(0, "Connection to 10.0.2.40 5432 port [tcp/*] succeeded!"))));
            Map<String, Transport> connections = new LinkedHashMap<>();
            connections.put("server-a", fake);
            Map<String, List<ExpectationResult>> r = Reachability.test(List.of(a, b), connections::get, Duration.ofSeconds(5), 4);
            assertThat(fake.scripts).hasSize(1);
            assertThat(r.get("server-a")).extracting(ExpectationResult::resource)
                    .containsExactly("expect[web]", "expect[local]", "expect[pg_shut]");
            assertThat(r.get("server-a")).extracting(ExpectationResult::passed).containsExactly(true, true, false);
            assertThat(r.get("server-b")).extracting(ExpectationResult::found).containsExactly(Found.OPEN);
        }
    }

    private static DesiredHost host(String name, List<Expectation> expectations) {
        return new DesiredHost(name, new DesiredHost.SshTarget("192.0.2.1", 22, "root", null, null, Optional.empty()),
                Optional.empty(), expectations, com.uirig.model.KindSpecs.NONE);
    }
}
