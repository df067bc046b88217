package com.uirig.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.Golden;
import com.uirig.config.Inventory;
import com.uirig.facts.LockFile;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Plan;
import com.uirig.plan.PlanTestSupport;
import com.uirig.plan.Planner;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Plans and drift-check reports, as text and JSON, equal their golden files under
 * src/test/resources/golden/plan and golden/check. After a deliberate change, regenerate with
 * {@code mvn test -Dtest=ReportGoldenTest -Duirig.updateGolden=true} and review the diff.
 */
class ReportGoldenTest {
    private static final Inventory PROD = PlanTestSupport.prod();
    private static final DesiredHost A = PROD.host("server-a").orElseThrow();
    private static final DesiredHost B = PROD.host("server-b").orElseThrow();

    /** Converged prod but for four drifts on server-a: a table file edited, a bridge member, a service, pf. */
    private static Plan drifted() {
        return PlanTestSupport.planWith(PROD, "server-a", o -> PlanTestSupport.pfDisabled(PlanTestSupport.serviceStopped(
                PlanTestSupport.bridgeMemberMissing(PlanTestSupport.tableFileEdited(o)), "pg_j", "spiped")));
    }

    private static void assertPlan(String name, Plan plan) {
        String text = PlanText.render(plan);
        String json = PlanJson.render(plan);
        assertNoSecret(text + json);
        Golden.assertMatches("plan/" + name + ".txt", text);
        Golden.assertMatches("plan/" + name + ".json", json);
    }

    @Test
    void theOfflinePlanOfProd() {
        assertPlan("fresh-prod", Planner.plan(PROD.hosts(), PlanTestSupport.fresh(PROD)));
    }

    @Test
    void thePlanOfADriftedServerA() {
        assertPlan("drift-server-a", drifted());
    }

    @Test
    void theCheckReportOfDriftAFailedExpectationAnUnreachableAndABusyHost() {
        CheckReport r = CheckReport.of("prod", List.of(A, B, named("server-c", B), named("server-d", B)), drifted(),
                Map.of("server-c", "server-c: cannot connect to admin@192.0.2.175:22: no answer within 10 s"
                                + " (the host is down, or a firewall drops the connection)",
                        "server-d", "server-d: busy: another uirig run holds " + LockFile.PATH + "; its state may be half-way"),
                Set.of("server-d"),
                Map.of("server-a", CheckReportTest.results(A, "https_public"), "server-b", CheckReportTest.results(B, "")));
        CheckReport fixed = new CheckReport(r.inventory(), Instant.parse("2026-01-15T03:00:00Z"), r.hosts());
        assertNoSecret(fixed.text(true) + fixed.json());
        Golden.assertMatches("check/drift.txt", fixed.text(false));
        Golden.assertMatches("check/drift-verbose.txt", fixed.text(true));
        Golden.assertMatches("check/drift.json", fixed.json());
    }

    /** A key's bytes are never read into a plan, and its hash on the host is never shown. */
    private static void assertNoSecret(String output) {
        assertThat(output).doesNotContain(PlanTestSupport.KEY_HASH);
    }

    /** {@code h} under another name: the report of a host it could not check shows only its name and error. */
    private static DesiredHost named(String name, DesiredHost h) {
        return new DesiredHost(name, h.ssh(), h.peer(), h.expectations(), h.kinds());
    }
}
