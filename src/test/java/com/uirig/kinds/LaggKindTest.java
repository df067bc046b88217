package com.uirig.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.uirig.config.InvalidInputException;
import com.uirig.config.InventoryLoader;
import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.UnreadableOutput;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Kind;
import com.uirig.plan.Kinds;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.plan.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The laggs section: what it accepts and refuses (with FILE:LINE:COLUMN, as sys/net/if_lagg.c and
 * sbin/ifconfig/iflagg.c would refuse it on the host), the changes it plans and what undoes them,
 * its rc.conf and its fact. The whole plans against saved facts are in resource-fixtures/lagg-*.
 */
class LaggKindTest {
    @TempDir
    Path dir;

    private static final String NIC = "nics:\n  xnic: {device: em0, inet: 192.0.2.10/24}\n";

    private Path write(String playbook) throws IOException {
        Files.writeString(dir.resolve("playbook.yml"), playbook, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("hosts.yml"), "playbooks: [playbook.yml]\nhosts:\n  host:\n"
                + "    ssh: {address: 192.0.2.1, user: root}\n", StandardCharsets.UTF_8);
        return dir.resolve("playbook.yml");
    }

    private DesiredHost host(String playbook) throws IOException {
        write(playbook);
        return InventoryLoader.load(dir).hosts().get(0);
    }

    /** Every problem {@code playbook} has, as validate prints them. */
    private List<String> problems(String playbook) throws IOException {
        write(playbook);
        return catchThrowableOfType(InvalidInputException.class, () -> InventoryLoader.load(dir)).problems();
    }

