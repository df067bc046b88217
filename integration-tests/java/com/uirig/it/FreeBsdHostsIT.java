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

    /** A drift made on a host's console, and the resource check must name. */
    record Drift(String host, String command, String resource) {}

    @Test
    @Order(4)
    void eachKindOfDriftIsReportedOnItsResourceAndRepaired() throws Exception {
        List<Drift> drifts = List.of(
                new Drift("server-a", "sysrc pf_enable=NO", "rc_conf[host]"),
                new Drift("server-a", "ifconfig xbridge deletem pg_a", "bridge[xbridge]"),
                new Drift("server-b", "pfctl -d", "pf[/etc/pf.conf]"),
                new Drift("server-b", "pfctl -F rules", "pf[/etc/pf.conf]"),
                new Drift("server-a", "jail -r nginx_j", "jail[nginx_j]"),
                new Drift("server-b", "dd if=/dev/urandom of=/jails/node_j/etc/spiped.key bs=32 count=1 status=none",
                        "spiped_key[db]"),
                new Drift("server-a", "echo 203.0.113.99 >> /etc/ips_xnic_peers", "pf_table[xpeers]"),
                new Drift("server-b", "jexec pg_j service spiped stop", "service[pg_j/spiped]"),
                new Drift("server-a", "pkill -F /jails/pg_j/var/run/spiped_PGS.pid", "service[pg_j/spiped]"));
        for (Drift d : drifts) {
            sim.exec(d.host(), d.command());
            Result check = uirig("check", sim.inventory().toString(), "--output", "json");
            assertThat(check.code()).as(d + "\n" + check.out() + check.err()).isEqualTo(Main.CHANGES);
            JsonNode report = json(check.out());
            assertThat(report.get("status").asText()).isEqualTo("drift");
            for (JsonNode h : report.get("hosts")) {
                List<String> drifted = new ArrayList<>();
                h.get("drifted").forEach(x -> drifted.add(x.get("resource").asText()));
                if (h.get("host").asText().equals(d.host())) {
                    assertThat(h.get("status").asText()).isEqualTo("drift");
                    assertThat(drifted).as(d.toString()).contains(d.resource());
                } else {
                    assertThat(drifted).as("other host after " + d).isEmpty();
                }
            }
            converge();
            Result after = uirig("check", sim.inventory().toString());
            assertThat(after.code()).as("repaired " + d + "\n" + after.out() + after.err()).isZero();
            assertThat(after.out()).isEmpty();
        }
    }

    @Test
    @Order(5)
    void savedFactsGiveTheSameFactsWithoutSsh() throws Exception {
        Path saved = dir.resolve("saved");
        Result live = uirig("facts", sim.inventory().toString(), "--host", "server-a", "--output", "json", "--save", saved.toString());
        assertThat(live.code()).as(live.err()).isZero();
        assertThat(saved.resolve("server-a/ifconfig.txt")).exists();
        assertThat(Files.readString(saved.resolve("server-a/ifconfig.txt"))).isEqualTo(sim.exec("server-a", "ifconfig -a"));
        Result again = uirig("facts", "--from", saved.resolve("server-a").toString(), "--output", "json");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(json(again.out())).isEqualTo(json(live.out()));
        Result plan = uirig("plan", sim.inventory().toString(), "--facts", saved.toString(), "--host", "server-a");
        assertThat(plan.code()).as(plan.out() + plan.err()).isZero();
        assertThat(plan.out()).contains("server-a\n  nothing to do");
    }

    @Test
    @Order(6)
    void anUnreachableHostOrAChangedKeyFailsThatHostOnly() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path down = sim.writeInventory("down", Map.of("server-b", closed));
        Result r = uirig("check", down.toString(), "--output", "json");
        assertThat(r.code()).isEqualTo(Main.ERROR);
        JsonNode report = json(r.out());
        assertThat(report.get("hosts").get(0).get("status").asText()).isEqualTo("in_sync");
        assertThat(report.get("hosts").get(1).get("status").asText()).isEqualTo("unreachable");
        assertThat(report.get("hosts").get(1).get("error").asText()).contains("cannot connect");

        String knownHosts = Files.readString(sim.knownHosts);
        try {
            String field = "[127.0.0.1]:" + sim.port("server-b") + " ";
            String recorded = knownHosts.lines().filter(l -> l.startsWith(field)).findFirst().orElseThrow();
            String type = recorded.split(" ")[1];
            int bits = type.startsWith("ecdsa") ? Integer.parseInt(type.substring(type.length() - 3)) : type.equals("ssh-rsa") ? 2048 : 256;
            String other = com.uirig.ssh.KnownHosts.openSsh(org.apache.sshd.common.config.keys.KeyUtils
                    .generateKeyPair(type, bits).getPublic());
            String replaced = knownHosts.replace(recorded, field + other);
            Files.writeString(sim.knownHosts, replaced);
            Result k = uirig("check", sim.inventory().toString());
            assertThat(k.code()).isEqualTo(Main.ERROR);
            assertThat(k.out()).contains("server-b: not checked: server-b: CHANGED host key").doesNotContain("server-a");
        } finally {
            Files.writeString(sim.knownHosts, knownHosts);
        }
    }
}
