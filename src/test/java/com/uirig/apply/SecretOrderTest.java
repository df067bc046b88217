package com.uirig.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A change that reads a secret from another host waits for the change there that writes it. */
class SecretOrderTest {
    @Test
    void theReaderWaitsForTheWriterOfThatPathOnly() throws Exception {
        StepRunnerTest.RecordingHost a = new StepRunnerTest.RecordingHost() {
            // Not synchronized: a read of the secret meanwhile would not wait for this lock.
            @Override
            public CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                    throws java.io.IOException {
                if (command.startsWith("dd if=/dev/urandom")) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.run(command, stdin, timeout);
            }
        };
        // The reader's copy is the last command: interrupted there, the run skips verification
        // (which would read these stand-in hosts).
        Interruption interruption = new Interruption();
        StepRunnerTest.RecordingHost b = new StepRunnerTest.RecordingHost() {
            @Override
            public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                    throws java.io.IOException {
                interruption.request("TERM");
                return super.run(command, stdin, timeout);
            }
        };
        Change make = new Change(com.uirig.plan.Address.parse("spiped_key[db]"), Action.CREATE, "", Map.of(), Map.of(),
                List.of(Step.run("dd", "if=/dev/urandom", "of=/k", "bs=32", "count=1")), "").touching(Set.of("/k"));
        Change copy = new Change(com.uirig.plan.Address.parse("spiped_key[db]"), Action.CREATE, "", Map.of(), Map.of(),
                List.of(new Step(List.of("dd", "of=/k", "status=none"), new Step.SecretFrom("server-a", "/k"))), "");
        Map<String, Transport> hosts = new HashMap<>(Map.of("server-a", a, "server-b", b));
        Applier applier = new Applier(List.of(), hosts, Duration.ofSeconds(5), line -> { }, null, Duration.ofSeconds(60),
                interruption);
        List<Applier.HostResult> results = applier.apply(new Plan(List.of(new HostPlan("server-b", List.of(copy)), new HostPlan("server-a", List.of(make)))),
                Map.of(), 2);
        assertThat(a.commands).containsExactly("dd if=/dev/urandom of=/k bs=32 count=1", "od -An -v -tx1 /k");
        assertThat(b.commands).containsExactly("dd of=/k status=none");
        assertThat(results).allSatisfy(r -> assertThat(r.changes()).singleElement().extracting(Applier.ChangeResult::ok).isEqualTo(true));
    }
}
