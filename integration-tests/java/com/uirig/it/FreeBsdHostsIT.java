package com.uirig.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uirig.cli.Main;
import com.uirig.it.SimulatedHosts.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * apply and its verification, traffic through the tunnels, drift found by check and repaired by
 * apply, locks, bad input. The tests run in order: each starts from the state the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreeBsdHostsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static SimulatedHosts sim;

    @BeforeAll
    static void start() throws Exception {
        sim = new SimulatedHosts(dir);
        Result trust = uirig("trust", sim.inventory().toString(), "--yes");
        assertThat(trust.code()).as(trust.err()).isZero();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        // -Duirig.it.pause=SECONDS keeps the simulated hosts that long after the tests, to look at them.
        Thread.sleep(Long.getLong("uirig.it.pause", 0L) * 1000);
        if (sim != null) {
            sim.close();
        }
    }

    /** Runs uirig on the orchestrator (192.0.2.5, in {@code <xpeers>}): its SSH passes pf on xnic. */
    static Result uirig(String... args) {
        return sim.uirig(args);
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

    static Path journal() {
        return dir.resolve("journal.jsonl");
    }

    /** Converges every host with 'uirig apply --yes'; it must verify. */
    static Result apply() {
        Result r = uirig("apply", sim.inventory().toString(), "--yes", "--journal", journal().toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        return r;
    }

    @Test
    @Order(10)
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
    @Order(20)
    void theLivePlanOfFreshHostsIsTheOfflinePlan() throws Exception {
        Result live = uirig("plan", sim.inventory().toString(), "--output", "json");
        Result offline = uirig("plan", sim.inventory().toString(), "--offline", "--output", "json");
        assertThat(live.code()).as(live.err()).isEqualTo(Main.CHANGES);
        assertThat(shape(json(live.out()))).isEqualTo(shape(json(offline.out())));
    }

    /** How many changes the live plan has for each host, in inventory order. */
    private static List<Integer> changeCounts() throws Exception {
        Result plan = uirig("plan", sim.inventory().toString(), "--output", "json");
        List<Integer> out = new ArrayList<>();
        json(plan.out()).get("hosts").forEach(h -> out.add(h.get("changes").size()));
        return out;
    }

    static int freshChanges;

    @Test
    @Order(25)
    void aFreshHostRefusesRootAndBecomeIsWhatTheHostAllows() throws Exception {
        // FreeBSD's sshd: PermitRootLogin no. The prod inventory logs in as admin with doas.
        Path asRoot = sim.writeInventory("as-root", Map.of());
        Path hosts = asRoot.resolve("hosts.yml");
        Files.writeString(hosts, Files.readString(hosts).replace("  user: admin\n  become: doas\n", "  user: root\n"));
        Result root = uirig("check", asRoot.toString(), "--timeout", "10");
        assertThat(root.code()).isEqualTo(Main.ERROR);
        assertThat(root.out()).contains("server-a: not checked: server-a: authentication as root failed");
        // sudo works as well as doas (the wheel rule without a password) ...
        Path sudo = sim.writeInventory("sudo", Map.of());
        Files.writeString(sudo.resolve("hosts.yml"), Files.readString(sudo.resolve("hosts.yml")).replace("become: doas", "become: sudo"));
        Result facts = uirig("facts", sudo.toString(), "--output", "json");
        assertThat(facts.code()).as(facts.err()).isZero();
        assertThat(json(facts.out()).get("hosts").get(1).get("unknown").size()).isZero();
        // ... and a doas.conf that does not allow admin is named as the problem, on that host only.
        sim.exec("server-b", "cp /usr/local/etc/doas.conf /tmp/doas.conf && echo 'permit nopass root' > /usr/local/etc/doas.conf");
        try {
            Result refused = uirig("check", sim.inventory().toString());
            assertThat(refused.code()).isEqualTo(Main.ERROR);
            assertThat(refused.out()).contains("server-b: not checked: server-b: doas refused to run commands as root for admin (doas:")
                    .contains("permit nopass admin").doesNotContain("server-a: not checked");
        } finally {
            sim.exec("server-b", "cp /tmp/doas.conf /usr/local/etc/doas.conf");
        }
        // Commands a non-root user runs get no root through the simulator either.
        assertThat(sim.exec("server-a", "su -s /bin/sh admin -c 'ifconfig bridge create' 2>&1 || true"))
                .isEqualTo("ifconfig: SIOCIFCREATE2: Operation not permitted\n");
    }

    @Test
    @Order(30)
    void aFreshApplyConvergesBothHostsAndVerifies() throws Exception {
        List<Integer> planned = changeCounts();
        freshChanges = planned.get(0);
        Result r = apply();
        assertThat(r.out()).contains("server-a: [1/" + planned.get(0) + "] nic[xnic]: create ok")
                .contains("server-a: " + planned.get(0) + " changed, 0 failed, verified",
                        "server-b: " + planned.get(1) + " changed, 0 failed, verified")
                // The DHCP lease's default route is changed, not added; packages come through the window.
                .contains("route[default]: update ok", "pkg[bootstrap]: create ok", "pf[egress]: update ok",
                        "run_once[pg_j/initdb]: create ok")
                // Fetching the seed's packages takes long: apply says that it still runs.
                .contains("still running 'pkg -j pg_j install -y");
        int resources = com.uirig.plan.Resources.of(com.uirig.config.InventoryLoader.load(sim.inventory())
                .host("server-a").orElseThrow()).size();
        Result check = uirig("check", sim.inventory().toString(), "-v");
        assertThat(check.code()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("server-a: in sync (" + resources + " resources)", "server-b: in sync (" + resources + " resources)");
        Result plan = uirig("plan", sim.inventory().toString());
        assertThat(plan.code()).as(plan.out()).isZero();
        assertThat(plan.out()).contains("server-a\n  nothing to do");
        // The key never left the hosts' jails but is the same on all four ends.
        String key = sim.exec("server-a", "sha256 -q /jails/pg_j/etc/spiped.key");
        assertThat(sim.exec("server-a", "sha256 -q /jails/node_j/etc/spiped.key")).isEqualTo(key);
        assertThat(sim.exec("server-b", "sha256 -q /jails/pg_j/etc/spiped.key")).isEqualTo(key);
        assertThat(sim.exec("server-b", "stat -f %Lp /jails/node_j/etc/spiped.key")).isEqualTo("600\n");
        assertThat(Files.readString(journal())).doesNotContain(key.trim());
    }

    @Test
    @Order(40)
    void aSecondApplyChangesNothing() throws Exception {
        Result r = apply();
        assertThat(r.out()).contains("server-a: nothing to change, in sync", "server-b: nothing to change, in sync");
        Result log = uirig("log", "--journal", journal().toString());
        assertThat(log.out().lines().toList()).hasSize(2);
        assertThat(log.out()).contains("test ok", "server-a: " + freshChanges + " changed, 0 failed, verified");
        // The run-once command ran once: the cluster initdb made is still the first one.
        assertThat(sim.exec("server-a", "cat /jails/pg_j/var/db/postgres/data16/PG_VERSION")).isEqualTo("15\n");
    }

    @Test
    @Order(45)
    void aPageFromTheInternetIsBuiltByNodeFromThePeersDatabaseThroughN2P() {
        for (String host : List.of("server-a", "server-b")) {
            String peer = host.equals("server-a") ? "192.168.56.41" : "192.168.56.40";
            var r = sim.internet("python3 " + PROBES + "http.py " + SimulatedHosts.CLIENTS.get(0) + " "
                    + SimulatedHosts.PUBLIC.get(host) + " 80");
            assertThat(r.getExitCode()).as(r.getStderr()).isZero();
            // public port -> rdr -> nginx_j (real nginx) -> node_j's app -> N2P -> the peer's real PostgreSQL.
            assertThat(r.getStdout()).as(host).startsWith("HTTP/1.1 200 OK\n")
                    .contains("node-" + host.substring(7) + ".uirig.com asked the peer's database through N2P: cluster pg-"
                            + (host.equals("server-a") ? "b" : "a") + ".uirig.com at " + peer + " answered (PostgreSQL 15");
        }
        // PostgreSQL listens on the tunnels' target only, and accepts only the tunnels' source.
        assertThat(fromJail("server-b", "pg_j", "127.0.0.1", 5432, "")).isEqualTo("refused");
        // cron runs the seed's job and nothing uirig left beside it (no backup or temporary file).
        assertThat(sim.exec("server-a", "/usr/lib/uirig-sim/freebsd-sim cronlines")).contains(
                "/etc/cron.d/uirig: * * * * *\troot\t/sbin/pfctl -t ratelimit -T expire 180").doesNotContain("uirig-");
    }

    @Test
    @Order(50)
    void trafficFlowsThroughTheTunnelsAndTheJailToJailCable() throws Exception {
        // Which PostgreSQL answers a query through a tunnel: it names its own address.
        String psql = " /usr/lib/postgresql/15/bin/psql -U postgres -d postgres -tAc 'SELECT inet_server_addr()' -p ";
        // node_j on server-a -> its N2P pipe -> server-b's pg_j N2P pipe -> server-b's database.
        assertThat(sim.exec("server-a", "jexec node_j" + psql + "5432 -h 192.168.56.30")).isEqualTo("192.168.56.41\n");
        // Replication: server-a's PGC pipe -> server-b's PGS pipe -> server-b's database, and back.
        assertThat(sim.exec("server-a", "jexec pg_j" + psql + "5435 -h 192.168.56.40")).isEqualTo("192.168.56.41\n");
        assertThat(sim.exec("server-b", "jexec pg_j" + psql + "5435 -h 192.168.56.41")).isEqualTo("192.168.56.40\n");
        // nginx_j reaches node_j's app over the jail-to-jail epair.
        assertThat(sim.exec("server-a", "jexec nginx_j python3 " + PROBES + "http.py - 10.0.3.30 3000")).startsWith("HTTP/1.1 200 OK\n");
    }

    // ---------------------------------------------------------------- the firewall, proven by traffic
    // Each of these fails if pf were not enforced: without pf there is no rdr (the public ports
    // would be refused by the host itself), no nat (the jails' packets would get no answer), and
    // nothing would be dropped (closed ports would be refused, not time out).

    private static final String PROBES = "/usr/local/lib/uirig-probes/";

    /** One TCP attempt from an outside client's address on the simulated internet. */
    private static String fromInternet(String src, String dst, int port, String message) {
        var r = sim.internet("python3 " + PROBES + "tcp.py " + src + " " + dst + " " + port + " " + message);
        assertThat(r.getExitCode()).as(r.getStderr()).isZero();
        return r.getStdout().trim();
    }

    /** One TCP attempt from the orchestrator (192.0.2.5, in {@code <xpeers>}). */
    private static String fromOrchestrator(String dst, int port, String message) {
        Result r = sim.orchestrator("python3 " + Path.of("integration-tests/probes/tcp.py").toAbsolutePath() + " - " + dst + " "
                + port + " " + message);
        assertThat(r.code()).as(r.err()).isZero();
        return r.out().trim();
    }

    /** One TCP attempt from inside a jail of a host. */
    private static String fromJail(String host, String jail, String dst, int port, String message) {
        return sim.exec(host, "jexec " + jail + " python3 " + PROBES + "tcp.py - " + dst + " " + port + " " + message).trim();
    }

    @Test
    @Order(51)
    void theWebPortsReachNginxFromAnywhereAndSshOnlyFromThePeers() {
        for (String host : List.of("server-a", "server-b")) {
            String ip = SimulatedHosts.PUBLIC.get(host);
            // The jails' sshd (a stand-in listener on port 22 inside each jail).
            for (String jail : List.of("nginx_j", "node_j", "pg_j")) {
                sim.exec(host, "jexec " + jail + " sh -c 'python3 " + PROBES + "listen.py 22 /tmp/sshd-" + jail
                        + ".pid </dev/null >/dev/null 2>&1 &'; for i in $(seq 50); do [ -s /tmp/sshd-" + jail
                        + ".pid ] && break; sleep 0.1; done");
            }
            String client = SimulatedHosts.CLIENTS.get(0);
            // rdr on xnic ... port { 443 80 } -> nginx_j, passed in on xnic and out on xbridge.
            // nginx answers what is no HTTP request with 400.
            assertThat(fromInternet(client, ip, 80, "web\n")).as(host).startsWith("open HTTP/1.1 400 Bad Request");
            assertThat(fromInternet(client, ip, 443, "tls\n")).as(host).startsWith("open HTTP/1.1 400 Bad Request");
            // SSH to the host and to the jails (rdr 2220/2230/2240) only from <xpeers>.
            assertThat(fromInternet(client, ip, 22, "")).as(host).isEqualTo("timeout");
            for (int port : List.of(2220, 2230, 2240)) {
                assertThat(fromOrchestrator(ip, port, "jail-ssh")).as(host + " " + port).isEqualTo("open jail-ssh");
                assertThat(fromInternet(client, ip, port, "")).as(host + " " + port).isEqualTo("timeout");
            }
            // The database and the tunnels' ports are dropped from everywhere outside ('block all').
            for (int port : List.of(5432, 5433, 5434, 5435)) {
                assertThat(fromOrchestrator(ip, port, "")).as(host + " " + port).isEqualTo("timeout");
                assertThat(fromInternet(client, ip, port, "")).as(host + " " + port).isEqualTo("timeout");
            }
        }
    }

    @Test
    @Order(52)
    void onlyTheNodeJailReachesTheInternetAndOnlyItsServices() {
        for (String host : List.of("server-a", "server-b")) {
            String payments = SimulatedHosts.PAYMENTS.get(0);
            for (String resolver : SimulatedHosts.RESOLVERS) {
                assertThat(sim.exec(host, "jexec node_j python3 " + PROBES + "dns.py " + resolver + " api.stripe.com").trim())
                        .as(host + " dns " + resolver).isEqualTo(payments);
            }
            // The services greet with their name (the echo of what was sent may come with it).
            assertThat(fromJail(host, "node_j", payments, 443, "charge")).as(host).startsWith("open payments " + payments);
            assertThat(fromJail(host, "node_j", SimulatedHosts.EMAIL, 465, "mail")).as(host)
                    .startsWith("open email " + SimulatedHosts.EMAIL);
            // Nothing else outside: not the package mirror ...
            assertThat(fromJail(host, "node_j", SimulatedHosts.MIRROR, 80, "")).as(host).isEqualTo("timeout");
            // ... and the other jails reach nothing outside at all.
            for (String jail : List.of("nginx_j", "pg_j")) {
                assertThat(fromJail(host, jail, payments, 443, "")).as(host + " " + jail).isEqualTo("timeout");
                assertThat(sim.exec(host, "jexec " + jail + " python3 " + PROBES + "dns.py 1.1.1.1 api.stripe.com").trim())
                        .as(host + " " + jail + " dns").isEqualTo("timeout");
            }
        }
    }

    @Test
    @Order(53)
    void theTunnelsPassBetweenTheServersButTheDatabasePortDoesNot() throws Exception {
        trafficFlowsThroughTheTunnelsAndTheJailToJailCable();
        // pg_j straight to the peer's database port, not through a tunnel: no pass rule.
        assertThat(fromJail("server-a", "pg_j", "192.168.56.41", 5432, "")).isEqualTo("timeout");
        assertThat(fromJail("server-b", "node_j", "192.168.56.40", 5432, "")).isEqualTo("timeout");
    }

    @Test
    @Order(54)
    void aBurstFromOneSourceLandsInRatelimitCutsItsConnectionsUntilTheEntryExpires() {
        String ip = SimulatedHosts.PUBLIC.get("server-a");
        String noisy = SimulatedHosts.CLIENTS.get(1);
        var r = sim.internet("python3 " + PROBES + "burst.py " + noisy + " " + ip + " 80 110");
        assertThat(r.getExitCode()).as(r.getStderr()).isZero();
        // max-src-conn-rate 100/10, overload <ratelimit> flush global
        assertThat(r.getStdout()).contains("before=HTTP/1.1 200 OK", "after=cut");
        assertThat(sim.exec("server-a", "pfctl -t ratelimit -T show")).isEqualTo("   " + noisy + "\n");
        assertThat(fromInternet(noisy, ip, 80, "again")).isEqualTo("timeout");
        assertThat(fromInternet(SimulatedHosts.CLIENTS.get(0), ip, 80, "others\n")).startsWith("open HTTP/1.1 400");
        // The seed's cron job, with a shorter age: entries older than 0 s go (the burst took longer).
        sim.exec("server-a", "/sbin/pfctl -t ratelimit -T expire 0 2>/dev/null || pfctl -t ratelimit -T expire 0");
        assertThat(sim.exec("server-a", "pfctl -t ratelimit -T show")).isEmpty();
        assertThat(fromInternet(noisy, ip, 80, "back\n")).startsWith("open HTTP/1.1 400");
    }

    @Test
    @Order(55)
    void aFailedExpectationIsReportedLikeDrift() throws Exception {
        Result ok = uirig("check", sim.inventory().toString(), "-v");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        // server-b's database stops: server-a's app no longer gets an answer through N2P.
        sim.exec("server-b", "jexec pg_j service postgresql stop");
        try {
            Result r = uirig("check", sim.inventory().toString(), "--output", "json");
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.CHANGES);
            JsonNode a = json(r.out()).get("hosts").get(0);
            assertThat(a.get("host").asText()).isEqualTo("server-a");
            assertThat(a.get("status").asText()).isEqualTo("drift");
            assertThat(a.get("expectations_failed").toString()).contains("expect[app_via_peer_db]");
            // The app says why: its query through N2P got no answer.
            var page = sim.internet("python3 " + PROBES + "http.py " + SimulatedHosts.CLIENTS.get(0) + " "
                    + SimulatedHosts.PUBLIC.get("server-a") + " 80");
            assertThat(page.getStdout()).startsWith("HTTP/1.1 502 Bad Gateway\n").contains("the peer's database did not answer");
        } finally {
            sim.exec("server-b", "jexec pg_j service postgresql start");
        }
        Result again = uirig("check", sim.inventory().toString());
        assertThat(again.code()).as(again.out() + again.err()).isZero();
    }

    /** A drift made on a host's console, and the resource check must name. */
    record Drift(String host, String command, String resource) {}

    @Test
    @Order(60)
    void eachKindOfDriftIsReportedOnItsResourceAndRepairedByApply() throws Exception {
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
                new Drift("server-a", "echo '* * * * * root /bin/date' >> /etc/cron.d/uirig", "cron[/etc/cron.d/uirig]"),
                new Drift("server-b", "jexec node_j service node stop", "service[node_j/node]"),
                new Drift("server-a", "p=/jails/pg_j/var/run/spiped_PGS.pid; pkill -F $p; while pgrep -F $p >/dev/null; do sleep 0.1; done",
                        "service[pg_j/spiped]"));
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
            apply();
            Result after = uirig("check", sim.inventory().toString());
            assertThat(after.code()).as("repaired " + d + "\n" + after.out() + after.err()).isZero();
            assertThat(after.out()).isEmpty();
        }
        // The repaired crontab's backup is no crontab: cron loads none of uirig's files but the crontab.
        assertThat(sim.exec("server-a", "ls -a /etc")).contains(".cron.d.uirig.uirig-prev");
        assertThat(sim.exec("server-a", "/usr/lib/uirig-sim/freebsd-sim cronlines")).doesNotContain("/bin/date", "uirig-prev");
    }

    @Test
    @Order(70)
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
    @Order(80)
    void anUnreachableHostOrAChangedKeyFailsThatHostOnly() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path down = sim.writeInventory("down", Map.of("server-b", closed));
        Result r = uirig("check", down.toString(), "--output", "json", "--timeout", "5");
        assertThat(r.code()).isEqualTo(Main.ERROR);
        JsonNode report = json(r.out());
        assertThat(report.get("hosts").get(0).get("status").asText()).isEqualTo("in_sync");
        assertThat(report.get("hosts").get(1).get("status").asText()).isEqualTo("unreachable");
        assertThat(report.get("hosts").get(1).get("error").asText()).contains("cannot connect");

        String knownHosts = Files.readString(sim.knownHosts);
        try {
            String field = SimulatedHosts.PUBLIC.get("server-b") + " ";
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

    @Test
    @Order(90)
    void aHostHeldByAnotherRunIsBusyForApplyAndCheck() throws Exception {
        sim.exec("server-b", "sysrc pf_enable=NO");
        sim.exec("server-b", "(lockf -s -t 0 /var/run/uirig.lock sleep 30 >/dev/null 2>&1 &) ; sleep 0.5");
        try {
            Result r = uirig("apply", sim.inventory().toString(), "--yes", "--journal", journal().toString());
            assertThat(r.code()).isEqualTo(Main.ERROR);
            assertThat(r.err()).contains("server-b: busy: another uirig run holds /var/run/uirig.lock; nothing is changed on it");
            assertThat(sim.exec("server-b", "sysrc -n pf_enable")).isEqualTo("NO\n");
            Result check = uirig("check", sim.inventory().toString(), "--output", "json");
            assertThat(check.code()).isEqualTo(Main.ERROR);
            assertThat(json(check.out()).get("hosts").get(1).get("status").asText()).isEqualTo("busy");
        } finally {
            sim.exec("server-b", "pkill -x sleep || true");
        }
        apply();
        assertThat(sim.exec("server-b", "sysrc -n pf_enable")).isEqualTo("YES\n");
    }

    @Test
    @Order(100)
    void aBrokenPlaybookChangesNothingOnAnyHost() throws Exception {
        sim.exec("server-a", "sysrc jail_enable=NO");
        String before = sim.exec("server-a", "sha256 -q /etc/rc.conf /etc/pf.conf /etc/jail.conf");
        Path playbook = dir.resolve("playbooks/network.yml");
        String good = Files.readString(playbook);
        Files.writeString(playbook, good.replace("inet: 10.0.2.1/24", "inet: 10.0.2.1/33"));
        try {
            Result r = uirig("apply", sim.inventory().toString(), "--yes", "--journal", journal().toString());
            assertThat(r.code()).isEqualTo(Main.ERROR);
            assertThat(r.err()).contains("invalid CIDR '10.0.2.1/33'", "nothing was changed on any host");
            assertThat(sim.exec("server-a", "sha256 -q /etc/rc.conf /etc/pf.conf /etc/jail.conf")).isEqualTo(before);
        } finally {
            Files.writeString(playbook, good);
        }
        apply();
    }

    @Test
    @Order(110)
    void applyRefusesWithoutATerminalOrYes() {
        Result r = uirig("apply", sim.inventory().toString(), "--journal", journal().toString());
        assertThat(r.code()).isEqualTo(Main.ERROR);
        assertThat(r.err()).contains("refusing to change hosts without a terminal");
    }

    @Test
    @Order(120)
    void rotatingKeysReplacesThemOnAllEndsAndTheTunnelsStillWork() throws Exception {
        String old = sim.exec("server-a", "sha256 -q /jails/pg_j/etc/spiped.key");
        Result r = uirig("apply", sim.inventory().toString(), "--yes", "--rotate-keys", "--journal", journal().toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("server-a: [1/3] spiped_key[db]: update ok", "service[node_j/spiped]: update ok");
        String key = sim.exec("server-a", "sha256 -q /jails/pg_j/etc/spiped.key");
        assertThat(key).isNotEqualTo(old);
        for (String host : List.of("server-a", "server-b")) {
            for (String jail : List.of("pg_j", "node_j")) {
                assertThat(sim.exec(host, "sha256 -q /jails/" + jail + "/etc/spiped.key")).as(host + " " + jail).isEqualTo(key);
            }
        }
        trafficFlowsThroughTheTunnelsAndTheJailToJailCable();
        assertThat(r.out()).doesNotContain(key.trim());
    }

    @Test
    @Order(130)
    void aFirewallChangeThatLocksOutSshIsRolledBackByTheHost() throws Exception {
        Path template = dir.resolve("playbooks/templates/pf.conf");
        String good = Files.readString(template);
        String before = sim.exec("server-a", "sha256 -q /etc/pf.conf");
        Files.writeString(template, good.replace("pass in  on xnic    proto tcp from <xpeers> to any          port 22",
                "pass in  on xnic    proto tcp from <xpeers> to any          port 2222"));
        try {
            Result r = uirig("apply", sim.inventory().toString(), "--yes", "--limit", "server-a", "--confirm-timeout", "12",
                    "--journal", journal().toString());
            assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.ERROR);
            assertThat(r.out()).contains("server-a: [1/1] pf[/etc/pf.conf]: FAILED: ROLLED BACK",
                    "restored its previous pf configuration by itself after 12 s and is reachable again");
            assertThat(sim.exec("server-a", "sha256 -q /etc/pf.conf")).isEqualTo(before);
            assertThat(sim.exec("server-a", "pfctl -s Running")).isEqualTo("Enabled\n");
        } finally {
            Files.writeString(template, good);
        }
        Result check = uirig("check", sim.inventory().toString());
        assertThat(check.code()).as(check.out() + check.err()).isZero();
    }

    @Test
    @Order(135)
    void aPeersTableEditThatDropsTheOrchestratorIsRolledBackByTheHost() throws Exception {
        String before = sim.exec("server-a", "sha256 -q /etc/ips_xnic_peers");
        Path inv = sim.writeInventory("no-orchestrator", Map.of());
        Path hosts = inv.resolve("hosts.yml");
        String text = Files.readString(hosts);
        assertThat(text).contains("- 192.0.2.5 ");
        Files.writeString(hosts, text.replace("- 192.0.2.5 ", "- 192.0.2.99 "));
        Result r = uirig("apply", inv.toString(), "--yes", "--limit", "server-a", "--confirm-timeout", "12",
                "--journal", journal().toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.ERROR);
        assertThat(r.out()).contains("pf_table[xpeers]: FAILED: ROLLED BACK", "is reachable again");
        assertThat(sim.exec("server-a", "sha256 -q /etc/ips_xnic_peers")).isEqualTo(before);
        assertThat(sim.exec("server-a", "pfctl -t xpeers -T show")).contains("192.0.2.5");
        Result check = uirig("check", sim.inventory().toString());
        assertThat(check.code()).as(check.out() + check.err()).isZero();
    }

    /** prod's inventory for the tests with 192.0.2.98 added to xnic_peers (and, with {@code blocklist}, a network to blocklist). */
    private static Path inventoryWithExtraPeer(String name, boolean blocklist) throws Exception {
        Path inv = sim.writeInventory(name, Map.of());
        Path hosts = inv.resolve("hosts.yml");
        String peer = "    - 192.0.2.5          # orchestration server\n";
        String text = Files.readString(hosts);
        assertThat(text).contains(peer, "  blocklist:");
        text = text.replace(peer, peer + "    - 192.0.2.98\n");
        if (blocklist) {
            // The first is blocklist's (martians lists the network too).
            text = text.replaceFirst(java.util.regex.Pattern.quote("    - 198.51.100.0/24\n"), "    - 198.51.100.0/24\n    - 203.0.113.128/25\n");
        }
        Files.writeString(hosts, text);
        return inv;
    }

    /** Makes the next simulated command on server-a whose line contains {@code text} wait (after {@code skip} pass). */
    private static void hold(String text, int skip) {
        sim.exec("server-a", "rm -f /run/uirig-sim-hold.held; printf '%s\\n%d\\n' '" + text + "' " + skip + " > /run/uirig-sim-hold");
    }

    /** Waits until uirig has printed its plan (it is changing hosts) and a command is held on server-a. */
    private static void awaitHeld(java.io.ByteArrayOutputStream out) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (out.toString().contains(" to change, ")
                    && sim.exec("server-a", "test -e /run/uirig-sim-hold.held && echo held || true").contains("held")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no command was held on server-a: " + out);
    }

    private static void release() {
        sim.exec("server-a", "rm -f /run/uirig-sim-hold");
    }

    private static Process startApply(Path inv, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("apply", inv.toString(), "--yes", "--limit", "server-a",
                "--confirm-timeout", "12", "--journal", journal().toString()));
        args.addAll(List.of(more));
        return sim.start(args.toArray(String[]::new));
    }

    private static JsonNode lastJournalRecord() throws Exception {
        List<String> lines = Files.readAllLines(journal());
        return json(lines.get(lines.size() - 1));
    }

    /** No rollback is left on server-a, and no timer of one waits there. */
    private static void noRollbackLeft() {
        assertThat(sim.exec("server-a", "ls -d /var/run/uirig-rollback.* 2>/dev/null || true")).isEmpty();
        assertThat(sim.exec("server-a", "pgrep -fl 'uirig-rollbac[k]' || true")).isEmpty();
    }

    /**
     * Kills (SIGKILL) an apply of {@code inv} on server-a at a point, applies again at once, and
     * waits until the killed run's rollback would have fired: the second apply converges and
     * verifies, and afterwards the table and its file are still what it made, and check is in sync.
     */
    private static void killedAt(String point, Path inv, boolean extraPeer, Runnable atHold) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Process run = startApply(inv);
        SimulatedHosts.drain(run.getInputStream(), out);
        SimulatedHosts.drain(run.getErrorStream(), out);
        try {
            awaitHeld(out);
            atHold.run();
            signal(run, "KILL");
            assertThat(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            sim.exec("server-a", "kill -CONT $(pgrep -o -x sshd); rm -f /run/uirig-sim-hold");
        }
        long killed = System.currentTimeMillis();
        assertThat(out.toString()).as(point).doesNotContain("verified");
        // The killed run's command on the host (an arm, a pfctl) goes on without it: let it end.
        Thread.sleep(1500);
        Result next = uirig("apply", inv.toString(), "--yes", "--limit", "server-a", "--confirm-timeout", "12",
                "--journal", journal().toString());
        assertThat(next.code()).as(point + "\n" + next.out() + next.err()).isZero();
        assertThat(next.out()).as(point).containsPattern("server-a: (took over|removed) the rollback of pf_table\\[xpeers\\]")
                .containsPattern("server-a: (\\d+ changed, 0 failed, verified|nothing to change, in sync)");
        Thread.sleep(Math.max(0, killed + 16_000 - System.currentTimeMillis()));
        noRollbackLeft();
        String table = sim.exec("server-a", "pfctl -t xpeers -T show");
        String file = sim.exec("server-a", "cat /etc/ips_xnic_peers");
        if (extraPeer) {
            assertThat(table).as(point).contains("192.0.2.98");
            assertThat(file).as(point).contains("192.0.2.98");
        } else {
            assertThat(table).as(point).doesNotContain("192.0.2.98");
            assertThat(file).as(point).doesNotContain("192.0.2.98");
        }
        Result check = uirig("check", inv.toString(), "--host", "server-a");
        assertThat(check.code()).as(point + "\n" + check.out() + check.err()).isZero();
    }

    @Test
    @Order(137)
    void aRunKilledBeforeDuringOrAfterAGuardedChangeLeavesNothingThatUndoesTheNextRun() throws Exception {
        onAnotherInventory(inventoryWithExtraPeer("extra-peer", false), FreeBsdHostsIT::killedAtEachPoint);
    }

    interface Runs {
        void on(Path inventory) throws Exception;
    }

    /**
     * Runs {@code runs} on server-a, which has no rollback left to begin with; afterwards, even when
     * they failed half-way, server-a is as the test inventory wants it again.
     */
    private static void onAnotherInventory(Path inventory, Runs runs) throws Exception {
        noRollbackLeft();
        try {
            runs.on(inventory);
        } finally {
            sim.exec("server-a", "kill -CONT $(pgrep -o -x sshd); rm -f /run/uirig-sim-hold");
            uirig("apply", sim.inventory().toString(), "--yes", "--limit", "server-a", "--journal", journal().toString());
        }
        apply();
    }

    /** Sends a signal to uirig (not Process.destroy: that also closes the pipes uirig's output goes to). */
    private static void signal(Process p, String name) {
        Result r = sim.orchestrator("kill -" + name + " " + p.pid());
        assertThat(r.code()).as(r.err()).isZero();
    }

    private static void killedAtEachPoint(Path extra) throws Exception {
        // Before the change: killed while arming its rollback (the probe's 'pfctl -s Running' passes, the arm's waits).
        hold("pfctl -s Running", 1);
        killedAt("before", extra, true, () -> { });
        // During: killed while pfctl replaces the table, its rollback armed.
        hold("pfctl -t xpeers -T replace", 0);
        killedAt("during", sim.inventory(), false, () -> { });
        // After: the table replaced, not yet confirmed (new SSH connections hang: sshd's listener is stopped).
        hold("pfctl -t xpeers -T replace", 0);
        killedAt("after", extra, true, () -> {
            sim.exec("server-a", "kill -STOP $(pgrep -o -x sshd)");
            release();
            for (int i = 0; i < 100 && !sim.exec("server-a", "pfctl -t xpeers -T show").contains("192.0.2.98"); i++) {
                pause(100);
            }
            assertThat(sim.exec("server-a", "pfctl -t xpeers -T show")).contains("192.0.2.98");
            assertThat(sim.exec("server-a", "ls -d /var/run/uirig-rollback.* 2>/dev/null || true")).isNotEmpty();
        });
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    @Order(138)
    void sigtermFinishesTheRunningChangeAndStartsNoOtherASecondSigintEndsAtOnce() throws Exception {
        onAnotherInventory(inventoryWithExtraPeer("two-tables", true), FreeBsdHostsIT::interruptedRuns);
    }

    private static void interruptedRuns(Path two) throws Exception {
        hold("-T replace", 0);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Process run = startApply(two);
        Thread reader = SimulatedHosts.drain(run.getInputStream(), out);
        Thread errReader = SimulatedHosts.drain(run.getErrorStream(), err);
        try {
            awaitHeld(out);
            signal(run, "TERM");
            Thread.sleep(500);
        } finally {
            release();
        }
        assertThat(run.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        reader.join();
        errReader.join();
        assertThat(run.exitValue()).as(out + "\n" + err).isEqualTo(143);
        assertThat(err.toString()).as(out.toString()).contains("uirig: SIGTERM: no new change starts");
        assertThat(out.toString()).contains("server-a: 1 changed, 1 not started: interrupted by SIGTERM, NOT verified");
        JsonNode record = lastJournalRecord();
        assertThat(record.get("status").asText()).isEqualTo("interrupted");
        assertThat(record.get("signal").asText()).isEqualTo("SIGTERM");
        JsonNode changes = record.at("/hosts/0/changes");
        assertThat(changes.get(0).get("result").asText()).isEqualTo("ok");
        assertThat(changes.get(1).get("error").asText()).isEqualTo("not started: the run was interrupted by SIGTERM");
        // The finished change was confirmed: no rollback is left to undo it.
        noRollbackLeft();
        Result check = uirig("check", two.toString(), "--host", "server-a", "--output", "json");
        assertThat(check.code()).as(check.out() + check.err()).isEqualTo(Main.CHANGES);
        assertThat(json(check.out()).at("/hosts/0/drifted")).hasSize(1);
        assertThat(json(check.out()).at("/hosts/0/drifted/0/resource").asText())
                .isEqualTo(changes.get(1).get("resource").asText());

        // A second signal ends the run at once, still journaled; the rollback it leaves is taken over.
        hold("-T replace", 0);
        java.io.ByteArrayOutputStream out2 = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err2 = new java.io.ByteArrayOutputStream();
        Process again = startApply(two);
        SimulatedHosts.drain(again.getInputStream(), out2);
        Thread err2Reader = SimulatedHosts.drain(again.getErrorStream(), err2);
        try {
            awaitHeld(out2);
            signal(again, "INT");
            Thread.sleep(300);
            signal(again, "INT");
            assertThat(again.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as(err2.toString()).isTrue();
        } finally {
            release();
        }
        err2Reader.join();
        assertThat(again.exitValue()).as(err2.toString()).isEqualTo(130);
        assertThat(err2.toString()).contains("uirig: SIGINT: ending at once");
        JsonNode atOnce = lastJournalRecord();
        assertThat(atOnce.get("status").asText()).isEqualTo("interrupted");
        assertThat(atOnce.get("ended_at_once").asBoolean()).isTrue();
        Thread.sleep(1500);
        Result rollback = uirig("check", two.toString(), "--host", "server-a");
        assertThat(rollback.code()).as(rollback.out() + rollback.err()).isEqualTo(Main.CHANGES);
        assertThat(rollback.out()).contains("rollback(s) left by a run that did not confirm them");
        Result next = uirig("apply", two.toString(), "--yes", "--limit", "server-a", "--journal", journal().toString());
        assertThat(next.code()).as(next.out() + next.err()).isZero();
        assertThat(next.out()).containsPattern("took over the rollback of pf_table\\[|the rollback of pf_table\\[.* had fired");
        Thread.sleep(14_000);
        noRollbackLeft();
        Result inSync = uirig("check", two.toString(), "--host", "server-a");
        assertThat(inSync.code()).as(inSync.out() + inSync.err()).isZero();
    }

    @Test
    @Order(140)
    void aConnectionCutDuringApplyLeavesWholeFilesAndTheNextApplyConverges() throws Exception {
        String tables = "/etc/ips_blocklist /etc/ips_martians /etc/ips_stripe /etc/ips_fastmail /etc/ips_xnic_peers"
                + " /etc/ip_ipg_b /etc/ip_inode_b /etc/ip_peer_ipg_b /etc/ip_peer_inode_b";
        Map<String, String> desired = new java.util.LinkedHashMap<>();
        for (String f : tables.split(" ")) {
            desired.put(f, sim.exec("server-a", "sha256 -q " + f).trim());
        }
        sim.exec("server-a", "jail -r nginx_j node_j; rm -f " + tables + " /etc/jail.conf");
        Process run = sim.start("apply", sim.inventory().toString(), "--yes", "--limit", "server-a", "--journal",
                journal().toString());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread reader = SimulatedHosts.drain(run.getInputStream(), out);
        SimulatedHosts.drain(run.getErrorStream(), java.io.OutputStream.nullOutputStream());
        for (int i = 0; i < 600 && !out.toString().contains("server-a: [3/"); i++) {
            Thread.sleep(20);
        }
        assertThat(out.toString()).contains("server-a: [3/");
        sim.exec("server-a", "pkill -f 'sshd: admin@nott[y]' || true");
        assertThat(run.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        reader.join();
        assertThat(out.toString()).contains("server-a: ").contains("NOT verified");
        // Whatever was reached is whole: a table file is absent or exactly what the playbooks want.
        for (var e : desired.entrySet()) {
            String sha = sim.exec("server-a", "sha256 -q " + e.getKey() + " 2>/dev/null || true").trim();
            assertThat(sha).as(e.getKey()).isIn("", e.getValue());
        }
        apply();
        Result check = uirig("check", sim.inventory().toString());
        assertThat(check.code()).as(check.out() + check.err()).isZero();
    }

    @Test
    @Order(150)
    void aPackageAddedToARunningHostComesThroughTheEgressWindowWhichClosesAgain() throws Exception {
        String mirror = SimulatedHosts.MIRROR;
        // The normal ruleset: no jail but node_j's allowed services reaches outside, pkg cannot fetch.
        assertThat(fromJail("server-a", "node_j", mirror, 80, "")).isEqualTo("timeout");
        Path playbook = dir.resolve("playbooks/jails.yml");
        String good = Files.readString(playbook);
        Files.writeString(playbook, good.replace("packages: [node, spiped]", "packages: [node, spiped, postgresql16-client]"));
        try {
            Result r = uirig("apply", sim.inventory().toString(), "--yes", "--limit", "server-a", "--journal", journal().toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("server-a: [1/3] pf[egress]: update ok", "server-a: [2/3] packages[node_j]: update ok",
                    "server-a: [3/3] pf[/etc/pf.conf]: update ok", "server-a: 3 changed, 0 failed, verified");
            assertThat(sim.exec("server-a", "jexec node_j psql --version")).startsWith("psql (PostgreSQL)");
            // Closed again, proven by traffic: apply verified the no_egress expectations, and here too.
            for (String jail : List.of("node_j", "pg_j", "nginx_j")) {
                assertThat(fromJail("server-a", jail, mirror, 80, "")).as(jail).isEqualTo("timeout");
            }
            assertThat(sim.exec("server-a", "python3 " + PROBES + "tcp.py - " + mirror + " 80").trim()).isEqualTo("timeout");
            // server-b was not applied: it still lacks the package (and would open its window).
            Result check = uirig("check", sim.inventory().toString(), "--host", "server-a");
            assertThat(check.code()).as(check.out() + check.err()).isZero();
        } finally {
            Files.writeString(playbook, good);
        }
    }

    /** The registered kinds that the seed's playbooks do not use, as one more playbook of server-a's. */
    private static final String KINDS_PLAYBOOK = """
            laggs:
              lagg0: {laggproto: failover, laggports: [em2, em3], inet: 10.0.9.1/24}
            vlans:
              vlan100: {vlandev: lagg0, vlan: 100, inet: 10.100.0.1/24}
            static_routes:
              lan2: {destination: 10.30.0.0/16, gateway: 192.168.56.111}
              backup: {destination: 10.40.0.7, gateway: 192.168.56.111}
            zfs_datasets:
              zroot/data:
                mountpoint: /data
                properties: {recordsize: 16k, compression: lz4, atime: "off"}
            """;

    @Test
    @Order(160)
    void laggVlanStaticRoutesAndZfsDatasetsConvergeAreCheckedAndDriftIsPlannedBack() throws Exception {
        // Two spare NICs for the lagg (hardware: veth ends the simulated ifconfig shows as em2, em3), and
        // the simulator's stand-in for vlan(4) on a kernel without 802.1Q (untagged: see ifconfig_sim.py),
        // which cannot sit on a bridge member such as inic: the VLAN goes on the lagg, as it often does.
        sim.exec("server-a", "for p in em2 em3; do ip link add $p type veth peer name $p-wire && ip link set $p-wire up; done;"
                + " touch /run/uirig-sim-vlan-untagged");
        Path inv = sim.writeInventory("kinds", Map.of());
        Path hosts = inv.resolve("hosts.yml");
        String last = "  - ../../playbooks/expectations.yml\n";
        String text = Files.readString(hosts);
        assertThat(text).contains(last);
        Files.writeString(hosts, text.replace(last, last + "  - kinds.yml\n"));
        Files.writeString(inv.resolve("kinds.yml"), KINDS_PLAYBOOK);
        onAnotherInventory(inv, kinds -> {
            Result r = uirig("apply", kinds.toString(), "--yes", "--limit", "server-a", "--journal", journal().toString());
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("lagg[lagg0]: create ok", "vlan[vlan100]: create ok", "static_route[lan2]: create ok",
                    "static_route[backup]: create ok", "zfs_dataset[zroot/data]: create ok", "verified");
            // What the host has, read with its own commands.
            assertThat(sim.exec("server-a", "ifconfig lagg0")).contains("laggproto failover", "laggport: em2", "laggport: em3",
                    "inet 10.0.9.1 netmask 0xffffff00");
            assertThat(sim.exec("server-a", "ifconfig vlan100")).contains("vlan: 100 vlanproto: 802.1q", "parent interface: lagg0",
                    "inet 10.100.0.1 netmask 0xffffff00");
            assertThat(sim.exec("server-a", "route -n get -net 10.30.0.0/16")).contains("gateway: 192.168.56.111");
            assertThat(sim.exec("server-a", "zfs get -H -p -o value recordsize,compression,atime,mountpoint zroot/data"))
                    .isEqualTo("16384\nlz4\noff\n/data\n");
            assertThat(sim.exec("server-a", "cat /etc/rc.conf")).contains("static_routes=\"lan2 backup\"", "lagg0",
                    "vlans_lagg0=\"vlan100\"");
            Result check = uirig("check", kinds.toString(), "--host", "server-a");
            assertThat(check.code()).as(check.out() + check.err()).isZero();

            // Drift in each kind, made on the host with FreeBSD's commands.
            sim.exec("server-a", "ifconfig lagg0 -laggport em3; ifconfig vlan100 down;"
                    + " route change -net 10.30.0.0/16 192.168.56.1; zfs set recordsize=128k zroot/data");
            Result drift = uirig("check", kinds.toString(), "--host", "server-a");
            assertThat(drift.code()).as(drift.out() + drift.err()).isEqualTo(2);
            assertThat(drift.out()).contains("lagg[lagg0]", "vlan[vlan100]", "static_route[lan2]", "zfs_dataset[zroot/data]")
                    .doesNotContain("static_route[backup]");
            Result repair = uirig("apply", kinds.toString(), "--yes", "--limit", "server-a", "--journal", journal().toString());
            assertThat(repair.code()).as(repair.out() + repair.err()).isZero();
            assertThat(repair.out()).contains("server-a: 4 changed, 0 failed, verified");
            Result again = uirig("check", kinds.toString(), "--host", "server-a");
            assertThat(again.code()).as(again.out() + again.err()).isZero();
        });
    }
}
