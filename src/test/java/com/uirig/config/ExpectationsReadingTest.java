package com.uirig.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.model.DesiredHost;
import com.uirig.model.Expectation;
import com.uirig.model.Expectation.Reach;
import com.uirig.model.Ipv4;
import com.uirig.plan.Resources;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code expectations} section: read into typed expectations, every problem located. */
class ExpectationsReadingTest {
    private static final String EXP = "playbooks/expectations.yml";
    private static final String HOSTS = "inventory/prod/hosts.yml";

    @TempDir
    Path dir;

    private static DesiredHost host(Inventory inv, String name) {
        return inv.host(name).orElseThrow();
    }

    @Test
    void theSeedsExpectationsAreReadWithEachHostsOwnAddresses() {
        Inventory prod = InventoryLoader.load(Path.of("inventory/prod"));
        DesiredHost a = host(prod, "server-a");
        assertThat(a.expectations()).extracting(Expectation::name).containsExactly("https_public", "http_public",
                "ssh_public", "postgres_closed", "n2p_closed", "pgs_closed", "pgc_closed", "app_via_peer_db",
                "no_egress_host", "no_egress_pg_j", "no_egress_node_j");
        assertThat(a.expectations().get(0)).isEqualTo(new Expectation("https_public", "orchestrator", Ipv4.parse("192.0.2.155"),
                443, Reach.OPEN, Optional.empty(), Optional.empty(), 3));
        assertThat(a.expectations().get(3).expect()).isEqualTo(Reach.CLOSED);
        // The application's page names the peer's database: server-a's node_j asks server-b's pg_j.
        assertThat(a.expectations().get(7)).isEqualTo(new Expectation("app_via_peer_db", "orchestrator", Ipv4.parse("192.0.2.155"),
                80, Reach.OPEN, Optional.of("GET / HTTP/1.0\r\nHost: nginx-a.uirig.com\r\n\r\n"),
                Optional.of("at 192.168.56.41 answered"), 10));
        assertThat(a.expectations().get(7).address()).isEqualTo("expect[app_via_peer_db]");
        assertThat(a.expectations().get(10)).isEqualTo(new Expectation("no_egress_node_j", "node_j", Ipv4.parse("192.0.2.80"),
                80, Reach.CLOSED, Optional.empty(), Optional.empty(), 3));
        assertThat(a.expectations().get(10).jail()).contains("node_j");
        // {{ host.address }} is each host's own ssh.address.
        DesiredHost b = host(prod, "server-b");
        assertThat(b.expectations().get(0).to()).isEqualTo(Ipv4.parse("192.0.2.165"));
        assertThat(b.expectations().get(7).to()).isEqualTo(Ipv4.parse("192.0.2.165"));
        assertThat(b.expectations().get(7).receive()).contains("at 192.168.56.40 answered");
        // Expectations are checked, never converged: no resource of the plan.
        assertThat(Resources.of(a)).noneMatch(r -> r.address().toString().startsWith("expect["));
        InventoryCopy lab = new InventoryCopy(dir);
        lab.labBaseArchive();
        assertThat(host(lab.load("lab"), "server-a").expectations().get(0).to())
                .isEqualTo(Ipv4.parse("192.168.57.155"));
    }

