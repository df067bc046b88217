package com.uirig.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepAndDiffTest {
    @Test
    void argumentsAreQuotedOnceWhenShown() {
        assertThat(Step.run("sysrc", "ifconfig_xbridge=10.0.2.1/24 addm ngx_a").shellLine())
                .isEqualTo("sysrc 'ifconfig_xbridge=10.0.2.1/24 addm ngx_a'");
        assertThat(Step.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(Step.quote("")).isEqualTo("''");
        assertThat(Step.quote("$HOME")).isEqualTo("'$HOME'");
        assertThat(Step.quote("/etc/pf.conf")).isEqualTo("/etc/pf.conf");
    }

    @Test
    void secretInputIsMaskedEverywhere() {
        Step s = new Step(java.util.List.of("dd", "of=/k", "status=none"), new Step.SecretFrom("server-a", "/jails/pg_j/etc/spiped.key"));
        assertThat(s.shellLine()).isEqualTo("dd of=/k status=none < [*** secret read from server-a:/jails/pg_j/etc/spiped.key]");
        assertThat(s.input().toString()).isEqualTo("SecretFrom[***]");
    }

    @Test
    void contentIsShownBySizeAndHash() {
        assertThat(Step.withContent("abc\n", "dd", "of=/x").shellLine()).isEqualTo("dd of=/x < [4 bytes sha256:edeaaff3f177]");
    }

    @Test
    void unifiedDiffShowsChangedLinesWithContext() {
        String before = "a\nb\nc\nd\ne\nf\ng\nh\n";
        String after = "a\nb\nc\nD\ne\nf\ng\nh\ni\n";
        assertThat(UnifiedDiff.of("/etc/x", before, after)).isEqualTo(
                "--- /etc/x\n+++ /etc/x\n@@ -1,8 +1,9 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n+i\n");
        assertThat(UnifiedDiff.of("/etc/x", before, before)).isEmpty();
        assertThat(UnifiedDiff.of("/etc/y", null, "one\n")).isEqualTo("--- /dev/null\n+++ /etc/y\n@@ -0,0 +1 @@\n+one\n");
    }

    @Test
    void distantChangesGetSeparateHunks() {
        StringBuilder before = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            before.append(i).append('\n');
        }
        String after = before.toString().replace("\n2\n", "\ntwo\n").replace("\n19\n", "\nnineteen\n");
        assertThat(UnifiedDiff.of("/f", before.toString(), after))
                .contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n")
                .contains("@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n");
    }

    @Test
    void backupsAndTemporaryFilesStayOutOfDirectoriesThatAreLoadedWhole() {
        // cron runs every file of /etc/cron.d not starting with a dot; rc every script of rc.d.
        assertThat(FileWrite.temporary("/etc/cron.d/uirig")).isEqualTo("/etc/.cron.d.uirig.uirig-new");
        assertThat(FileWrite.previous("/etc/cron.d/uirig")).isEqualTo("/etc/.cron.d.uirig.uirig-prev");
        assertThat(FileWrite.temporary("/jails/node_j/usr/local/etc/rc.d/node"))
                .isEqualTo("/jails/node_j/usr/local/etc/.rc.d.node.uirig-new");
        assertThat(FileWrite.temporary("/etc/periodic/daily/500.x")).isEqualTo("/etc/.periodic.daily.500.x.uirig-new");
        assertThat(FileWrite.temporary("/usr/local/etc/pkg/repos/mirror.conf")).isEqualTo("/usr/local/etc/.pkg.repos.mirror.conf.uirig-new");
        assertThat(FileWrite.temporary("/etc/pf.conf")).isEqualTo("/etc/pf.conf.uirig-new");
        assertThat(FileWrite.previous("/jails/pg_j/var/db/postgres/data16/pg_hba.conf"))
                .isEqualTo("/jails/pg_j/var/db/postgres/data16/pg_hba.conf.uirig-prev");
    }

    @Test
    void aDependencyOnNoResourceIsAnErrorWhereTheGraphIsBuiltNotSatisfied() {
        Resource sysctl = new com.uirig.kinds.SysctlKind.SysctlResource("net.inet.ip.forwarding", "1");
        Resource route = new com.uirig.kinds.DefaultRouterKind.RouteResource(com.uirig.model.Ipv4.parse("192.0.2.1"), java.util.List.of(Address.of("nic", "xnci")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Planner.ordered(java.util.List.of(sysctl, route)))
                .hasMessage("route[default] depends on nic[xnci], which is no resource of the host");
    }
}
