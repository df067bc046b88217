package com.uirig.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.uirig.config.InvalidInputException;
import com.uirig.config.InventoryLoader;
import com.uirig.config.YamlFile;
import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.kinds.StaticRoutesKind.Seen;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.Kind;
import com.uirig.plan.Kinds;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.plan.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** static_routes: what it reads and refuses (at FILE:LINE:COLUMN), the rc.conf it writes, the facts it reads and what it plans. */
class StaticRoutesKindTest {
    private static final String NICS = "nics:\n  xnic: {device: em0, inet: 192.0.2.10/24}\n  inic: {device: em1, inet: 192.168.56.110/24}\n"
            + "bridges:\n  xbridge: {device: bridge0, inet: 10.0.2.1/24, members: []}\n";

    @TempDir
    Path dir;

    private Path write(String playbook) {
        try {
            Files.writeString(dir.resolve("playbook.yml"), NICS + playbook, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("hosts.yml"), "playbooks: [playbook.yml]\nhosts:\n  host:\n"
                    + "    ssh: {address: 192.0.2.10, user: root}\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    private DesiredHost host(String playbook) {
        return InventoryLoader.load(write(playbook)).hosts().get(0);
    }

    private List<String> problems(String playbook) {
        return catchThrowableOfType(InvalidInputException.class, () -> InventoryLoader.load(write(playbook))).problems();
    }

    /** Where {@code text} starts in the playbook as written (after the NICs). */
    private String at(String playbook, String text) {
        String all = NICS + playbook;
        int i = all.indexOf(text);
        assertThat(i).as(text).isGreaterThanOrEqualTo(0);
        String before = all.substring(0, i);
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        int column = i - before.lastIndexOf('\n');
        return YamlFile.displayName(dir.resolve("playbook.yml")) + ":" + line + ":" + column;
    }

    private static StaticRoutesKind.Routes routes(DesiredHost h) {
        return h.kinds().get(StaticRoutesKind.KEY, StaticRoutesKind.Routes.class).orElseThrow();
    }

    private static final String THREE = "static_routes:\n"
            + "  office: {destination: 10.30.0.0/16, gateway: 192.168.56.1}\n"
            + "  backup: {destination: 10.40.0.7, gateway: 192.168.56.2}\n"
            + "  direct: {destination: 172.16.5.0/24, interface: inic}\n";

    @Test
    void theKindIsRegistered() {
        assertThat(Kinds.all()).anyMatch(k -> k instanceof StaticRoutesKind);
    }

    @Test
    void rcConfHasTheWordsRcdRoutingPassesToRouteAdd() {
        DesiredHost h = host(THREE);
        Kind.RcConf rc = new StaticRoutesKind().rcConf(routes(h));
        assertThat(rc.cloned()).isEmpty();
        assertThat(rc.settings()).containsExactly(Map.entry("static_routes", "office backup direct"),
                Map.entry("route_office", "-net 10.30.0.0/16 192.168.56.1"),
                Map.entry("route_backup", "-host 10.40.0.7 192.168.56.2"),
                Map.entry("route_direct", "-net 172.16.5.0/24 -interface inic"));
    }

    @Test
    void eachRouteIsReadWithTheCommandThatShowsItExactly() {
        DesiredHost h = host(THREE);
        var probe = ProbeSections.of(h).commands();
        assertThat(probe).containsEntry("static_route/10.30.0.0/16", "route -n get -net 10.30.0.0/16")
                .containsEntry("static_route/10.40.0.7", "route -n get -host 10.40.0.7")
                .containsEntry("static_route/172.16.5.0/24", "route -n get -net 172.16.5.0/24");
        StaticRoutesKind kind = new StaticRoutesKind();
        assertThat(kind.factOf("static_route/10.40.0.7").orElseThrow().command()).isEqualTo("route -n get -host 10.40.0.7");
        // Only the names the probe gives: a /32 is a host, a network is written masked.
        assertThat(kind.factOf("static_route/10.40.0.7/32")).isEmpty();
        assertThat(kind.factOf("static_route/10.30.0.5/16")).isEmpty();
        assertThat(kind.factOf("route")).isEmpty();
    }

    @Test
    void aRouteWaitsForTheInterfaceItLeavesBy() {
        DesiredHost h = host(THREE + "  lab: {destination: 10.60.0.0/16, gateway: 10.0.2.9}\n"
                + "  far: {destination: 10.70.0.0/16, gateway: 172.31.0.1}\n  sw: {destination: 10.80.0.0/16, interface: xbridge}\n");
        Map<String, List<String>> deps = new java.util.LinkedHashMap<>();
        Resources.of(h).stream().filter(r -> r.address().kind().equals("static_route"))
                .forEach(r -> deps.put(r.address().name(), r.dependsOn().stream().map(Object::toString).toList()));
        assertThat(deps).containsEntry("office", List.of("nic[inic]")).containsEntry("direct", List.of("nic[inic]"))
                .containsEntry("lab", List.of("bridge[xbridge]")).containsEntry("sw", List.of("bridge[xbridge]"))
                // A gateway on none of the subnets declared here may be on another kind's (a VLAN's):
                // the route waits for every interface the host makes, bridges too.
                .containsEntry("far", List.of("bridge[xbridge]", "nic[inic]", "nic[xnic]"));
    }

    @Test
    void badRoutesAreRefusedWhereTheyAreWritten() {
        String p = "static_routes:\n"
                + "  a-b: {destination: 10.1.0.0/16, gateway: 192.168.56.1}\n"
                + "  _x: {destination: 10.2.0.0/16, gateway: 192.168.56.1}\n"
                + "  dflt: {destination: 0.0.0.0/0, gateway: 192.168.56.1}\n"
                + "  bits: {destination: 10.3.0.5/16, gateway: 192.168.56.1}\n"
                + "  both: {destination: 10.4.0.0/16, gateway: 192.168.56.1, interface: inic}\n"
                + "  none: {destination: 10.5.0.0/16}\n"
                + "  nodest: {gateway: 192.168.56.1}\n"
                + "  again: {destination: 10.6.0.0/16, gateway: 192.168.56.1}\n"
                + "  twice: {destination: 10.6.0.0/16, gateway: 192.168.56.2}\n"
                + "  lan: {destination: 192.168.56.0/24, gateway: 192.168.56.1}\n"
                + "  me: {destination: 192.168.56.110, gateway: 192.168.56.1}\n"
                + "  gw: {destination: 10.7.0.0/16, gateway: 192.168.56.300}\n"
                + "  port: {destination: 10.8.0.0/16, gateway: 192.168.56.1, metric: 3}\n";
        assertThat(problems(p)).containsExactly(
                at(p, "{destination: 10.1.0.0/16") + ": static_routes.a-b: invalid route name 'a-b': rc.d/routing reads "
                        + "route_a_b for it (network.subr get_if_var turns '.', '-', '/' and '+' into '_'); use letters, digits and '_'",
                at(p, "{destination: 10.2.0.0/16") + ": static_routes._x: invalid route name '_x': rc.d/routing names its own "
                        + "routes _loopback and _default (static_inet); start with a letter or a digit",
                at(p, "0.0.0.0/0") + ": static_routes.dflt.destination: a route to 0.0.0.0/0 is the default route: set it "
                        + "with defaultrouter (rc.conf's defaultrouter), not as a static route",
                at(p, "10.3.0.5/16") + ": static_routes.bits.destination: destination 10.3.0.5/16 has host bits set: the "
                        + "network is 10.3.0.0/16 (route(8) masks the address, and then shows the network)",
                at(p, "{destination: 10.4.0.0/16") + ": static_routes.both: a route needs exactly one of gateway (an IPv4 "
                        + "address) and interface (an interface route)",
                at(p, "{destination: 10.5.0.0/16}") + ": static_routes.none: a route needs exactly one of gateway (an IPv4 "
                        + "address) and interface (an interface route)",
                at(p, "{gateway: 192.168.56.1}") + ": static_routes.nodest: missing required key 'destination'",
                at(p, "10.6.0.0/16, gateway: 192.168.56.2") + ": static_routes.twice.destination: route 'again' goes to "
                        + "10.6.0.0/16 already",
                at(p, "192.168.56.0/24, gateway") + ": static_routes.lan.destination: destination 192.168.56.0/24 is the "
                        + "subnet of NIC inic: FreeBSD routes it to the interface itself",
                at(p, "192.168.56.110, gateway") + ": static_routes.me.destination: destination 192.168.56.110 is the "
                        + "address of NIC inic (routed to lo0)",
                at(p, "192.168.56.300") + ": static_routes.gw.gateway: invalid IPv4 address '192.168.56.300' (300 is over 255)",
                at(p, "metric") + ": static_routes.port.metric: unknown key 'metric' (expected one of: destination, gateway, "
                        + "interface)");
    }

    @Test
    void rcConfMayNotSetWhatTheSectionWrites() {
        String p = "rc_conf:\n  static_routes: office\n" + THREE;
        // Reported at the rc_conf entry: the reader refuses it for every kind (PlaybookReader).
        assertThat(problems(p)).containsExactly(at(p, "office\n") + ": rc_conf.static_routes: rc_conf sets static_routes, which the "
                + "static_routes section writes to rc.conf: remove it from rc_conf");
    }

    private static Seen seen(String gateway, String iface) {
        return new Seen(true, gateway, iface);
    }

    private Change only(DesiredHost h, Map<String, Object> facts, String resource) {
        ObservedHost o = FreshHost.of(h.name(), com.uirig.plan.Kinds.freshNics(h), ProbeSections.of(h).facts()).withFacts(facts);
        return Planner.plan(List.of(h), Map.of(h.name(), o)).hosts().get(0).changes().stream()
                .filter(c -> c.resource().toString().equals(resource)).findFirst().orElse(null);
    }

    @Test
    void aMissingRouteIsAddedUnderARollbackThatDeletesIt() {
        DesiredHost h = host(THREE);
        Change c = only(h, Map.of(), "static_route[office]");
        assertThat(c.action()).isEqualTo(Action.CREATE);
        assertThat(c.reason()).isEqualTo("no route to 10.30.0.0/16");
        assertThat(c.steps()).singleElement().hasToString("route add -net 10.30.0.0/16 192.168.56.1");
        assertThat(c.guard().commands()).containsExactly("route delete -net 10.30.0.0/16");
        assertThat(c.after()).isEqualTo(Map.of("destination", "10.30.0.0/16", "gateway", "192.168.56.1"));
        assertThat(only(h, Map.of(), "static_route[backup]").steps()).singleElement()
                .hasToString("route add -host 10.40.0.7 192.168.56.2");
        assertThat(only(h, Map.of(), "static_route[direct]").steps()).singleElement()
                .hasToString("route add -net 172.16.5.0/24 -interface inic");
    }

    @Test
    void aRouteThatGoesTheWayAskedIsInSync() {
        DesiredHost h = host(THREE);
        Map<String, Object> facts = Map.of("static_route/10.30.0.0/16", seen("192.168.56.1", "inic"),
                "static_route/10.40.0.7", seen("192.168.56.2", "inic"), "static_route/172.16.5.0/24", seen(null, "inic"));
        for (String r : List.of("office", "backup", "direct")) {
            assertThat(only(h, facts, "static_route[" + r + "]")).as(r).isNull();
        }
    }

    @Test
    void anotherGatewayIsChangedBackUnderARollbackThatPutsTheOldOneBack() {
        DesiredHost h = host(THREE);
        Change c = only(h, Map.of("static_route/10.30.0.0/16", seen("192.168.56.2", "inic")), "static_route[office]");
        assertThat(c.action()).isEqualTo(Action.UPDATE);
        assertThat(c.reason()).isEqualTo("10.30.0.0/16 goes via 192.168.56.2");
        assertThat(c.before()).isEqualTo(Map.of("destination", "10.30.0.0/16", "gateway", "192.168.56.2"));
        assertThat(c.steps()).singleElement().hasToString("route change -net 10.30.0.0/16 192.168.56.1");
        assertThat(c.guard().commands()).containsExactly("route change -net 10.30.0.0/16 192.168.56.2");
        // An interface route that has become a gateway route, and back.
        Change i = only(h, Map.of("static_route/172.16.5.0/24", seen("192.168.56.1", "inic")), "static_route[direct]");
        assertThat(i.steps()).singleElement().hasToString("route change -net 172.16.5.0/24 -interface inic");
        assertThat(i.guard().commands()).containsExactly("route change -net 172.16.5.0/24 192.168.56.1");
        Change g = only(h, Map.of("static_route/10.40.0.7", seen(null, "xnic")), "static_route[backup]");
        assertThat(g.reason()).isEqualTo("10.40.0.7 goes out of xnic");
        assertThat(g.guard().commands()).containsExactly("route change -host 10.40.0.7 -interface xnic");
        Change o = only(h, Map.of("static_route/172.16.5.0/24", seen(null, "xnic")), "static_route[direct]");
        assertThat(o.steps()).singleElement().hasToString("route change -net 172.16.5.0/24 -interface inic");
    }

    @Test
    void destinationsAreNetworksOrHosts() {
        assertThat(StaticRoutesKind.destination("10.30.0.0/16")).isEqualTo(Cidr.parse("10.30.0.0/16", true));
        assertThat(StaticRoutesKind.destination("10.30.0.5").prefix()).isEqualTo(32);
        assertThat(StaticRoutesKind.nameProblem("office_2")).isNull();
        assertThat(StaticRoutesKind.nameProblem("x y")).isEqualTo("invalid route name 'x y': it becomes a word of "
                + "rc.conf's static_routes and the variable route_NAME, so letters, digits and '_' only");
    }

    @Test
    void aRouteToTheSubnetOfALaggIsRefusedLikeOneToANicsSubnet() {
        String p = "laggs:\n  lagg0: {laggproto: failover, laggports: [em2], inet: 10.0.9.1/24}\n"
                + "static_routes:\n  storage: {destination: 10.0.9.0/24, gateway: 192.168.56.1}\n";
        assertThat(problems(p)).singleElement().asString()
                .contains("destination 10.0.9.0/24 is the subnet of interface lagg0: FreeBSD routes it to the interface itself");
    }
}
