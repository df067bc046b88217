package com.uirig.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Steps run in order with their input; a secret is read from its host once per apply, as bytes. */
class StepRunnerTest {
    /** A host that records the commands it is asked to run and what they read. */
    static final class RecordingHost implements Transport {
        final List<String> commands = new ArrayList<>();
        final List<byte[]> inputs = new ArrayList<>();

        @Override
        public synchronized CommandResult run(String command, byte[] stdin, Duration timeout) {
            commands.add(command);
            inputs.add(stdin);
            if (command.startsWith("od ")) {
                return new CommandResult(0, " 00 ff 10 7f\n", "");
            }
            return new CommandResult(command.startsWith("false") ? 1 : 0, "", command.startsWith("false") ? "boom" : "");
        }

        @Override
        public AutoCloseable hold(String command, Duration timeout) {
            return () -> { };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSecretIsReadOnceFromItsHostAndPassedAsBytes() throws Exception {
        RecordingHost a = new RecordingHost();
        RecordingHost b = new RecordingHost();
        RecordingHost c = new RecordingHost();
        Map<String, Transport> hosts = Map.of("server-a", a, "server-b", b, "server-c", c);
        Map<String, byte[]> secrets = new ConcurrentHashMap<>();
        Step copy = new Step(List.of("dd", "of=/k.uirig-new", "status=none"), new Step.SecretFrom("server-a", "/k"));
        Change change = new Change("spiped_key[db]", Action.CREATE, "", Map.of(), Map.of(), List.of(copy), "");
        new StepRunner(hosts::get, Duration.ofSeconds(5), secrets).run("server-b", change);
        new StepRunner(hosts::get, Duration.ofSeconds(5), secrets).run("server-c", change);
        assertThat(a.commands).containsExactly("od -An -v -tx1 /k");
        assertThat(b.commands).containsExactly("dd of=/k.uirig-new status=none");
        assertThat(b.inputs.get(0)).containsExactly(0x00, 0xff, 0x10, 0x7f);
        assertThat(c.inputs.get(0)).containsExactly(0x00, 0xff, 0x10, 0x7f);
    }

    @Test
    void stepsRunInOrderAndStopAtTheFirstFailure() {
        RecordingHost a = new RecordingHost();
        Change change = new Change("file[/x]", Action.CREATE, "", Map.of(), Map.of(), List.of(
                Step.withContent("hello\n", "dd", "of=/x.uirig-new", "status=none"), Step.run("false"), Step.run("mv", "a", "b")), "");
        StepRunner runner = new StepRunner(Map.<String, Transport>of("server-a", a)::get, Duration.ofSeconds(5), new ConcurrentHashMap<>());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run("server-a", change))
                .isInstanceOf(StepRunner.StepFailed.class)
                .hasMessage("server-a: file[/x]: 'false' exited 1: boom");
        assertThat(a.commands).containsExactly("dd of=/x.uirig-new status=none", "false");
        assertThat(new String(a.inputs.get(0), StandardCharsets.UTF_8)).isEqualTo("hello\n");
    }
}
