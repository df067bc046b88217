package com.uirig.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uirig.apply.StepRunner;
import com.uirig.cli.Main;
import com.uirig.config.Inventory;
import com.uirig.facts.FactsGatherer;
import com.uirig.facts.ObservedHost;
import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Planner;
import com.uirig.ssh.SshConnector;
import com.uirig.ssh.Transport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * uirig against two simulated FreeBSD hosts over real SSH: facts of fresh hosts, the live plan,
 * convergence with the plan's own commands, and drift found by check. The tests run in order:
 * each starts from the state the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreeBsdHostsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static SimulatedHosts sim;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        sim = new SimulatedHosts(dir);
        Result trust = uirig("trust", sim.inventory().toString(), "--yes");
        assertThat(trust.code()).as(trust.err()).isZero();
    }

    @AfterAll
    static void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    static Result uirig(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** (resource, action, commands) of each change, per host. */
    private static List<String> shape(JsonNode plan) {
        List<String> out = new ArrayList<>();
        plan.get("hosts").forEach(h -> h.get("changes").forEach(c -> out.add(h.get("host").asText() + " "
                + c.get("resource").asText() + " " + c.get("action").asText() + " " + c.get("commands"))));
        return out;
    }

    /** Brings every host to the desired state by running the live plan's own steps over SSH. */
    static Plan converge() throws Exception {
        Inventory inv = sim.loadInventory();
        try (SshConnector connector = new SshConnector(SimulatedHosts.TIMEOUT)) {
            List<FactsGatherer.Outcome> facts = FactsGatherer.gather(inv.hosts(), sim.inventory(), 2, SimulatedHosts.TIMEOUT);
            Map<String, ObservedHost> observed = new LinkedHashMap<>();
            for (FactsGatherer.Outcome o : facts) {
                assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
                observed.put(o.host(), o.facts().observed());
            }
            Plan plan = Planner.plan(inv.hosts(), observed);
            Map<String, Transport> conns = sim.connect(connector);
            try {
                StepRunner runner = new StepRunner(conns::get, SimulatedHosts.TIMEOUT);
                for (HostPlan h : plan.hosts()) {
                    for (Change c : h.changes()) {
                        runner.run(h.host(), c);
                    }
                }
            } finally {
                conns.values().forEach(Transport::close);
            }
            return plan;
        }
    }

    @Test
    @Order(1)
    void factsOfFreshHosts() throws Exception {
        Result r = uirig("facts", sim.inventory().toString(), "--output", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = json(r.out()).get("hosts").get(0);
        assertThat(a.get("host").asText()).isEqualTo("server-a");
        List<String> names = new ArrayList<>();
        a.get("interfaces").forEach(i -> names.add(i.get("name").asText()));
        assertThat(names).contains("lo0", "em0", "em1");
        assertThat(a.get("jails").size()).isZero();
        assertThat(a.get("pf").get("enabled").asBoolean()).isFalse();
        assertThat(a.get("unknown").size()).isZero();
        assertThat(a.get("rc_conf").get("/etc/rc.conf").get("sshd_enable").asText()).isEqualTo("YES");
    }

    @Test
    @Order(2)
    void theLivePlanOfFreshHostsIsTheOfflinePlan() throws Exception {
        Result live = uirig("plan", sim.inventory().toString(), "--output", "json");
        Result offline = uirig("plan", sim.inventory().toString(), "--offline", "--output", "json");
        assertThat(live.code()).as(live.err()).isEqualTo(Main.CHANGES);
        assertThat(shape(json(live.out()))).isEqualTo(shape(json(offline.out())));
    }

    @Test
    @Order(3)
    void thePlansCommandsConvergeBothHostsAndCheckFindsThemInSync() throws Exception {
        Plan applied = converge();
        assertThat(applied.hosts()).allSatisfy(h -> assertThat(h.changes()).isNotEmpty());
        Result check = uirig("check", sim.inventory().toString(), "-v");
        assertThat(check.code()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("server-a: in sync (47 resources)", "server-b: in sync (47 resources)");
        Result plan = uirig("plan", sim.inventory().toString());
        assertThat(plan.code()).as(plan.out()).isZero();
        assertThat(plan.out()).contains("server-a\n  nothing to do");
    }
}
