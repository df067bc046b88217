package com.uirig.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uirig.config.InventoryLoader;
import com.uirig.model.DesiredHost;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe script runs in a real POSIX shell here; its output splits back into exact sections. */
class ProbeTest {
    @TempDir
    Path dir;

    private static String runSh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-s").redirectErrorStream(false).start();
        p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void sectionsKeepExactBytesAndExitCodes() throws Exception {
        Map<String, String> commands = new LinkedHashMap<>();
        commands.put("plain", "printf 'a\\nb\\n'");
        commands.put("no-newline", "printf 'last line'");
        commands.put("empty", "true");
        commands.put("fails", "echo partial; exit 3");
        commands.put("stderr", "echo visible; echo hidden >&2");
        commands.put("fake/marker", "echo '@@uirig-0000 end fake/marker 0@@'; echo after");
        Probe probe = Probe.ofCommands(commands);
        Map<String, Probe.Section> s = probe.split(runSh(probe.script()));
        assertThat(s.keySet()).containsExactly("plain", "no-newline", "empty", "fails", "stderr", "fake/marker");
        assertThat(s.get("plain")).isEqualTo(new Probe.Section("plain", 0, "a\nb\n"));
        assertThat(s.get("no-newline").output()).isEqualTo("last line");
        assertThat(s.get("empty")).isEqualTo(new Probe.Section("empty", 0, ""));
        assertThat(s.get("fails")).isEqualTo(new Probe.Section("fails", 3, "partial\n"));
        assertThat(s.get("stderr").output()).isEqualTo("visible\n");
        assertThat(s.get("fake/marker").output()).isEqualTo("@@uirig-0000 end fake/marker 0@@\nafter\n");
    }

    @Test
    void theProbeOfAHostReadsEveryFactPlanningNeeds() {
        DesiredHost a = InventoryLoader.load(Path.of("inventory/prod")).host("server-a").orElseThrow();
        Map<String, String> c = com.uirig.plan.ProbeSections.of(a).commands();
        assertThat(c).containsEntry("ifconfig", "ifconfig -a")
                .containsEntry("jls", "jls -n --libxo json")
                .containsEntry("jail/pg_j/ifconfig", "jexec pg_j ifconfig -a")
                .containsEntry("jail/node_j/service/spiped", "jexec node_j service spiped onestatus")
                .containsEntry("jail/nginx_j/packages", "pkg -r /jails/nginx_j query %n")
                .containsEntry("root/jails/pg_j", "test -x /jails/pg_j/bin/sh")
                .containsEntry("pf/table/martians", "pfctl -t martians -T show")
                .containsEntry("file/etc/rc.conf", "cat /etc/rc.conf")
                .containsEntry("file/etc/pf.conf", "stat -f '%Lp %Su:%Sg' /etc/pf.conf && cat /etc/pf.conf")
                .containsEntry("secret/jails/pg_j/etc/spiped.key",
                        "stat -f '%Lp %Su:%Sg' /jails/pg_j/etc/spiped.key && sha256 -q /jails/pg_j/etc/spiped.key")
                .containsEntry("sysctl", "sysctl net.inet.ip.forwarding")
                .containsEntry("route", "route -n get default")
                .containsEntry("jail/pg_j/spiped/PGC", "pgrep -F /jails/pg_j/var/run/spiped_PGC.pid");
        assertThat(c).doesNotContainKey("pf/table/ratelimit");
        assertThat(com.uirig.plan.ProbeSections.of(a).script()).doesNotContain("cat /jails/pg_j/etc/spiped.key");
    }

