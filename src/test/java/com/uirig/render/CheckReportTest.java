package com.uirig.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.expect.ExpectationResult;
import com.uirig.expect.ExpectationResult.Found;
import com.uirig.model.DesiredHost;
import com.uirig.model.Expectation;
import com.uirig.plan.Plan;
import com.uirig.plan.PlanTestSupport;
import com.uirig.plan.Planner;
import com.uirig.plan.Resources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A failed expectation is reported like drift: host status, exit 2, a text line and JSON fields. */
class CheckReportTest {
    private static final Inventory PROD = InventoryLoader.load(Path.of("inventory/prod"));
    private static final DesiredHost A = PROD.host("server-a").orElseThrow();
    private static final DesiredHost B = PROD.host("server-b").orElseThrow();

    /** Every expectation of {@code h} passed, except {@code failing} (found closed: timed out). */
    static List<ExpectationResult> results(DesiredHost h, String failing) {
        List<ExpectationResult> out = new ArrayList<>();
        for (Expectation x : h.expectations()) {
            boolean pass = !x.name().equals(failing);
            Found found = (x.expect() == Expectation.Reach.OPEN) == pass ? Found.OPEN : Found.CLOSED;
            out.add(new ExpectationResult(x, found, found == Found.CLOSED ? "timed out after 3 s" : "connected"));
        }
        return out;
    }

    private static CheckReport report(Map<String, List<ExpectationResult>> expectations) {
        // An empty plan: no resource drifted on either host.
        return CheckReport.of("prod", List.of(A, B), inSync(List.of(A, B)), Map.of(), Set.of(), expectations);
    }

