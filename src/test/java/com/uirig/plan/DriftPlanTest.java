package com.uirig.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.config.Inventory;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.ObservedHost.Iface;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Planning compares values: a host in the desired state needs nothing; each drift gets exactly its repair. */
class DriftPlanTest {
    private final Inventory inv = PlanTestSupport.prod();

    private Plan planWith(String host, UnaryOperator<ObservedHost> drift) {
        return PlanTestSupport.planWith(inv, host, drift);
    }

    private static List<Change> changes(Plan plan, String host) {
        return plan.hosts().stream().filter(h -> h.host().equals(host)).findFirst().orElseThrow().changes();
    }

    @Test
    void aHostInTheDesiredStateNeedsNothing() {
        Plan plan = Planner.plan(inv.hosts(), PlanTestSupport.converged(inv));
        assertThat(plan.hasChanges()).isFalse();
        assertThat(plan.hosts()).allSatisfy(h -> assertThat(h.changes()).isEmpty());
    }

    @Test
    void aMissingBridgeMemberIsAddedBack() {
        Plan plan = planWith("server-a", PlanTestSupport::bridgeMemberMissing);
        assertThat(changes(plan, "server-b")).isEmpty();
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("bridge[xbridge]");
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("ifconfig xbridge addm pg_a");
            assertThat(c.before().get("members")).isEqualTo(List.of("ngx_a", "node_a"));
        });
    }

    @Test
    void aForeignBridgeMemberIsRemoved() {
        Plan plan = planWith("server-a", o -> {
            Map<String, Iface> ifs = new LinkedHashMap<>(o.get(HostState.INTERFACES));
            Iface x = ifs.get("ibridge");
            ifs.put("ibridge", new Iface(x.name(), x.flags(), x.groups(), x.inet(), x.ether(), List.of("inic", "inode_a", "ipg_a", "tap0")));
            return PlanTestSupport.withInterfaces(o, ifs);
        });
        assertThat(changes(plan, "server-a")).singleElement().extracting(c -> c.steps().get(0).shellLine())
                .isEqualTo("ifconfig ibridge deletem tap0");
    }

    @Test
    void aChangedRcConfValueIsSetBackAlone() {
        Plan plan = planWith("server-b", o -> {
            Map<String, Map<String, String>> rc = new LinkedHashMap<>(o.get(HostState.RC_CONF));
            Map<String, String> host = new LinkedHashMap<>(rc.get("/etc/rc.conf"));
            host.put("pf_enable", "NO");
            host.put("sshd_enable", "YES");
            rc.put("/etc/rc.conf", host);
            return o.with(HostState.RC_CONF, rc);
        });
        assertThat(changes(plan, "server-b")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("rc_conf[host]");
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.before()).isEqualTo(Map.of("pf_enable", "NO"));
            assertThat(c.after()).isEqualTo(Map.of("pf_enable", "YES"));
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("sysrc pf_enable=YES");
        });
    }

    @Test
    void disabledPfIsEnabledWithoutReloading() {
        Plan plan = planWith("server-a", PlanTestSupport::pfDisabled);
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("pf[/etc/pf.conf]");
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("pfctl -e");
        });
    }

    @Test
    void anEditedTableFileIsRewrittenAndReloaded() {
        Plan plan = planWith("server-a", PlanTestSupport::tableFileEdited);
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("pf_table[xpeers]");
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.steps()).extracting(Step::shellLine).containsSubsequence(
                    "cp -p /etc/ips_xnic_peers /etc/ips_xnic_peers.uirig-prev",
                    "mv /etc/ips_xnic_peers.uirig-new /etc/ips_xnic_peers",
                    "pfctl -t xpeers -T replace -f /etc/ips_xnic_peers");
            assertThat(c.diff()).isEqualTo("--- /etc/ips_xnic_peers\n+++ /etc/ips_xnic_peers\n@@ -1,2 +1 @@\n 192.0.2.5\n-203.0.113.99\n");
        });
    }

    @Test
    void aStoppedJailIsStarted() {
        Plan plan = planWith("server-a", o -> {
            Map<String, ObservedHost.RunningJail> jails = new LinkedHashMap<>(o.get(HostState.JAILS));
            jails.remove("node_j");
            return o.with(HostState.JAILS, jails);
        });
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("jail[node_j]");
            assertThat(c.action()).isEqualTo(Action.CREATE);
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("jail -c node_j");
        });
    }

    @Test
    void aJailRunningWithOtherParametersIsRestartedAlone() {
        Plan plan = planWith("server-a", o -> {
            Map<String, ObservedHost.RunningJail> jails = new LinkedHashMap<>(o.get(HostState.JAILS));
            ObservedHost.RunningJail pg = jails.get("pg_j");
            jails.put("pg_j", new ObservedHost.RunningJail("pg_j", pg.jid(), pg.path(), Map.of("sysvshm", "inherit", "devfs_ruleset", "4")));
            return o.with(HostState.JAILS, jails);
        });
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.REPLACE);
            assertThat(c.reason()).contains("sysvshm").contains("restarted alone");
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("jail -r pg_j", "jail -c pg_j");
        });
    }

    @Test
    void aKeyChangedOnOneEndIsCopiedFromAnEndThatMatches() {
        Plan plan = planWith("server-b", o -> {
            Map<String, ObservedHost.FileState> files = new LinkedHashMap<>(o.get(HostState.FILES));
            files.put("/jails/node_j/etc/spiped.key", new ObservedHost.FileState("other", Optional.empty(), "0600", "root:wheel"));
            return o.with(HostState.FILES, files);
        });
        assertThat(changes(plan, "server-a")).isEmpty();
        // Only the jail whose key copy changed restarts its pipes.
        assertThat(changes(plan, "server-b")).extracting(c -> c.resource().toString()).containsExactly("spiped_key[db]", "service[node_j/spiped]");
        assertThat(changes(plan, "server-b")).first().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("spiped_key[db]");
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly(
                    "cp -p /jails/pg_j/etc/spiped.key /jails/node_j/etc/spiped.key.uirig-new",
                    "cp -p /jails/node_j/etc/spiped.key /jails/node_j/etc/spiped.key.uirig-prev",
                    "mv /jails/node_j/etc/spiped.key.uirig-new /jails/node_j/etc/spiped.key");
            assertThat(c.before()).containsEntry("/jails/node_j/etc/spiped.key", "differs");
        });
    }

    @Test
    void aHostWithNoGoodKeyCopyReceivesItFromThePeerMasked() {
        Plan plan = planWith("server-b", o -> {
            Map<String, ObservedHost.FileState> files = new LinkedHashMap<>(o.get(HostState.FILES));
            files.remove("/jails/node_j/etc/spiped.key");
            files.put("/jails/pg_j/etc/spiped.key", new ObservedHost.FileState("other", Optional.empty(), "0600", "root:wheel"));
            return o.with(HostState.FILES, files);
        });
        Change c = changes(plan, "server-b").get(0);
        assertThat(c.steps()).extracting(Step::shellLine).contains(
                "dd of=/jails/pg_j/etc/spiped.key.uirig-new status=none < [*** secret read from server-a:/jails/pg_j/etc/spiped.key]");
    }

    @Test
    void aStoppedServiceAndAMissingPackageAreRepaired() {
        Plan plan = planWith("server-a",
                o -> PlanTestSupport.serviceStopped(PlanTestSupport.packagesMissing(o, "nginx_j"), "pg_j", "spiped"));
        // On a running host the package is fetched through the egress window, closed again after it.
        assertThat(changes(plan, "server-a")).extracting(c -> c.resource() + ": " + c.steps().get(c.steps().size() - 1).shellLine())
                .containsExactly("pf[egress]: pfctl -f /var/db/uirig/pf.egress.conf",
                        "packages[nginx_j]: pkg -j nginx_j install -y nginx",
                        "service[pg_j/spiped]: jexec pg_j service spiped start",
                        "pf[/etc/pf.conf]: " + PfResource.RECORD_LOADED.shellLine());
        Change window = changes(plan, "server-a").get(0);
        // pf runs with its filter rules: the load keeps every state, no session is cut, no module load.
        assertThat(window.steps()).extracting(Step::argv).containsExactly(
                List.of("sh", "-c", "mkdir -p \"${1%/*}\" && cat > \"$1\"", "sh", "/var/db/uirig/pf.egress.conf"),
                List.of("pfctl", "-nf", "/var/db/uirig/pf.egress.conf"), List.of("pfctl", "-f", "/var/db/uirig/pf.egress.conf"));
        assertThat(window.steps()).allMatch(st -> st.effect() == Step.Effect.NONE);
        assertThat(((Step.Content) window.steps().get(0).input()).text())
                .startsWith(com.uirig.kinds.PfKind.of(PlanTestSupport.prod().host("server-a").orElseThrow()).orElseThrow().conf())
                .endsWith("pass in  on xbridge from $xbridge_net\npass out on xnic\n");
        assertThat(changes(plan, "server-a").get(1).steps()).allMatch(st -> st.effect() == Step.Effect.LONG);
    }

    @Test
    void aHostWithEveryPackageOpensNoEgressWindowAndADoneRunOnceIsNoDrift() {
        assertThat(changes(planWith("server-a", o -> o), "server-a")).isEmpty();
        Plan plan = planWith("server-a", o -> o.with(HostState.EXISTING_PATHS, Set.of(PkgBootstrapResource.PKG)));
        // The cluster is gone: initdb runs again, and the jail's running services restart on what it made.
        assertThat(changes(plan, "server-a")).extracting(c -> c.resource().toString()).containsExactly("run_once[pg_j/initdb]",
                "service[pg_j/postgresql]", "service[pg_j/spiped]");
        assertThat(changes(plan, "server-a").get(0).steps()).extracting(Step::shellLine).containsExactly(
                "jexec pg_j /bin/sh -c 'service postgresql initdb'",
                "/bin/sh -c 'test -e \"$1\" || { echo \"$1 was not created\" >&2; exit 1; }' sh /jails/pg_j/var/db/postgres/data16/PG_VERSION");
    }

    @Test
    void aVnetInterfaceLeftOnTheHostIsMovedIntoItsJail() {
        Plan plan = planWith("server-a", o -> {
            Map<String, Map<String, Iface>> jails = new LinkedHashMap<>(o.get(HostState.JAIL_INTERFACES));
            Map<String, Iface> nginx = new LinkedHashMap<>(jails.get("nginx_j"));
            Iface ngxB = nginx.remove("ngx_b");
            jails.put("nginx_j", nginx);
            Map<String, Iface> host = new LinkedHashMap<>(o.get(HostState.INTERFACES));
            host.put("ngx_b", ngxB);
            return o.with(HostState.INTERFACES, host).with(HostState.JAIL_INTERFACES, jails);
        });
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("jail[nginx_j]");
            // Moving an interface into a jail drops its addresses: they are set again inside.
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("ifconfig ngx_b vnet nginx_j",
                    "jexec nginx_j ifconfig ngx_b inet 10.0.2.20/24");
        });
    }

    @Test
    void flushedRulesAreReloadedFromTheFile() {
        Plan plan = planWith("server-a", o -> o.with(HostState.PF,
                new ObservedHost.PfState(true, true, true, false, o.get(HostState.PF).tables())));
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("the loaded rules differ from /etc/pf.conf");
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("pfctl -f /etc/pf.conf",
                    PfResource.RECORD_LOADED.shellLine());
        });
    }

    @Test
    void loadingRulesIntoPfRunningWithoutFilterRulesCutsTheSessionsAndSoRunsDetached() {
        // pfctl -F rules: pf runs and passes everything without state; the load that follows
        // blocks every connection open until then, the one running it included.
        Plan plan = planWith("server-a", o -> o.with(HostState.PF,
                new ObservedHost.PfState(true, true, false, false, o.get(HostState.PF).tables())));
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("no ruleset is loaded");
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("pfctl -f /etc/pf.conf",
                    PfResource.RECORD_LOADED.shellLine());
            assertThat(c.steps().get(0).effect()).isEqualTo(Step.Effect.CUTS_SESSIONS);
        });
    }

    @Test
    void aStoppedJailsServicesAreStartedByTheJailItself() {
        Plan plan = planWith("server-a", o -> {
            Map<String, ObservedHost.RunningJail> jails = new LinkedHashMap<>(o.get(HostState.JAILS));
            jails.remove("node_j");
            java.util.Set<String> services = new java.util.HashSet<>(o.get(HostState.RUNNING_SERVICES));
            services.removeIf(s -> s.startsWith("node_j/"));
            return o.with(HostState.JAILS, jails).with(HostState.RUNNING_SERVICES, services);
        });
        assertThat(changes(plan, "server-a")).extracting(c -> c.resource() + " " + c.steps().size() + " " + c.reason())
                .containsExactly("jail[node_j] 1 jail node_j is not running",
                        "service[node_j/spiped] 0 spiped is started by jail node_j's /etc/rc",
                        "service[node_j/node] 0 node is started by jail node_j's /etc/rc");
    }

    @Test
    void aChangedJailRcConfRestartsTheJailsRunningServices() {
        Plan plan = planWith("server-a", o -> {
            Map<String, Map<String, String>> rc = new LinkedHashMap<>(o.get(HostState.RC_CONF));
            Map<String, String> node = new LinkedHashMap<>(rc.get("/jails/node_j/etc/rc.conf"));
            node.put("spiped_pipe_N2P_target", "[192.168.56.99]:5433");
            rc.put("/jails/node_j/etc/rc.conf", node);
            return o.with(HostState.RC_CONF, rc);
        });
        assertThat(changes(plan, "server-a")).extracting(c -> c.resource() + ": " + c.steps().get(0).shellLine())
                .containsExactly("rc_conf[node_j]: sysrc -f /jails/node_j/etc/rc.conf 'spiped_pipe_N2P_target=[192.168.56.41]:5433'",
                        "service[node_j/spiped]: sh -c 'for p; do pkill -F \"$p\" 2>/dev/null; while pgrep -F \"$p\" >/dev/null 2>&1;"
                                + " do sleep 0.1; done; rm -f \"$p\"; done' sh /jails/node_j/var/run/spiped_N2P.pid",
                        "service[node_j/node]: jexec node_j service node restart");
        // spiped.in cannot restart pipes (its stop ends at the first dead one, its start refuses
        // while any runs): each pipe is ended by its pid file, then all start.
        assertThat(changes(plan, "server-a").get(1).steps().get(1).shellLine()).isEqualTo("jexec node_j service spiped start");
    }

    @Test
    void aWrongAddressInARunningJailIsSetInPlace() {
        Plan plan = planWith("server-a", o -> {
            Map<String, Map<String, Iface>> jails = new LinkedHashMap<>(o.get(HostState.JAIL_INTERFACES));
            Map<String, Iface> pg = new LinkedHashMap<>(jails.get("pg_j"));
            Iface ipg = pg.get("ipg_b");
            pg.put("ipg_b", new Iface("ipg_b", ipg.flags(), ipg.groups(), List.of(com.uirig.model.Cidr.parseInterface("192.168.56.99/24")),
                    ipg.ether(), ipg.members()));
            jails.put("pg_j", pg);
            return o.with(HostState.JAIL_INTERFACES, jails);
        });
        assertThat(changes(plan, "server-a")).singleElement().satisfies(c -> {
            assertThat(c.resource().toString()).isEqualTo("jail[pg_j]");
            assertThat(c.steps()).extracting(Step::shellLine).containsExactly("jexec pg_j ifconfig ipg_b inet 192.168.56.40/24");
        });
    }

    @Test
    void rotatingKeysMakesANewKeyOnTheFirstHostCopiesItEverywhereAndRestartsThePipes() {
        Plan plan = Planner.plan(inv.hosts(), PlanTestSupport.converged(inv), true);
        assertThat(changes(plan, "server-a")).extracting(c -> c.resource().toString())
                .containsExactly("spiped_key[db]", "service[pg_j/spiped]", "service[node_j/spiped]");
        assertThat(changes(plan, "server-a").get(0).steps()).extracting(Step::shellLine)
                .contains("dd if=/dev/urandom of=/jails/pg_j/etc/spiped.key.uirig-new bs=32 count=1 status=none");
        assertThat(changes(plan, "server-b").get(0).steps()).extracting(Step::shellLine)
                .contains("dd of=/jails/pg_j/etc/spiped.key.uirig-new status=none < [*** secret read from server-a:/jails/pg_j/etc/spiped.key]");
        assertThat(changes(plan, "server-b")).extracting(c -> c.resource().toString())
                .containsExactly("spiped_key[db]", "service[pg_j/spiped]", "service[node_j/spiped]");
    }
}