    @Test
    void savedSectionsLoadBackAndMissingOnesAreUnknown() throws Exception {
        Map<String, Probe.Section> sections = new LinkedHashMap<>();
        sections.put("ifconfig", new Probe.Section("ifconfig", 0, Captures.raw("01a-ifconfig-a_freenas11_bridge0-with-10-epair-members.txt")));
        sections.put("jail/www/service/nginx", new Probe.Section("jail/www/service/nginx", 1, "nginx is not running.\n"));
        sections.put("file/etc/pf.conf", new Probe.Section("file/etc/pf.conf", 0, "600 root:wheel\nblock all\n"));
        FactsStore.save(sections, dir.resolve("server-a"));
        assertThat(dir.resolve("server-a/ifconfig.txt")).hasContent(sections.get("ifconfig").output());
        Map<String, Probe.Section> loaded = FactsStore.load(dir.resolve("server-a"));
        assertThat(loaded).isEqualTo(sections);

        HostFacts facts = FactsReader.read("server-a", loaded, FactsReader.BASE);
        assertThat(facts.unknown()).containsExactlyInAnyOrder("jls", "pf/running", "pf/rules");
        assertThat(facts.observed().get(HostState.INTERFACES)).containsKey("bridge0");
        assertThat(facts.observed().get(HostState.RUNNING_SERVICES)).isEmpty();
        assertThat(facts.observed().get(HostState.FILES).get("/etc/pf.conf").mode()).isEqualTo("0600");
        assertThat(facts.observed().get(HostState.FILES).get("/etc/pf.conf").content()).contains("block all\n");
    }

    @Test
    void readerBuildsTheObservedStateFromSections() {
        Map<String, Probe.Section> s = new LinkedHashMap<>();
        put(s, "ifconfig", 0, "xbridge: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n"
                + "\tinet 10.0.2.1 netmask 0xffffff00 broadcast 10.0.2.255\n\tgroups: bridge\n"
                + "\tmember: pg_a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n\t        ifmaxaddr 0 port 5 priority 128 path cost 2000\n");
        put(s, "jls", 0, "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"jid\":\"1\",\"name\":\"pg_j\",\"path\":\"/jails/pg_j\"}]}}\n");
        put(s, "jail/pg_j/ifconfig", 0, "pg_b: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n"
                + "\tinet 10.0.2.40 netmask 0xffffff00 broadcast 10.0.2.255\n\tgroups: epair\n");
        put(s, "jail/node_j/ifconfig", 1, "");
        put(s, "jail/pg_j/service/spiped", 0, "spiped is running as pid 42.\n");
        put(s, "jail/pg_j/service/postgresql", 1, "postgresql is not running.\n");
        put(s, "jail/pg_j/spiped/N2P", 0, "42\n");
        put(s, "jail/node_j/service/spiped", 0, "spiped is running as pid 43.\n");
        put(s, "jail/node_j/spiped/N2P", 1, "");
        put(s, "jail/pg_j/packages", 0, "postgresql16-server\nspiped\n");
        put(s, "root/jails/pg_j", 0, "");
        put(s, "root/jails/node_j", 1, "");
        put(s, "file/jails/pg_j/etc/rc.conf", 0, "hostname=\"pg-a\"\nspiped_enable=\"YES\"\n");
        put(s, "secret/jails/pg_j/etc/spiped.key", 0, "600 root:wheel\n" + "ab12".repeat(16) + "\n");
        put(s, "pf/module", 0, "");
        put(s, "pf/running", 0, "Enabled\n");
        put(s, "pf/rules", 0, "No ALTQ support in kernel\nblock drop all\n");
        put(s, "pf/loaded", 0, "block drop all\n");
        put(s, "pf/table/xpeers", 0, "   192.0.2.5\n");
        put(s, "sysctl", 0, "net.inet.ip.forwarding: 1\n");
        put(s, "route", 0, "   route to: default\ndestination: default\n       mask: default\n    gateway: 192.0.2.1\n");
        var sysctl = com.uirig.kinds.SysctlKind.fact(java.util.List.of("net.inet.ip.forwarding"));
        ObservedHost o = FactsReader.read("server-a", s, FactsReader.BASE, java.util.List.of(sysctl)).observed();
        assertThat(o.get(HostState.INTERFACES).get("xbridge").members()).containsExactly("pg_a");
        assertThat(o.get(HostState.JAILS)).containsOnlyKeys("pg_j");
        assertThat(o.get(HostState.JAIL_INTERFACES)).containsOnlyKeys("pg_j");
        assertThat(o.findInterface("pg_b")).map(ObservedHost.Located::stack).contains("pg_j");
        assertThat(o.get(HostState.RUNNING_SERVICES)).as("node_j's spiped has a dead pipe").containsExactly("pg_j/spiped");
        assertThat(o.get(HostState.PACKAGES).get("pg_j")).containsExactly("postgresql16-server", "spiped");
        assertThat(o.get(HostState.JAIL_ROOTS)).containsExactly("/jails/pg_j");
        assertThat(o.get(HostState.RC_CONF).get("/jails/pg_j/etc/rc.conf")).containsEntry("spiped_enable", "YES");
        assertThat(o.get(HostState.FILES).get("/jails/pg_j/etc/spiped.key").content()).isEmpty();
        assertThat(o.get(HostState.FILES).get("/jails/pg_j/etc/spiped.key").sha256()).isEqualTo("ab12".repeat(16));
        assertThat(o.get(HostState.PF)).isEqualTo(new ObservedHost.PfState(true, true, true, true, Map.of("xpeers", java.util.Set.of("192.0.2.5"))));
        assertThat(o.fact(sysctl).orElseThrow()).containsEntry("net.inet.ip.forwarding", "1");
        assertThat(o.get(HostState.DEFAULT_ROUTE)).contains("192.0.2.1");
    }

