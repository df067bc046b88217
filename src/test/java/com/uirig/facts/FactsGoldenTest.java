package com.uirig.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.Golden;
import com.uirig.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code uirig facts --from DIR/server-a --output json} over raw outputs saved from the captures
 * equals src/test/resources/golden/facts/server-a.json. After a deliberate change, regenerate
 * with {@code mvn test -Dtest=FactsGoldenTest -Duirig.updateGolden=true} and review the diff.
 */
class FactsGoldenTest {
    private static final String SECRET_HASH = "ab12".repeat(16);

    @TempDir
    Path dir;

    @Test
    void factsReadFromSavedOutputsAsJson() throws Exception {
        Map<String, Probe.Section> s = new LinkedHashMap<>();
        put(s, Sections.IFCONFIG, 0, Captures.raw("01a-ifconfig-a_freenas11_bridge0-with-10-epair-members.txt"));
        put(s, Sections.JLS, 0, Captures.raw("02e-jls-libxo-json_freebsd-testsuite-expectations.txt").lines()
                .filter(l -> l.startsWith("{")).findFirst().orElseThrow() + "\n");
        put(s, Sections.jailIfconfig("jail1"), 0, Captures.after(
                Captures.raw("01d-jail-cm_and_jexec-ifconfig-ag-epair_fbsd14x.txt"), "% doas jexec jammy ifconfig -ag epair", "%"));
        put(s, Sections.service("jail1", "ntpd"), 1, Captures.after(
                Captures.raw("05b-service-status-vs-onestatus_disabled-service_exit-codes.txt"), "# /etc/rc.d/ntpd onestatus", "#"));
        put(s, Sections.PF_MODULE, 0, "");
        put(s, Sections.PF_RUNNING, 0, "Enabled\n");
        String rules = Captures.raw("03e-pfctl-rule-normalization_pf0088.in-vs-ok_freebsd-testsuite.txt");
        put(s, Sections.PF_RULES, 0, rules.substring(rules.indexOf("---- pf0088.ok ----\n") + 20));
        put(s, Sections.table("bruteforce"), 0, Captures.after(
                Captures.raw("03b-pfctl-T-show-and-expire_OPENBSD_noqqe-blog.txt"), "$ pfctl -t bruteforce -T show", "$"));
        put(s, Sections.file("/etc/pf.conf"), 0, "600 root:wheel\nblock all\n");
        put(s, Sections.secret("/jails/jail1/etc/spiped.key"), 0, "600 root:wheel\n" + SECRET_HASH + "\n");
        put(s, com.uirig.kinds.SysctlKind.SECTION, 0, "net.inet.ip.forwarding: 1\n");
        String out = factsJson(s);
        // A secret file is only said to be there: neither its bytes nor its hash are shown.
        assertThat(out).contains("\"/jails/jail1/etc/spiped.key\"").doesNotContain(SECRET_HASH);
        Golden.assertMatches("facts/server-a.json", out);
    }

    @Test
    void aSavedSectionOfARegisteredKindIsReadByItsOwnParserWithoutAnInventory() throws Exception {
        Map<String, Probe.Section> s = new LinkedHashMap<>();
        put(s, Sections.IFCONFIG, 0, "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n"
                + "\tinet 127.0.0.1 netmask 0xff000000\n");
        put(s, Sections.JLS, 0, "{\"__version\": \"2\", \"jail-information\": {\"jail\": []}}\n");
        put(s, Sections.PF_RUNNING, 1, "");
        put(s, Sections.PF_RULES, 0, "");
        Path fixture = Path.of("src/test/resources/facts-fixtures/lagg-present-two-ports");
        String section = Files.readString(fixture.resolve("section")).strip();
        put(s, section, 0, Files.readString(fixture.resolve("output")));
        var kinds = new com.fasterxml.jackson.databind.ObjectMapper().readTree(factsJson(s)).path("hosts").get(0).path("kinds");
        assertThat(kinds.path(section).path("laggproto").asText()).isEqualTo("failover");
    }

    /** {@code uirig facts --from DIR/server-a --output json} over {@code sections} saved as --save writes them; it must succeed quietly. */
    private String factsJson(Map<String, Probe.Section> sections) throws Exception {
        FactsStore.save(sections, dir.resolve("server-a"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"facts", "--from", dir.resolve("server-a").toString(), "--output", "json"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(err.toString()).isEmpty();
        assertThat(code).isZero();
        return out.toString();
    }

    private static void put(Map<String, Probe.Section> s, String name, int exit, String output) {
        s.put(name, new Probe.Section(name, exit, output));
    }
}
