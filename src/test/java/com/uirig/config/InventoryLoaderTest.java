package com.uirig.config;

import com.uirig.kinds.DefaultRouterKind;
import com.uirig.kinds.NicsKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.PipeMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InventoryLoaderTest {

    @Test
    void loadsTheProdInventoryWithEveryPerHostValueResolved() {
        Inventory inv = InventoryLoader.load(Path.of("inventory/prod"));
        assertThat(inv.hosts()).extracting(DesiredHost::name).containsExactly("server-a", "server-b");
        DesiredHost a = inv.host("server-a").orElseThrow();
        assertThat(a.ssh().address()).isEqualTo("192.0.2.155");
        assertThat(a.ssh().port()).isEqualTo(22);
        assertThat(a.ssh().user()).isEqualTo("admin");
        assertThat(a.ssh().become()).isEqualTo(com.uirig.model.Become.DOAS);
        assertThat(a.ssh().knownHosts()).endsWith("orchestrator/known_hosts");
        assertThat(NicsKind.of(a)).extracting(n -> n.name().value() + "=" + n.device() + " " + n.inet())
                .containsExactly("xnic=em0 192.0.2.155/24", "inic=em1 192.168.56.110/24");
        assertThat(NicsKind.of(a).get(1).options()).containsExactly("vlanhwtag 2222");
        assertThat(a.kinds().get(DefaultRouterKind.KEY, DefaultRouterKind.Router.class)).map(r -> r.gateway().toString())
                .contains("192.0.2.1");

        DesiredHost b = inv.host("server-b").orElseThrow();
        assertThat(NicsKind.of(b).get(0).inet()).isEqualTo(Cidr.parseInterface("192.0.2.165/24"));
    }

    @Test
    void aHostReadsItsPeersValues() {
        Inventory inv = InventoryLoader.load(Path.of("inventory/prod"));
        DesiredHost a = inv.host("server-a").orElseThrow();
        DesiredHost b = inv.host("server-b").orElseThrow();
        assertThat(table(a, "pgpeer")).containsExactly("192.168.56.41");
        assertThat(table(a, "nodepeer")).containsExactly("192.168.56.31");
        assertThat(table(b, "pgpeer")).containsExactly("192.168.56.40");
        var n2p = com.uirig.kinds.JailsKind.of(a).stream().filter(j -> j.name().equals("node_j")).findFirst().orElseThrow().pipes().get(0);
        assertThat(n2p.mode()).isEqualTo(PipeMode.ENCRYPT);
        assertThat(n2p.source()).hasToString("[192.168.56.30]:5432");
        assertThat(n2p.target()).hasToString("[192.168.56.41]:5433");
    }

    @Test
    void listVariablesFillTables() {
        DesiredHost a = InventoryLoader.load(Path.of("inventory/prod")).host("server-a").orElseThrow();
        assertThat(table(a, "email")).containsExactly("66.111.4.0/24");
        assertThat(table(a, "martians")).contains("10.0.0.0/8").doesNotContain("192.0.2.0/24");
        assertThat(com.uirig.kinds.PfKind.of(a).orElseThrow().tables()).filteredOn(DesiredHost.PfTable::runtime)
                .extracting(DesiredHost.PfTable::name).containsExactly("ratelimit");
    }

    @Test
    void jailsKeepBootOrderAndParameters() {
        DesiredHost a = InventoryLoader.load(Path.of("inventory/prod")).host("server-a").orElseThrow();
        assertThat(com.uirig.kinds.JailsKind.of(a)).extracting(DesiredHost.Jail::name).containsExactly("pg_j", "node_j", "nginx_j");
        DesiredHost.Jail pg = com.uirig.kinds.JailsKind.of(a).get(0);
        assertThat(pg.path()).isEqualTo("/jails/pg_j");
        assertThat(pg.parameters()).containsEntry("sysvshm", "new");
        assertThat(pg.root()).isEqualTo(new DesiredHost.ZfsClone("zroot/jails/template@14.1-RELEASE", "zroot/jails/pg_j"));
        assertThat(com.uirig.kinds.JailDefaultsKind.of(a)).containsEntry("devfs_ruleset", 4).containsEntry("vnet", true)
                .containsEntry("exec.start", "/bin/sh /etc/rc");
    }

    @Test
    void theLabInventoryIsValidAndUsesABaseArchive(@org.junit.jupiter.api.io.TempDir Path dir) {
        InventoryCopy copy = new InventoryCopy(dir);
        Path archive = copy.labBaseArchive();
        Inventory lab = copy.load("lab");
        DesiredHost a = lab.host("server-a").orElseThrow();
        assertThat(com.uirig.kinds.JailsKind.of(a).get(0).root()).isEqualTo(new DesiredHost.BaseArchive(archive.toString(), archive.toString(), 6));
        assertThat(table(a, "martians")).doesNotContain("192.168.0.0/16");
        // Extracting it streams the archive through SSH: a long step, with its own timeout.
        var plan = com.uirig.plan.Planner.plan(lab.hosts(), java.util.Map.of("server-a", com.uirig.plan.PlanTestSupport.fresh(a)));
        var root = plan.hosts().get(0).changes().stream().filter(c -> c.resource().toString().startsWith("jail_root[")).findFirst().orElseThrow();
        assertThat(root.steps()).filteredOn(s -> s.argv().get(0).equals("tar"))
                .singleElement().extracting(com.uirig.plan.Step::effect).isEqualTo(com.uirig.plan.Step.Effect.LONG);
    }

    private static List<String> table(DesiredHost h, String name) {
        return com.uirig.kinds.PfKind.of(h).orElseThrow().tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow()
                .addresses().stream().map(Cidr::entryText).toList();
    }
}