    private static void put(Map<String, Probe.Section> s, String name, int exit, String out) {
        s.put(name, new Probe.Section(name, exit, out));
    }

    @Test
    void theParallelScriptGivesEverySectionWithItsExitCodeInOrder() throws Exception {
        java.util.Map<String, String> commands = new java.util.LinkedHashMap<>();
        commands.put("slow", "sleep 0.3; echo first");
        commands.put("failing", "echo second; exit 3");
        commands.put("quiet", "true");
        Probe probe = Probe.ofCommands(commands);
        Process sh = new ProcessBuilder("sh", "-s").start();
        sh.getOutputStream().write(probe.parallelScript().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sh.getOutputStream().close();
        String out = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(probe.split(out)).containsExactly(
                java.util.Map.entry("slow", new Probe.Section("slow", 0, "first\n")),
                java.util.Map.entry("failing", new Probe.Section("failing", 3, "second\n")),
                java.util.Map.entry("quiet", new Probe.Section("quiet", 0, "")));
    }

    /** A three-section probe's real output, and its marker prefix. */
    private record Run(Probe probe, String out, String marker) {}

    private static Run abc() throws Exception {
        Map<String, String> commands = new LinkedHashMap<>();
        commands.put("a", "echo first");
        commands.put("pf/rules", "printf 'pass all\\nblock all\\n'");
        commands.put("c", "echo last; exit 2");
        Probe probe = Probe.ofCommands(commands);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^m='(@@uirig-[0-9a-f]+)'$").matcher(probe.script());
        assertThat(m.find()).isTrue();
        return new Run(probe, runSh(probe.script()), m.group(1));
    }

    private static String cutAfter(String text, String part, int more) {
        int i = text.indexOf(part);
        assertThat(i).as("'%s' in the output", part).isNotNegative();
        return text.substring(0, i + part.length() + more);
    }

    @Test
    void aProbeCutShortIsTruncatedNeverPartFacts() throws Exception {
        Run r = abc();
        assertThat(r.probe().split(r.out())).containsOnlyKeys("a", "pf/rules", "c");
        r.probe().requireAll(r.probe().split(r.out()));

        String inRules = cutAfter(r.out(), "begin pf/rules@@\n", 5);
        assertThatThrownBy(() -> r.probe().split(inRules)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output is truncated: section 'pf/rules' has no end (the connection may have been cut)");
        String inEndMarker = cutAfter(r.out(), " end pf/rules 0@", 0);
        assertThatThrownBy(() -> r.probe().split(inEndMarker)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output is truncated: the end marker of section 'pf/rules' is cut short"
                        + " (the connection may have been cut)");
        String inBeginMarker = cutAfter(r.out(), " begin pf/ru", 0);
        assertThatThrownBy(() -> r.probe().split(inBeginMarker)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output is truncated: it ends in a marker line that is cut short"
                        + " (the connection may have been cut)");

        String betweenSections = cutAfter(r.out(), " end a 0@@\n", 0);
        var first = r.probe().split(betweenSections);
        assertThat(first).containsOnlyKeys("a");
        assertThatThrownBy(() -> r.probe().requireAll(first)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output is truncated: it ends after section 'a'; 2 more never began"
                        + " ('pf/rules' first) (the connection may have been cut)");
    }

    @Test
    void sectionsTwiceMissingOrWithoutANumberCannotBeRight() throws Exception {
        Run r = abc();
        String a = r.out().substring(0, r.out().indexOf(r.marker() + " begin pf/rules@@"));
        assertThatThrownBy(() -> r.probe().split(r.out() + a)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output cannot be right: duplicated section 'a'");

        String badCode = r.out().replace(" end pf/rules 0@@", " end pf/rules zero@@");
        assertThatThrownBy(() -> r.probe().split(badCode)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output cannot be right: section 'pf/rules' ends with exit code 'zero',"
                        + " not a number from 0 to 255");
        assertThatThrownBy(() -> r.probe().split(r.out().replace(" end c 2@@", " end c 256@@")))
                .hasMessageContaining("exit code '256'");

        String rules = r.out().substring(r.out().indexOf(r.marker() + " begin pf/rules@@"), r.out().indexOf(r.marker() + " begin c@@"));
        var withoutRules = r.probe().split(r.out().replace(rules, ""));
        assertThat(withoutRules).containsOnlyKeys("a", "c");
        assertThatThrownBy(() -> r.probe().requireAll(withoutRules)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output cannot be right: section 'pf/rules' is missing");

        String foreign = r.out().replace(" begin c@@", " begin d@@").replace(" end c 2@@", " end d 2@@");
        assertThatThrownBy(() -> r.probe().split(foreign)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("the probe's output cannot be right: section 'd', which the probe does not have");

        assertThat(r.probe().split("sh: 1: doas: not found\n")).as("no marker at all: the script did not run").isEmpty();
    }

    @Test
    void aBadExitCodesFileIsAnErrorNamingItsLine() throws Exception {
        Map<String, Probe.Section> sections = new LinkedHashMap<>();
        sections.put("ifconfig", new Probe.Section("ifconfig", 0, "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n"));
        sections.put("pf/running", new Probe.Section("pf/running", 1, ""));
        Path host = dir.resolve("server-a");
        FactsStore.save(sections, host);
        Path codes = host.resolve("exit-codes");
        assertThat(codes).hasContent("ifconfig 0\npf/running 1");

        java.nio.file.Files.delete(codes);
        assertThatThrownBy(() -> FactsStore.load(host)).isInstanceOf(IOException.class)
                .hasMessage(codes + " is missing: the saved sections' exit codes are unknown (it is written by 'uirig facts --save')");
        for (String[] bad : new String[][] {
                {"ifconfig 0\npf/running\n", codes + ":2: 'pf/running' is not 'SECTION CODE'"},
                {"ifconfig 0\npf/running one\n", codes + ":2: the exit code 'one' of section 'pf/running' is not a number from 0 to 255"},
                {"ifconfig 0\npf/running 1\nifconfig 1\n", codes + ":3: section 'ifconfig' is listed twice"},
                {"ifconfig 0\npf/running 1\njls 0\n", codes + ":3: section 'jls' has no file " + host.resolve("jls.txt")},
                {"ifconfig 0\n", host.resolve("pf/running.txt") + " has no exit code in " + codes},
                {"ifconfig 0\npf/running 1\n../../etc/passwd 0\n", codes + ":3: '../../etc/passwd' is no section name (a relative path inside "
                        + host + ")"},
                {"ifconfig 0\npf/running 1\n/etc/passwd 0\n", codes + ":3: '/etc/passwd' is no section name (a relative path inside "
                        + host + ")"}}) {
            java.nio.file.Files.writeString(codes, bad[0]);
            assertThatThrownBy(() -> FactsStore.load(host)).as(bad[0]).isInstanceOf(IOException.class).hasMessage(bad[1]);
        }
        java.nio.file.Files.writeString(codes, "ifconfig 0\n\npf/running 1\n");
        assertThat(FactsStore.load(host)).as("a blank line is no error").isEqualTo(sections);
    }

    /**
     * A host answering server-a's real probe script as its shell would (lo0 for ifconfig, every
     * other command failing, which is a fact too), through {@code damage}.
     */
    private static com.uirig.ssh.Transport answering(java.util.function.UnaryOperator<String> damage) {
        return new com.uirig.ssh.Transport() {
            @Override
            public com.uirig.ssh.CommandResult run(String command, java.io.InputStream stdin, java.time.Duration timeout)
                    throws java.io.IOException {
                String script = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^m='(@@uirig-[0-9a-f]+)'$").matcher(script);
                assertThat(m.find()).isTrue();
                StringBuilder out = new StringBuilder();
                java.util.regex.Matcher section = java.util.regex.Pattern.compile("(?m)^section (\\S+) ").matcher(script);
                while (section.find()) {
                    String name = section.group(1).replace("'", "");
                    boolean ifconfig = name.equals(Sections.IFCONFIG);
                    out.append(m.group(1)).append(" begin ").append(name).append("@@\n")
                            .append(ifconfig ? "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n" : "")
                            .append('\n').append(m.group(1)).append(" end ").append(name).append(ifconfig ? " 0" : " 1").append("@@\n");
                }
                return new com.uirig.ssh.CommandResult(0, damage.apply(out.toString()), "");
            }

            @Override
            public AutoCloseable hold(String command, java.time.Duration timeout) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void aLiveProbeThatCannotBeRightIsThatHostsReasonNeverAnException() {
        DesiredHost a = InventoryLoader.load(Path.of("inventory/prod")).host("server-a").orElseThrow();
        java.time.Duration t = java.time.Duration.ofSeconds(5);
        FactsGatherer.Outcome whole = FactsGatherer.read(answering(out -> out), a.name(), com.uirig.plan.ProbeSections.of(a, true), t);
        assertThat(whole.ok()).isTrue();
        assertThat(whole.facts().complete()).isTrue();
        assertThat(whole.facts().implausible()).isEmpty();

        FactsGatherer.Outcome cut = FactsGatherer.read(answering(out -> out.substring(0, out.indexOf(" begin pf/rules@@") + 20)), a.name(), com.uirig.plan.ProbeSections.of(a, true), t);
        assertThat(cut.ok()).isFalse();
        assertThat(cut.error()).isEqualTo("server-a: the probe's output is truncated: section 'pf/rules' has no end"
                + " (the connection may have been cut); nothing is changed on it");

        FactsGatherer.Outcome twice = FactsGatherer.read(answering(out -> out + out.substring(out.indexOf("@@uirig"))), a.name(), com.uirig.plan.ProbeSections.of(a, true), t);
        assertThat(twice.error()).isEqualTo("server-a: the probe's output cannot be right: duplicated section 'lock'; nothing is changed on it");

        FactsGatherer.Outcome noNumber = FactsGatherer.read(answering(out -> out.replace(" end ifconfig 0@@", " end ifconfig 0x0@@")), a.name(), com.uirig.plan.ProbeSections.of(a, true), t);
        assertThat(noNumber.error()).isEqualTo("server-a: the probe's output cannot be right: section 'ifconfig' ends with"
                + " exit code '0x0', not a number from 0 to 255; nothing is changed on it");

        FactsGatherer.Outcome afterJls = FactsGatherer.read(answering(out -> out.substring(0, out.indexOf(" end jls 1@@\n") + 13)), a.name(), com.uirig.plan.ProbeSections.of(a, true), t);
        assertThat(afterJls.error()).startsWith("server-a: the probe's output is truncated: it ends after section 'jls'; ")
                .endsWith(" more never began ('sysctl' first) (the connection may have been cut); nothing is changed on it");

        // A transport that fails in an unforeseen way is that host's reason too, never an exception.
        Transport broken = new Transport() {
            @Override
            public CommandResult run(String command, java.io.InputStream stdin, java.time.Duration timeout) {
                throw new IllegalStateException("Channel id=6 not registered because session is being closed");
            }

            @Override
            public AutoCloseable hold(String command, java.time.Duration timeout) {
                return () -> { };
            }

            @Override
            public void close() {
            }
        };
        FactsGatherer.Outcome failed = FactsGatherer.read(broken, a.name(), com.uirig.plan.ProbeSections.of(a, true), t);
        assertThat(failed.error()).isEqualTo("server-a: its facts could not be read (an error inside uirig); nothing is changed on it");
    }
}
