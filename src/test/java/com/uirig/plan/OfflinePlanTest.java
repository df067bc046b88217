package com.uirig.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uirig.config.Inventory;
import com.uirig.model.DesiredHost;
import com.uirig.render.PlanJson;
import com.uirig.render.PlanText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan for freshly installed hosts: complete, ordered by dependencies, exact commands. */
class OfflinePlanTest {
    private final Inventory inv = PlanTestSupport.prod();
    private final Plan plan = Planner.plan(inv.hosts(), PlanTestSupport.fresh(inv));

    private HostPlan host(String name) {
        return plan.hosts().stream().filter(h -> h.host().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> addresses(HostPlan h) {
        return h.changes().stream().map(c -> c.resource().toString()).toList();
    }

    private static List<String> commands(HostPlan h) {
        List<String> out = new ArrayList<>();
        h.changes().forEach(c -> c.steps().forEach(s -> out.add(s.shellLine())));
        return out;
    }

    @Test
    void everyResourceOfEveryHostHasAChange() {
        for (DesiredHost d : inv.hosts()) {
            List<String> all = Resources.of(d).stream().map(r -> r.address().toString()).toList();
            assertThat(addresses(host(d.name()))).containsExactlyInAnyOrderElementsOf(all);
        }
        assertThat(PlanText.summary(host("server-a"))).isEqualTo("server-a: 52 to create, 3 to change, 0 to delete");
        assertThat(PlanText.summary(host("server-b"))).isEqualTo("server-b: 52 to create, 3 to change, 0 to delete");
    }

    @Test
    void everyChangeComesAfterWhatItDependsOn() {
        for (DesiredHost d : inv.hosts()) {
            List<String> order = addresses(host(d.name()));
            for (Resource r : Resources.of(d)) {
                for (var dep : r.dependsOn()) {
                    assertThat(order.indexOf(dep.toString())).as("%s before %s", dep, r.address())
                            .isLessThan(order.indexOf(r.address().toString()));
                }
            }
        }
    }

    @Test
    void interfacesExistBeforeTheyJoinABridgeOrAJail() {
        List<String> cmds = commands(host("server-a"));
        assertThat(cmds.indexOf("ifconfig epair0b name ngx_b")).isLessThan(cmds.indexOf("jail -c nginx_j"));
        assertThat(cmds.indexOf("ifconfig epair6a name ipg_a"))
                .isLessThan(cmds.indexOf("ifconfig ibridge addm inic addm inode_a addm ipg_a"));
        assertThat(cmds.indexOf("ifconfig em1 name inic"))
                .isLessThan(cmds.indexOf("ifconfig ibridge addm inic addm inode_a addm ipg_a"));
        assertThat(cmds).containsSubsequence("ifconfig bridge0 create", "ifconfig bridge0 name xbridge",
                "ifconfig xbridge inet 10.0.2.1/24", "ifconfig xbridge addm ngx_a addm node_a addm pg_a", "ifconfig xbridge up");
    }

    @Test
    void jailsStartInBootOrderAfterTheirFilesAndBeforeTheirServices() {
        List<String> order = addresses(host("server-a"));
        assertThat(order).containsSubsequence("file[/etc/jail.conf]", "jail[pg_j]", "jail[node_j]", "jail[nginx_j]");
        assertThat(order).containsSubsequence("jail_root[pg_j]", "rc_conf[pg_j]", "jail[pg_j]", "packages[pg_j]",
                "service[pg_j/postgresql]");
        assertThat(order).containsSubsequence("spiped_key[db]", "service[pg_j/spiped]");
        assertThat(order).containsSubsequence("spiped_key[db]", "service[node_j/spiped]");
        assertThat(order).containsSubsequence("file[/jails/nginx_j/etc/resolv.conf]", "service[nginx_j/nginx]");
    }

    @Test
    void pfIsCheckedBeforeItIsLoadedAfterTablesAndPackagesWhichComeThroughTheEgressWindow() {
        HostPlan a = host("server-a");
        List<String> order = addresses(a);
        int pf = order.indexOf("pf[/etc/pf.conf]");
        int window = order.indexOf("pf[egress]");
        assertThat(order.stream().filter(x -> x.startsWith("pf_table[") || x.startsWith("packages[")))
                .allSatisfy(x -> assertThat(order.indexOf(x)).isLessThan(pf));
        assertThat(order.stream().filter(x -> x.startsWith("packages[") || x.equals("pkg[bootstrap]")))
                .allSatisfy(x -> assertThat(order.indexOf(x)).isGreaterThan(window));
        // A fresh host has no pf module and no pkg: the window loads the module, pf.conf plus the
        // egress rules, and enables pf, which cuts every connection open before (only a SYN creates
        // state): apply starts that detached and carries on over a new connection.
        Change open = a.changes().get(window);
        assertThat(open.steps()).extracting(Step::shellLine).containsExactly(
                "kldload -n pf",
                open.steps().get(1).shellLine(),
                "pfctl -nf /var/db/uirig/pf.egress.conf",
                "pfctl -f /var/db/uirig/pf.egress.conf",
                "pfctl -e");
        assertThat(open.steps().get(4).effect()).isEqualTo(Step.Effect.CUTS_SESSIONS);
        assertThat(a.changes().get(order.indexOf("pkg[bootstrap]")).steps()).extracting(Step::shellLine)
                .containsExactly("env ASSUME_ALWAYS_YES=yes pkg bootstrap -y");
        // pf.conf then closes the window: pf runs with filter rules, so the load keeps every state.
        Change change = a.changes().get(pf);
        assertThat(change.steps()).extracting(Step::shellLine).containsExactly(
                "mkdir -p /etc",
                "install -m 0644 -o root -g wheel /dev/null /etc/pf.conf.uirig-new",
                change.steps().get(2).shellLine(),
                "pfctl -nf /etc/pf.conf.uirig-new",
                "mv /etc/pf.conf.uirig-new /etc/pf.conf",
                "pfctl -f /etc/pf.conf",
                "sh -c 'mkdir -p /var/db/uirig && { pfctl -sn; pfctl -sr; } > /var/db/uirig/pf.loaded.uirig-new"
                        + " && mv /var/db/uirig/pf.loaded.uirig-new /var/db/uirig/pf.loaded'");
        assertThat(change.steps().get(2).shellLine()).startsWith("dd of=/etc/pf.conf.uirig-new status=none < [");
        assertThat(change.steps()).allSatisfy(s -> assertThat(s.effect()).isEqualTo(Step.Effect.NONE));
        assertThat(change.diff()).startsWith("--- /dev/null\n+++ /etc/pf.conf\n").contains("+block all\n");
    }

    @Test
    void theHostRcConfGetsEverySettingWithSysrc() {
        Change rc = host("server-a").changes().stream().filter(c -> c.resource().toString().equals("rc_conf[host]")).findFirst().orElseThrow();
        assertThat(rc.steps()).extracting(Step::shellLine).contains(
                "sysrc ifconfig_em0_name=xnic",
                "sysrc 'ifconfig_inic=192.168.56.110/24 vlanhwtag 2222'",
                "sysrc 'cloned_interfaces=bridge0 bridge1 epair0 epair1 epair2 epair3 epair4 epair5 epair6'",
                "sysrc 'ifconfig_xbridge=10.0.2.1/24 addm ngx_a addm node_a addm pg_a'",
                "sysrc pf_enable=YES");
    }

    @Test
    void theSpipedKeyIsGeneratedOnTheFirstHostAndCopiedMaskedToTheOther() {
        Change a = host("server-a").changes().stream().filter(c -> c.resource().toString().equals("spiped_key[db]")).findFirst().orElseThrow();
        Change b = host("server-b").changes().stream().filter(c -> c.resource().toString().equals("spiped_key[db]")).findFirst().orElseThrow();
        assertThat(a.steps()).extracting(Step::shellLine).containsExactly(
                "install -m 0600 -o root -g wheel /dev/null /jails/pg_j/etc/spiped.key.uirig-new",
                "dd if=/dev/urandom of=/jails/pg_j/etc/spiped.key.uirig-new bs=32 count=1 status=none",
                "mv /jails/pg_j/etc/spiped.key.uirig-new /jails/pg_j/etc/spiped.key",
                "cp -p /jails/pg_j/etc/spiped.key /jails/node_j/etc/spiped.key.uirig-new",
                "mv /jails/node_j/etc/spiped.key.uirig-new /jails/node_j/etc/spiped.key");
        assertThat(b.steps().get(1).shellLine()).isEqualTo(
                "dd of=/jails/pg_j/etc/spiped.key.uirig-new status=none < [*** secret read from server-a:/jails/pg_j/etc/spiped.key]");
        assertThat(b.steps().get(1).input()).isEqualTo(new Step.SecretFrom("server-a", "/jails/pg_j/etc/spiped.key"));
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        JsonNode root = new ObjectMapper().readTree(PlanJson.render(plan));
        assertThat(root.get("hosts")).hasSize(2);
        JsonNode a = root.get("hosts").get(0);
        assertThat(a.get("host").asText()).isEqualTo("server-a");
        Map<String, JsonNode> byResource = new HashMap<>();
        a.get("changes").forEach(c -> byResource.put(c.get("resource").asText(), c));
        JsonNode bridge = byResource.get("bridge[xbridge]");
        assertThat(bridge.get("action").asText()).isEqualTo("create");
        List<String> commands = new ArrayList<>();
        bridge.get("commands").forEach(c -> commands.add(c.asText()));
        assertThat(commands).containsExactly("ifconfig bridge0 create", "ifconfig bridge0 name xbridge",
                "ifconfig xbridge inet 10.0.2.1/24", "ifconfig xbridge addm ngx_a addm node_a addm pg_a", "ifconfig xbridge up");
        assertThat(bridge.get("after").get("members").toString()).isEqualTo("[\"ngx_a\",\"node_a\",\"pg_a\"]");
        assertThat(a.get("summary").get("create").asInt()).isEqualTo(52);
        assertThat(a.get("summary").get("update").asInt()).isEqualTo(3);
        assertThat(a.get("changes").size()).isEqualTo(host("server-a").changes().size());
    }
}