    /** {@code FILE:LINE:COLUMN} of the {@code n}-th occurrence of {@code marker} in the playbook. */
    private String at(String marker, int n) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("playbook.yml"));
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            for (int col = lines.get(i).indexOf(marker); col >= 0; col = lines.get(i).indexOf(marker, col + 1)) {
                if (++seen == n) {
                    return com.uirig.config.YamlFile.displayName(dir.resolve("playbook.yml")) + ":" + (i + 1) + ":" + (col + 1);
                }
            }
        }
        throw new AssertionError(marker + " not found " + n + " times");
    }

    private String at(String marker) throws IOException {
        return at(marker, 1);
    }

    private static String lagg(String body) {
        return NIC + "laggs:\n" + body;
    }

    @Test
    void aValidSectionIsReadInOrderWithItsPorts() throws IOException {
        DesiredHost h = host(lagg("  lagg1: {laggproto: roundrobin, laggports: [igb1]}\n"
                + "  lagg0: {laggproto: lacp, laggports: [em3, em2], inet: 10.0.3.1/24}\n"));
        LaggKind.Spec spec = h.kinds().get(LaggKind.SECTION, LaggKind.Spec.class).orElseThrow();
        assertThat(spec.laggs()).extracting(l -> l.name().value()).containsExactly("lagg1", "lagg0");
        LaggKind.Lagg l = spec.laggs().get(1);
        assertThat(l.proto()).isEqualTo(LaggKind.Proto.LACP);
        assertThat(l.ports()).extracting(IfName::value).containsExactly("em3", "em2");
        assertThat(l.inet()).hasValueSatisfying(c -> assertThat(c).hasToString("10.0.3.1/24"));
    }

    @Test
    void protocolsAreIflaggsNames() throws IOException {
        assertThat(problems(lagg("  lagg0: {laggproto: fec, laggports: [em2]}\n"))).containsExactly(at("fec")
                + ": laggs.lagg0.laggproto: unknown laggproto 'fec' (expected failover, lacp, loadbalance, roundrobin,"
                + " broadcast or none: ifconfig refuses the others, 'Invalid aggregation protocol')");
        assertThat(problems(lagg("  lagg0: {laggproto: default, laggports: [em2]}\n"))).containsExactly(at("default")
                + ": laggs.lagg0.laggproto: laggproto 'default' is failover (sys/net/if_lagg.h LAGG_PROTO_DEFAULT),"
                + " and ifconfig shows it so: write failover");
    }

    @Test
    void protocolAndPortsAreRequiredAndNothingElseIsKnown() throws IOException {
        assertThat(problems(lagg("  lagg0: {laggports: [em2], mtu: 9000}\n"))).containsExactlyInAnyOrder(
                at("mtu") + ": laggs.lagg0.mtu: unknown key 'mtu' (expected one of: laggproto, laggports, inet)",
                at("{laggports") + ": laggs.lagg0: missing required key 'laggproto'");
    }

    @Test
    void aLaggIsNamedAsItsClonerMakesIt() throws IOException {
        for (String name : List.of("uplink", "lagg01", "lagg32768")) {
            assertThat(problems(lagg("  " + name + ": {laggproto: lacp, laggports: [em2]}\n"))).containsExactly(at("{laggproto")
                    + ": laggs." + name + ": a lagg is named lagg and a unit from 0 to 32767 without leading zeros, as"
                    + " 'ifconfig laggN create' makes it (sys/net/if_clone.c ifc_name2unit), found '" + name + "'");
        }
        assertThat(problems("bridges:\n  lagg0: {device: bridge0}\nlaggs:\n  lagg0: {laggproto: lacp, laggports: [em2]}\n"))
                .containsExactly(at("{laggproto") + ": laggs.lagg0: interface name 'lagg0' is defined twice (also bridge lagg0)");
    }

    @Test
    void portsAreEthernetNicsOfThisLaggAlone() throws IOException {
        String playbook = lagg("  lagg0: {laggproto: lacp, laggports: [em2, em2, lagg0, lagg1, lo0, em0, xnic]}\n"
                + "  lagg1: {laggproto: failover, laggports: [em2, em3]}\n");
        assertThat(problems(playbook)).containsExactly(
                at("em2", 2) + ": laggs.lagg0.laggports[1]: port 'em2' is listed twice",
                at("lagg0", 2) + ": laggs.lagg0.laggports[2]: a lagg cannot be a port of itself"
                        + " (sys/net/if_lagg.c lagg_port_create: EINVAL)",
                at("lagg1, lo0") + ": laggs.lagg0.laggports[3]: 'lagg1' is a lagg: lagg(4) does not stack laggs"
                        + " (sys/net/if_lagg.c lagg_port_create refuses a lagg as a port: EINVAL)",
                at("lo0") + ": laggs.lagg0.laggports[4]: 'lo0' is no Ethernet interface: lagg ports are Ethernet NICs"
                        + " (sys/net/if_lagg.c lagg_port_create: EPROTONOSUPPORT)",
                at("em0, xnic") + ": laggs.lagg0.laggports[5]: 'em0' is the device of NIC xnic: a lagg port belongs to its lagg alone",
                at("xnic]") + ": laggs.lagg0.laggports[6]: 'xnic' is the name of NIC xnic: a lagg port belongs to its lagg alone",
                at("em2", 3) + ": laggs.lagg1.laggports[0]: 'em2' is already a port of lagg0: an interface is a port of"
                        + " one lagg only (sys/net/if_lagg.c lagg_port_create: EBUSY)");
    }

    @Test
    void aLaggHasOneToThirtyTwoPorts() throws IOException {
        assertThat(problems(lagg("  lagg0: {laggproto: lacp, laggports: []}\n"))).containsExactly(at("[]")
                + ": laggs.lagg0.laggports: a lagg needs at least one port: without one it passes no traffic"
                + " (sys/net/if_lagg.c lagg_transmit: ENXIO)");
        assertThat(problems(lagg("  lagg0: {laggproto: lacp, laggports: em2}\n"))).containsExactly(at("em2}")
                + ": laggs.lagg0.laggports: expected a list, found the value 'em2'");
        String ports = String.join(", ", IntStream.range(0, 33).mapToObj(i -> "igb" + i).toList());
        assertThat(problems(lagg("  lagg0: {laggproto: lacp, laggports: [" + ports + "]}\n"))).containsExactly(at("igb32")
                + ": laggs.lagg0.laggports[32]: a lagg has at most 32 ports (sys/net/if_lagg.h LAGG_MAX_PORTS:"
                + " lagg_port_create refuses more with ENOSPC)");
    }

    @Test
    void itsSubnetOverlapsNoOtherOfTheHost() throws IOException {
        assertThat(problems(lagg("  lagg0: {laggproto: lacp, laggports: [em2], inet: 192.0.2.77/25}\n"
                + "  lagg1: {laggproto: lacp, laggports: [em3], inet: 10.0.3.1/33}\n"))).containsExactly(
                at("192.0.2.77/25") + ": laggs.lagg0.inet: address 192.0.2.77/25 on lagg0 overlaps 192.0.2.10/24 on xnic"
                        + " in the same network stack",
                at("10.0.3.1/33") + ": laggs.lagg1.inet: invalid CIDR '10.0.3.1/33' (prefix length 33 is over 32)");
    }

    // ------------------------------------------------------------------ planning

    private static final String LACP = lagg("  lagg0: {laggproto: lacp, laggports: [em2, em3], inet: 10.0.3.1/24}\n");

    private static ObservedHost observed(DesiredHost h, String laggOutput, int exit) {
        ObservedHost fresh = FreshHost.of(h.name(), com.uirig.plan.Kinds.freshNics(h), ProbeSections.of(h).facts());
        return fresh.withFacts(Map.of("lagg/lagg0", LaggKind.parse("lagg0", exit, laggOutput)));
    }

    private static Change laggChange(DesiredHost h, ObservedHost o) {
        return Planner.plan(List.of(h), Map.of(h.name(), o)).hosts().get(0).changes().stream()
                .filter(c -> c.resource().equals(Address.of("lagg", "lagg0"))).findFirst().orElseThrow();
    }

    private static final String FAILOVER_EM2_EM4_DOWN = "lagg0: flags=8802<BROADCAST,SIMPLEX,MULTICAST> metric 0 mtu 1500\n"
            + "\tether 58:9c:fc:10:ff:a2\n\tinet 10.9.9.1 netmask 0xffffff00 broadcast 10.9.9.255\n"
            + "\tlaggproto failover lagghash l2,l3,l4\n\tlaggport: em2 flags=5<MASTER,ACTIVE>\n\tlaggport: em4 flags=0<>\n"
            + "\tgroups: lagg\n";

    @Test
    void aNewLaggIsCreatedThenJoinedByItsPortsAndUndoneByDestroyingIt() throws IOException {
        DesiredHost h = host(LACP);
        Change c = laggChange(h, observed(h, "", 1));
        assertThat(c.action().word()).isEqualTo("create");
        assertThat(c.steps()).extracting(Step::commandLine).containsExactly("ifconfig lagg0 create", "ifconfig em2 up",
                "ifconfig em3 up", "ifconfig lagg0 laggproto lacp laggport em2 laggport em3",
                "ifconfig lagg0 inet 10.0.3.1/24", "ifconfig lagg0 up");
        assertThat(c.guarded()).hasValueSatisfying(g -> assertThat(g.commands()).containsExactly("ifconfig lagg0 destroy"));
    }

    @Test
    void driftIsPlannedBackMakingBeforeBreakingAndTheOldStateIsWhatTheRollbackRestores() throws IOException {
        DesiredHost h = host(LACP);
        Change c = laggChange(h, observed(h, FAILOVER_EM2_EM4_DOWN, 0));
        assertThat(c.action().word()).isEqualTo("update");
        // em3 joins before em4 leaves, in one ifconfig run (its arguments act in order).
        assertThat(c.steps()).extracting(Step::commandLine).containsExactly("ifconfig em2 up", "ifconfig em3 up",
                "ifconfig lagg0 laggproto lacp laggport em3 -laggport em4", "ifconfig lagg0 inet 10.0.3.1/24",
                "ifconfig lagg0 up");
        assertThat(c.before()).containsEntry("laggproto", "failover").containsEntry("laggports", List.of("em2", "em4"))
                .containsEntry("inet", List.of("10.9.9.1/24")).containsEntry("up", false);
        assertThat(c.after()).containsEntry("laggproto", "lacp").containsEntry("laggports", List.of("em2", "em3"));
        assertThat(c.guarded().orElseThrow().commands()).containsExactly("ifconfig lagg0 inet 10.0.3.1 -alias",
                "ifconfig lagg0 inet 10.9.9.1/24 alias", "ifconfig lagg0 laggport em4", "ifconfig lagg0 -laggport em3",
                "ifconfig lagg0 laggproto failover", "ifconfig lagg0 down");
    }

    @Test
    void portsBroughtUpAloneNeedNoRollback() throws IOException {
        DesiredHost h = host(lagg("  lagg0: {laggproto: failover, laggports: [em2, em4]}\n"));
        String up = FAILOVER_EM2_EM4_DOWN.replace("flags=8802<BROADCAST,SIMPLEX,MULTICAST>", "flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST>");
        Change c = laggChange(h, observed(h, up, 0));
        assertThat(c.reason()).isEqualTo("lagg lagg0: port em2 not found; port em4 not found");
        assertThat(c.steps()).extracting(Step::commandLine).containsExactly("ifconfig em2 up", "ifconfig em4 up");
        assertThat(c.guarded()).isEmpty();
    }

    @Test
    void theBootTwinIsWhatNetworkSubrReads() throws IOException {
        DesiredHost h = host(lagg("  lagg0: {laggproto: lacp, laggports: [em2, em3], inet: 10.0.3.1/24}\n"
                + "  lagg1: {laggproto: none, laggports: [igb0]}\n"));
        Kind.RcConf rc = new LaggKind().rcConf(h.kinds().get(LaggKind.SECTION, LaggKind.Spec.class).orElseThrow());
        assertThat(rc.cloned()).containsExactly("lagg0", "lagg1");
        assertThat(rc.settings()).containsExactly(Map.entry("ifconfig_em2", "up"), Map.entry("ifconfig_em3", "up"),
                Map.entry("ifconfig_lagg0", "laggproto lacp laggport em2 laggport em3 10.0.3.1/24"),
                Map.entry("ifconfig_igb0", "up"), Map.entry("ifconfig_lagg1", "laggproto none laggport igb0"));
    }

    @Test
    void itDeclaresTheInterfacesItMakes() throws IOException {
        DesiredHost h = host(LACP);
        LaggKind kind = new LaggKind();
        assertThat(kind.interfaces(h.kinds().get(LaggKind.SECTION, LaggKind.Spec.class).orElseThrow()))
                .containsExactly(Map.entry(new IfName("lagg0"), Address.of("lagg", "lagg0")));
    }

    // ------------------------------------------------------------------ the fact

    @Test
    void eachLaggIsReadWithIfconfigAndSavedSectionsFindTheirFact() throws IOException {
        DesiredHost h = host(LACP);
        assertThat(ProbeSections.of(h).commands()).containsEntry("lagg/lagg0", "ifconfig lagg0");
        assertThat(Kinds.factOf("lagg/lagg7")).hasValueSatisfying(f -> assertThat(f.command()).isEqualTo("ifconfig lagg7"));
        assertThat(Kinds.factOf("lagg/em0")).isEmpty();
        assertThat(Kinds.factOf("ifconfig")).isEmpty();
    }

    @Test
    void outputIfconfigCannotPrintIsRefused() {
        assertThatThrownBy(() -> LaggKind.parse("lagg0", 2, "")).isInstanceOf(UnreadableOutput.class)
                .hasMessage("'ifconfig lagg0' exited 2: ifconfig exits 0, or 1 when the interface does not exist");
        assertThatThrownBy(() -> LaggKind.parse("lagg0", 1, "lagg0: flags=0<> metric 0 mtu 1500\n"))
                .isInstanceOf(UnreadableOutput.class).hasMessageStartingWith("'ifconfig lagg0' exited 1 after printing 'lagg0:");
        assertThatThrownBy(() -> LaggKind.parse("lagg0", 0, FAILOVER_EM2_EM4_DOWN.replace("lagg0:", "lagg1:")))
                .isInstanceOf(UnreadableOutput.class).hasMessage("'ifconfig lagg0' printed interface lagg1 instead of lagg0 alone");
        assertThatThrownBy(() -> LaggKind.parse("lagg0", 0, FAILOVER_EM2_EM4_DOWN + "\tlaggproto lacp\n"))
                .isInstanceOf(UnreadableOutput.class)
                .hasMessage("'ifconfig lagg0' printed 'laggproto lacp' after a laggproto line");
    }

    @Test
    void aLaggIsABridgeMemberAndCarriesTheDefaultRouteAndTheRouteWaitsForIt() throws IOException {
        DesiredHost h = host("nics:\n  xnic: {device: em0, inet: 192.0.2.10/24}\n"
                + "laggs:\n  lagg0: {laggproto: failover, laggports: [em2, em3], inet: 10.0.9.1/24}\n"
                + "defaultrouter: 10.0.9.254\n"
                + "bridges:\n  lbridge: {device: bridge0, members: [lagg0]}\n");
        var resources = com.uirig.plan.Resources.of(h);
        var route = resources.stream().filter(r -> r.address().kind().equals("route")).findFirst().orElseThrow();
        var bridge = resources.stream().filter(r -> r.address().kind().equals("bridge")).findFirst().orElseThrow();
        assertThat(route.dependsOn()).extracting(Object::toString).containsExactly("lagg[lagg0]");
        assertThat(bridge.dependsOn()).extracting(Object::toString).containsExactly("lagg[lagg0]");
    }

    @Test
    void aDefaultRouterOnNoSubnetOfTheHostOrItsLaggsIsStillRefused() throws IOException {
        assertThat(problems("nics:\n  xnic: {device: em0, inet: 192.0.2.10/24}\n"
                + "laggs:\n  lagg0: {laggproto: failover, laggports: [em2, em3], inet: 10.0.9.1/24}\n"
                + "defaultrouter: 10.0.8.254\n"))
                .singleElement().asString().contains("default router 10.0.8.254 is on none of the host's subnets (192.0.2.0/24, 10.0.9.0/24)");
    }

    @Test
    void aLaggCannotBeAJailsVnetInterface() throws IOException {
        assertThat(problems(lagg("  lagg0: {laggproto: failover, laggports: [em2]}\n")
                + "jails:\n  j:\n    root: {zfs_clone: zroot/t@x}\n    hostname: j\n    parameters: {path: /jails/j}\n"
                + "    vnet_interfaces: [lagg0]\n"))
                .anySatisfy(p -> assertThat(p).contains("'lagg0' is made by a kind (a lagg, a VLAN)"));
    }

    @Test
    void rcConfMayNotOverrideTheLaggsBootTwin() throws IOException {
        List<String> p = problems("rc_conf:\n  cloned_interfaces: bridge0\n  ifconfig_lagg0: up\n"
                + lagg("  lagg0: {laggproto: failover, laggports: [em2]}\n"));
        assertThat(p).hasSize(2);
        assertThat(p.get(0)).contains("rc_conf.cloned_interfaces: rc_conf sets cloned_interfaces, which the laggs section writes");
        assertThat(p.get(1)).contains("rc_conf.ifconfig_lagg0: rc_conf sets ifconfig_lagg0, which the laggs section writes");
    }
}
