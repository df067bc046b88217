package com.uirig.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.PlanTestSupport;
import com.uirig.plan.Planner;
import com.uirig.ssh.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fresh server-a goes to the host in few commands: each costs a round trip, which over a long
 * link is what an apply waits for (see the README's benchmark).
 */
class FreshApplyCommandsTest {
    @Test
    void consecutiveChangesThatNeedNoRollbackGoAsOneScript() {
        var inv = PlanTestSupport.prod();
        Plan plan = Planner.plan(inv.hosts(), PlanTestSupport.fresh(inv));
        Map<String, StepRunnerTest.RecordingHost> hosts = new HashMap<>();
        plan.hosts().forEach(h -> hosts.put(h.host(), new StepRunnerTest.RecordingHost()));
        Applier applier = new Applier(inv.hosts(), new HashMap<String, Transport>(hosts), Duration.ofSeconds(5), e -> { },
                null, Duration.ofSeconds(60), new Interruption());
        List<Applier.HostResult> results = applier.apply(plan, Map.of(), 2);
        HostPlan a = plan.hosts().stream().filter(h -> h.host().equals("server-a")).findFirst().orElseThrow();
        assertThat(results.stream().filter(r -> r.host().equals("server-a")).findFirst().orElseThrow().changes())
                .allMatch(Applier.ChangeResult::ok).hasSize(a.changes().size());
        StepRunnerTest.RecordingHost host = hosts.get("server-a");
        // Without the verification's probe, and the peer's read of the shared key.
        long commands = java.util.stream.IntStream.range(0, host.commands.size())
                .filter(i -> !(host.inputs.get(i) != null && new String(host.inputs.get(i), StandardCharsets.UTF_8).contains("section() {")))
                .filter(i -> !host.commands.get(i).startsWith("od "))
                .count();
        int steps = a.changes().stream().mapToInt(c -> c.steps().size()).sum();
        long guarded = a.changes().stream().filter(c -> c.guarded().isPresent()).count();
        assertThat(a.changes()).hasSize(55);
        assertThat(steps).isEqualTo(230);
        assertThat(guarded).isEqualTo(5);
        assertThat(commands).isEqualTo(14);
    }
}
