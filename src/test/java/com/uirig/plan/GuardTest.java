package com.uirig.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The changes that can cut uirig off say so, with what undoes them; no other change does. */
class GuardTest {
    private static final List<String> PF_RESTORE = List.of("if [ -f /etc/pf.conf ]; then pfctl -f /etc/pf.conf; fi",
            "grep -q Enabled \"$d/running\" || pfctl -d");

    private static Change change(List<Change> changes, String resource) {
        return changes.stream().filter(c -> c.resource().toString().equals(resource)).findFirst().orElseThrow();
    }

    @Test
    void onAFreshHostPfNicsAndTheRouteAreGuardedAndNothingElse() {
        var inv = PlanTestSupport.prod();
        List<Change> changes = Planner.plan(inv.hosts(), PlanTestSupport.fresh(inv)).hosts().get(0).changes();
        for (Change c : changes) {
            // pf has no rules loaded yet: writing a table's file cannot cut anything.
            boolean cuts = java.util.Set.of("pf", "nic", "route").contains(c.resource().kind());
            assertThat(c.guarded().isPresent()).as(c.resource().toString()).isEqualTo(cuts);
        }
        // Putting pf.conf back and loading it undoes the window; the file pf.conf is written once.
        assertThat(change(changes, EgressWindowResource.ADDRESS.toString()).guard().files()).containsExactly("/etc/pf.conf", PfResource.RECORD);
        assertThat(change(changes, "pf[/etc/pf.conf]").guard().files()).containsExactly("/etc/pf.conf", PfResource.RECORD);
        assertThat(change(changes, "route[default]").guard().commands()).singleElement().asString().startsWith("route change default ");
    }

    @Test
    void aTableThatIsLoadedIntoPfIsGuardedWithItsFileAndPfConf() {
        Change c = PlanTestSupport.planWith(PlanTestSupport.prod(), "server-a", PlanTestSupport::tableFileEdited)
                .hosts().get(0).changes().get(0);
        assertThat(c.resource().toString()).isEqualTo("pf_table[xpeers]");
        assertThat(c.guard().files()).containsExactly("/etc/ips_xnic_peers", "/etc/pf.conf", PfResource.RECORD);
        assertThat(c.guard().commands()).isEqualTo(PF_RESTORE);
    }

    @Test
    void nicAndRouteChangesAreUndoneByCommands() {
        Guard nic = Guard.nic(Map.of("name", "em0", "inet", List.of("10.1.1.5/24")),
                Map.of("name", "xnic", "inet", List.of("192.0.2.155/24")));
        assertThat(nic.commands()).containsExactly(
                "ifconfig xnic inet 192.0.2.155 -alias", "ifconfig xnic name em0", "ifconfig em0 inet 10.1.1.5/24 alias");
        assertThat(nic.files()).isEmpty();
        assertThat(Guard.route("10.1.1.1").commands()).containsExactly("route change default 10.1.1.1");
        assertThat(Guard.route(null).commands()).containsExactly("route delete default");
    }
}