    @Test
    void aFailedExpectationIsDriftWithALineUnderItsHost() {
        CheckReport r = report(Map.of("server-a", results(A, "https_public"), "server-b", results(B, "")));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.hosts()).extracting(CheckReport.HostResult::status)
                .containsExactly(CheckReport.Status.DRIFT, CheckReport.Status.IN_SYNC);
        assertThat(r.text(false)).isEqualTo("server-a: 1 of 11 expectations failed\n"
                + "  expect[https_public]: tcp 192.0.2.155:443 from orchestrator: expected open, found closed (timed out after 3 s)\n");
        int resources = Resources.of(A).size();
        String verbose = r.text(true);
        assertThat(verbose).contains("  expect[https_public]: tcp 192.0.2.155:443 from orchestrator: expected open, found closed",
                "  nic[xnic]: in sync\n",
                "  expect[postgres_closed]: tcp 192.0.2.155:5432 from orchestrator: closed, as expected (timed out after 3 s)\n",
                "server-b: in sync (" + resources + " resources)\n",
                "  expect[no_egress_node_j]: tcp 192.0.2.80:80 from node_j: closed, as expected (timed out after 3 s)\n");
        assertThat(verbose.lines().filter(l -> l.startsWith("  expect[")).count()).isEqualTo(22);
    }

    @Test
    void theJsonListsFailedExpectationsWithWhatWasFoundAndThePassedOnes() throws Exception {
        CheckReport r = report(Map.of("server-a", results(A, "postgres_closed"), "server-b", results(B, "")));
        JsonNode root = new ObjectMapper().readTree(r.json());
        assertThat(root.get("status").asText()).isEqualTo("drift");
        JsonNode a = root.get("hosts").get(0);
        assertThat(a.get("status").asText()).isEqualTo("drift");
        assertThat(a.get("drifted")).isEmpty();
        assertThat(a.get("in_sync")).hasSize(Resources.of(A).size());
        assertThat(a.get("expectations_failed")).hasSize(1);
        JsonNode failed = a.get("expectations_failed").get(0);
        assertThat(new ObjectMapper().writeValueAsString(failed)).isEqualTo("{\"resource\":\"expect[postgres_closed]\","
                + "\"from\":\"orchestrator\",\"to\":\"192.0.2.155\",\"tcp\":5432,\"expect\":\"closed\",\"found\":\"open\","
                + "\"detail\":\"connected\"}");
        assertThat(a.get("expectations_passed")).hasSize(10);
        assertThat(a.get("expectations_passed").get(0).asText()).isEqualTo("expect[https_public]");
        JsonNode b = root.get("hosts").get(1);
        assertThat(b.get("status").asText()).isEqualTo("in_sync");
        assertThat(b.get("expectations_failed")).isEmpty();
        assertThat(b.get("expectations_passed")).hasSize(11);
    }

    @Test
    void driftAndAFailedExpectationShareTheHostsLine() {
        Plan fresh = Planner.plan(PROD.hosts(), Map.of("server-a", PlanTestSupport.fresh(A), "server-b", PlanTestSupport.fresh(B)));
        CheckReport r = CheckReport.of("prod", List.of(A), fresh, Map.of(), Set.of(), Map.of("server-a", results(A, "no_egress_node_j")));
        assertThat(r.exitCode()).isEqualTo(2);
        String first = r.text(false).lines().findFirst().orElseThrow();
        int changes = fresh.hosts().get(0).changes().size();
        assertThat(first).isEqualTo("server-a: drift in " + changes + " of " + Resources.of(A).size()
                + " resources; 1 of 11 expectations failed");
        assertThat(r.text(false)).endsWith("  expect[no_egress_node_j]: tcp 192.0.2.80:80 from node_j: expected closed,"
                + " found open (connected)\n");
    }

    @Test
    void allExpectationsMetIsInSyncAndSilent() {
        CheckReport r = report(Map.of("server-a", results(A, ""), "server-b", results(B, "")));
        assertThat(r.exitCode()).isZero();
        assertThat(r.text(false)).isEmpty();
    }

    @Test
    void anUnreachableHostStaysAnErrorAndListsNoExpectations() throws Exception {
        CheckReport r = CheckReport.of("prod", List.of(A, B), inSync(List.of(A, B)), Map.of("server-b", "server-b: cannot connect"),
                Set.of(), Map.of("server-a", results(A, "ssh_public")));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.text(false)).isEqualTo("server-a: 1 of 11 expectations failed\n"
                + "  expect[ssh_public]: tcp 192.0.2.155:22 from orchestrator: expected open, found closed (timed out after 3 s)\n"
                + "server-b: not checked: server-b: cannot connect\n");
        JsonNode b = new ObjectMapper().readTree(r.json()).get("hosts").get(1);
        assertThat(b.get("status").asText()).isEqualTo("unreachable");
        assertThat(b.get("expectations_failed")).isEmpty();
    }

    @Test
    void aRollbackLeftByAnEarlierRunIsDriftEvenWhenEveryResourceIsInSync() throws Exception {
        var pending = com.uirig.facts.PendingRollback.parse(
                "armed /var/run/uirig-rollback.Xy12Ab - pf_table[xpeers] 1796126400 1796126460\n");
        CheckReport r = CheckReport.of("prod", List.of(A, B), inSync(List.of(A, B)), Map.of(), Set.of(), Map.of(),
                Map.of("server-a", pending));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.hosts()).extracting(CheckReport.HostResult::status)
                .containsExactly(CheckReport.Status.DRIFT, CheckReport.Status.IN_SYNC);
        assertThat(r.text(false)).isEqualTo("server-a: 1 rollback(s) left by a run that did not confirm them\n"
                + "  rollback /var/run/uirig-rollback.Xy12Ab: the rollback of pf_table[xpeers] armed at 2026-12-01T12:00:00Z"
                + " by a run that did not confirm it fires at 2026-12-01T12:01:00Z and would restore the state before that"
                + " change; the next apply takes it over\n");
        JsonNode host = new ObjectMapper().readTree(r.json()).get("hosts").get(0);
        assertThat(host.get("status").asText()).isEqualTo("drift");
        assertThat(host.at("/rollbacks_pending/0/resource").asText()).isEqualTo("pf_table[xpeers]");
        assertThat(host.at("/rollbacks_pending/0/state").asText()).isEqualTo("armed");
        assertThat(host.at("/rollbacks_pending/0/fires").asText()).isEqualTo("2026-12-01T12:01:00Z");
        assertThat(host.at("/rollbacks_pending/0/fired").isNull()).isTrue();
    }

    /** The plan of hosts found in sync: every resource planned NOOP, as Planner gives it for a converged host. */
    private static Plan inSync(List<com.uirig.model.DesiredHost> hosts) {
        return new Plan(hosts.stream().map(h -> new com.uirig.plan.HostPlan(h.name(), List.of(),
                Planner.ordered(Resources.of(h)).stream().map(com.uirig.plan.Resource::address).toList())).toList());
    }
}