    @Test
    void aPortOutOfRange() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "tcp: 443,", "tcp: 70000,");
        assertThat(c.problems("prod")).containsExactly(c.at(EXP, "70000")
                + ": expectations.https_public.tcp: expected a number from 1 to 65535, found 70000");
    }

    @Test
    void aPortThatIsNoNumber() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "tcp: 80,  expect: open}", "tcp: http,  expect: open}");
        assertThat(c.problems("prod")).containsExactly(c.at(EXP, "http,")
                + ": expectations.http_public.tcp: expected a number, found 'http'");
    }

    @Test
    void anUnknownJail() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "from: node_j", "from: node_x");
        assertThat(c.problems("prod")).containsExactly(c.at(EXP, "node_x")
                + ": expectations.no_egress_node_j.from: expected orchestrator, host or a jail of this host"
                + " (pg_j, node_j, nginx_j), found 'node_x'");
    }

    @Test
    void receiveAndSendNeedAnOpenPort() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "    expect: open\n    send: \"GET / HTTP/1.0\\r\\nHost: {{ hostname_nginx_j }}\\r\\n\\r\\n\"\n",
                "    expect: closed\n");
        assertThat(c.problems("prod")).containsExactly(c.at(EXP, "receive: \"at").replaceAll(":\\d+$", ":14")
                + ": expectations.app_via_peer_db.receive: 'receive' needs 'expect: open' (a closed port cannot answer)");
        InventoryCopy d = new InventoryCopy(dir.resolve("send")).edit(EXP, "tcp: 22,  expect: open}",
                "tcp: 22,  expect: closed, send: hello}");
        assertThat(d.problems("prod")).containsExactly(d.at(EXP, "hello")
                + ": expectations.ssh_public.send: 'send' needs 'expect: open' (a closed port cannot answer)");
    }

    @Test
    void anUnknownKeyAndAMissingOne() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "tcp: 443, expect: open}", "tcp: 443, expect: open, udp: 53}")
                .edit(EXP, "tcp: 80,  expect: open}", "expect: open}");
        assertThat(c.problems("prod")).containsExactly(
                c.at(EXP, "udp: 53") + ": expectations.https_public.udp: unknown key 'udp' (expected one of: from, to, tcp,"
                        + " expect, send, receive, timeout)",
                c.at(EXP, "{from: orchestrator, to: \"{{ host.address }}\", expect: open}")
                        + ": expectations.http_public: missing required key 'tcp'");
    }

    @Test
    void badValuesOfExpectToAndTimeout() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "tcp: 5433, expect: closed}", "tcp: 5433, expect: shut}")
                .edit(EXP, "    to: \"{{ host.address }}\"\n", "    to: 192.168.56.300\n").edit(EXP, "    timeout: 10\n", "    timeout: 0\n");
        assertThat(c.problems("prod")).containsExactly(
                c.at(EXP, "shut") + ": expectations.n2p_closed.expect: expected open or closed, found 'shut'",
                c.at(EXP, "192.168.56.300") + ": expectations.app_via_peer_db.to: invalid IPv4 address '192.168.56.300' (300 is over 255)",
                c.at(EXP, "timeout: 0").replaceAll(":\\d+$", ":14") + ": expectations.app_via_peer_db.timeout: expected a number from 1 to 120, found 0");
    }

    @Test
    void aMisspelledHostValueSaysWhatExists() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "tcp: 22,", "tcp: 22, timeout: 2,")
                .edit(EXP, "to: \"{{ host.address }}\", tcp: 22,", "to: \"{{ host.adress }}\", tcp: 22,");
        assertThat(c.problems("prod")).containsExactly(c.at(EXP, "{{ host.adress }}")
                + ": expectations.ssh_public.to: undefined variable 'host.adress': the host's own values are host.name and host.address");
    }

    @Test
    void aHostWithoutAnAddressHasNoHostAddress() {
        InventoryCopy c = new InventoryCopy(dir).edit(HOSTS, "ssh: {address: 192.0.2.165}", "ssh: {port: 22}");
        List<String> problems = c.problems("prod");
        assertThat(problems).contains(c.at(HOSTS, "ssh: {port: 22}")
                + ": hosts.server-b: missing ssh.address (the address uirig connects to)");
        assertThat(problems).anyMatch(p -> p.contains("undefined variable 'host.address': host server-b has no valid ssh.address"));
    }

    @Test
    void aJailNamedLikeAKeywordIsAmbiguous() {
        InventoryCopy c = new InventoryCopy(dir).edit(EXP, "from: node_j", "from: host")
                .edit("playbooks/jails.yml", "  nginx_j:\n", "  host:\n");
        assertThat(c.problems("prod")).contains(c.at(EXP, "host, to: \"{{ package_mirror }}\", tcp: 80, expect: closed}")
                + ": expectations.no_egress_host.from: 'host' is both a jail's name and a keyword of 'from'");
    }
}
