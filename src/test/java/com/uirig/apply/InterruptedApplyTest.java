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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** After SIGINT or SIGTERM no new change starts; the running one finishes; nothing is verified. */
class InterruptedApplyTest {
    /** A change that runs as a command of its own (a long step; see {@link #changesSentTogetherAllFinishAndNoneAfterThemStarts}). */
    private static Change change(String name) {
        return new Change(com.uirig.plan.Address.parse("file[/etc/" + name + "]"), Action.UPDATE, "", Map.of(), Map.of(),
                List.of(Step.longRunning("touch", "/etc/" + name)), "");
    }

    /** A change that can run in one script with others. */
    private static Change quick(String name) {
        return new Change(com.uirig.plan.Address.parse("file[/etc/" + name + "]"), Action.UPDATE, "", Map.of(), Map.of(),
                List.of(Step.run("touch", "/etc/" + name)), "");
    }

    /** A host on which {@code signal} arrives while the first command runs. */
    private static StepRunnerTest.RecordingHost signalledWhileRunning(Interruption interruption, String signal) {
        return new StepRunnerTest.RecordingHost() {
            @Override
            public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                    throws java.io.IOException {
                interruption.request(signal);
                return super.run(command, stdin, timeout);
            }
        };
    }

    @Test
    void changesSentTogetherAllFinishAndNoneAfterThemStarts() {
        Interruption interruption = new Interruption();
        StepRunnerTest.RecordingHost host = signalledWhileRunning(interruption, "INT");
        List<Progress> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Applier applier = new Applier(List.of(), new java.util.HashMap<>(Map.of("server-a", host)), Duration.ofSeconds(5),
                events::add, null, Duration.ofSeconds(60), interruption);
        Plan plan = new Plan(List.of(new HostPlan("server-a", List.of(quick("a"), quick("b"), change("c")))));
        Applier.HostResult r = applier.apply(plan, Map.of(), 1).get(0);
        assertThat(host.commands).containsExactly("/bin/sh -s");
        assertThat(new String(host.inputs.get(0), java.nio.charset.StandardCharsets.UTF_8)).contains("touch /etc/a", "touch /etc/b");
        assertThat(r.changes()).extracting(Applier.ChangeResult::ok).containsExactly(true, true, false);
        assertThat(r.changes().get(2).error()).isEqualTo("not started: the run was interrupted by SIGINT");
        assertThat(events).extracting(e -> ((Progress.ChangeDone) e).index()).containsExactly(1, 2);
    }

    @Test
    void theRunningChangeFinishesAndNoOtherStarts() {
        Interruption interruption = new Interruption();
        StepRunnerTest.RecordingHost host = signalledWhileRunning(interruption, "TERM");
        Map<String, Transport> hosts = new java.util.HashMap<>(Map.of("server-a", host));
        Applier applier = new Applier(List.of(), hosts, Duration.ofSeconds(5), line -> { }, null, Duration.ofSeconds(60),
                interruption);
        Plan plan = new Plan(List.of(new HostPlan("server-a", List.of(change("a"), change("b"), change("c")))));
        List<Applier.HostResult> results = applier.apply(plan, Map.of(), 1);
        assertThat(host.commands).containsExactly("touch /etc/a");
        Applier.HostResult r = results.get(0);
        assertThat(r.changes()).extracting(Applier.ChangeResult::ok).containsExactly(true, false, false);
        assertThat(r.changes().get(1).error()).isEqualTo("not started: the run was interrupted by SIGTERM");
        assertThat(r.verified()).isFalse();
        assertThat(r.error()).isEqualTo("interrupted by SIGTERM before verification");
        assertThat(interruption.exitCode()).isEqualTo(143);
        assertThat(applier.sofar()).singleElement().satisfies(s -> assertThat(s.changed()).isEqualTo(1));
    }

    @Test
    void theFirstSignalCountsAndGivesTheShellsExitCode() {
        Interruption i = new Interruption();
        assertThat(i.requested()).isFalse();
        i.request("INT");
        i.request("TERM");
        assertThat(i.signal()).isEqualTo("INT");
        assertThat(i.exitCode()).isEqualTo(130);
        assertThat(Interruption.exitCode("HUP")).isEqualTo(129);
        assertThat(Interruption.exitCode("TERM")).isEqualTo(143);
    }
}
