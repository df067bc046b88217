package com.uirig.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over a real SSH connection: a held command reads its input and is ready at its marker line,
 * returning what it printed before it, and runs until released; a command's error lines reach
 * the caller as they arrive.
 */
class HeldAndFollowedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Transport connect(TestSshServer server, SshConnector connector) throws Exception {
        var target = server.target(dir.resolve("known_hosts"), Optional.empty());
        new KnownHosts(Optional.of(dir.resolve("known_hosts")), Optional.empty())
                .trust("127.0.0.1", server.port(), connector.offeredKey("server-a", target));
        return connector.connect("server-a", target, dir);
    }

    @Test
    void aHeldCommandRunsItsInputGivesItsOutputUpToTheMarkerAndHoldsUntilReleased() throws Exception {
        Path done = dir.resolve("done");
        try (TestSshServer server = new TestSshServer(dir); SshConnector connector = new SshConnector(TIMEOUT);
             Transport t = connect(server, connector)) {
            String script = "printf 'facts\\nmore facts'\nprintf '\\n%s\\n' READY-1234\nexec cat >/dev/null; touch " + done + "\n";
            Transport.Held held = t.hold("sh -c 'sh -s; touch " + done + "'", script.getBytes(StandardCharsets.UTF_8),
                    "READY-1234", TIMEOUT);
            assertThat(held.output()).isEqualTo("facts\nmore facts");
            Thread.sleep(300);
            assertThat(done).as("still held").doesNotExist();
            held.release().close();
            for (int i = 0; i < 100 && !Files.exists(done); i++) {
                Thread.sleep(50);
            }
            assertThat(done).as("released").exists();
        }
    }

    @Test
    void aHeldCommandThatEndsBeforeItsMarkerFailsWithItsExitCode() throws Exception {
        try (TestSshServer server = new TestSshServer(dir); SshConnector connector = new SshConnector(TIMEOUT);
             Transport t = connect(server, connector)) {
            HeldCommandFailed e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> t.hold("sh -s", "echo busy >&2; exit 75\n".getBytes(StandardCharsets.UTF_8), "READY", TIMEOUT),
                    HeldCommandFailed.class);
            assertThat(e.exit()).isEqualTo(75);
            assertThat(e.getMessage()).isEqualTo("exited 75: busy");
        }
    }

    @Test
    void errorLinesArriveWhileTheCommandStillRuns() throws Exception {
        try (TestSshServer server = new TestSshServer(dir); SshConnector connector = new SshConnector(TIMEOUT);
             Transport t = connect(server, connector)) {
            List<String> lines = new CopyOnWriteArrayList<>();
            List<Long> at = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            CommandResult r = t.run("sh -s", "echo first >&2; sleep 1; printf 'second\\nno newline' >&2\n"
                    .getBytes(StandardCharsets.UTF_8), TIMEOUT, line -> {
                        lines.add(line);
                        at.add((System.nanoTime() - t0) / 1_000_000);
                    });
            long total = (System.nanoTime() - t0) / 1_000_000;
            assertThat(lines).containsExactly("first", "second");
            assertThat(at.get(0)).as("the first line came before the command ended").isLessThan(total - 500);
            assertThat(r.stderr()).isEqualTo("first\nsecond\nno newline");
        }
    }
}
