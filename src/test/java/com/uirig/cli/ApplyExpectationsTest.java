package com.uirig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.apply.Applier;
import com.uirig.expect.ExpectationResult;
import com.uirig.expect.ExpectationResult.Found;
import com.uirig.model.Expectation;
import com.uirig.model.Expectation.Reach;
import com.uirig.model.Ipv4;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Apply's verification: a host with a failed expectation is not verified, changed or not. */
class ApplyExpectationsTest {
    private static final Expectation WEB = new Expectation("web", "orchestrator", Ipv4.parse("192.0.2.155"), 443, Reach.OPEN,
            Optional.empty(), Optional.empty(), 3);

    private static ExpectationResult web(Found found) {
        return new ExpectationResult(WEB, found, found == Found.OPEN ? "connected" : "connection refused");
    }

    @Test
    void aFailedExpectationMakesAnAppliedHostNotVerifiedAndANoOpHostReported() {
        Plan plan = new Plan(List.of(new HostPlan("server-a", List.of()), new HostPlan("server-b", List.of()),
                new HostPlan("server-c", List.of())));
        Applier.HostResult applied = new Applier.HostResult("server-a", List.of(), true, List.of(), null, 1200);
        List<Applier.HostResult> out = com.uirig.session.ApplySession.withExpectations(plan, List.of(applied), Map.of(
                "server-a", List.of(web(Found.CLOSED)),
                "server-b", List.of(web(Found.CLOSED)),
                "server-c", List.of(web(Found.OPEN))));
        assertThat(out).extracting(Applier.HostResult::host).containsExactly("server-a", "server-b");
        assertThat(out).noneMatch(Applier.HostResult::ok);
        assertThat(out.get(0).millis()).isEqualTo(1200);
        assertThat(out.get(1).changes()).isEmpty();
    }

    @Test
    void metExpectationsLeaveTheResultsAsTheyWere() {
        Plan plan = new Plan(List.of(new HostPlan("server-a", List.of())));
        Applier.HostResult applied = new Applier.HostResult("server-a", List.of(), true, List.of(), null, 5);
        assertThat(com.uirig.session.ApplySession.withExpectations(plan, List.of(applied), Map.of("server-a", List.of(web(Found.OPEN)))))
                .containsExactly(applied);
        assertThat(com.uirig.session.ApplySession.withExpectations(plan, List.of(), Map.of())).isEmpty();
    }
}
