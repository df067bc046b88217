package com.uirig.facts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the fact fixtures (src/test/resources/facts-fixtures, {@link FactFixturesTest}) do not say:
 * pfctl's rule listings, whose captures come from commands the probe does not run, and how
 * FactsReader judges a host's sections together.
 */
class ParsersTest {

    @Test
    void pfctlRulesWithoutNoise() {
        String load = Captures.raw("03d-pfctl-load-errors-and-noise_real-captures.txt");
        assertThat(PfctlParser.rules(Captures.after(load, "moxz:~>sudo pfctl -f /etc/pf.conf", "\u0000"))).isEmpty();
        String normalised = Captures.raw("03e-pfctl-rule-normalization_pf0088.in-vs-ok_freebsd-testsuite.txt");
        var rules = PfctlParser.rules(normalised.substring(normalised.indexOf("---- pf0088.ok ----\n") + 20));
        assertThat(rules).hasSize(22).startsWith("pass in on lo1000000 inet from any to 10.0.0.1 flags S/SA keep state")
                .endsWith("block drop all");
    }

    @org.junit.jupiter.api.Test
    void factsWithoutLo0AreNoFreeBsdHostsAnswer() {
        String em0 = "em0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
                + "\tinet 192.0.2.155 netmask 0xffffff00 broadcast 192.0.2.255\n";
        String lo0 = "lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384\n"
                + "\tinet 127.0.0.1 netmask 0xff000000\n";
        java.util.Map<String, Probe.Section> sections = new java.util.LinkedHashMap<>();
        sections.put(Sections.IFCONFIG, new Probe.Section(Sections.IFCONFIG, 0, em0));
        org.assertj.core.api.Assertions.assertThat(FactsReader.read("server-a", sections, java.util.List.of()).implausible())
                .contains("'ifconfig -a' printed 1 interfaces but no lo0: that is no FreeBSD host's answer");
        sections.put(Sections.IFCONFIG, new Probe.Section(Sections.IFCONFIG, 0, ""));
        org.assertj.core.api.Assertions.assertThat(FactsReader.read("server-a", sections, java.util.List.of()).implausible())
                .contains("'ifconfig -a' printed no interface: that is no FreeBSD host's answer");
        sections.put(Sections.IFCONFIG, new Probe.Section(Sections.IFCONFIG, 0, em0 + lo0));
        org.assertj.core.api.Assertions.assertThat(FactsReader.read("server-a", sections, java.util.List.of()).implausible()).isEmpty();
    }

    @Test
    void unreadableSectionsMakeTheFactsImplausibleAndTheOthersAreStillRead() {
        java.util.Map<String, Probe.Section> s = new java.util.LinkedHashMap<>();
        java.util.function.BiConsumer<String, String> put = (name, out) -> s.put(name, new Probe.Section(name, 0, out));
        put.accept(Sections.IFCONFIG, "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384\n");
        put.accept(Sections.JLS, "   JID  IP Address      Hostname                      Path\n");
        put.accept(Sections.PF_RUNNING, "Status: Enabled for 0 days 00:01:02\n");
        put.accept("file/etc/pf.conf", "block all\n");
        put.accept("secret/etc/spiped.key", "600 root:wheel\nsha256: /etc/spiped.key: No such file or directory\n");
        put.accept("file/etc/rc.conf", "sshd_enable=\"YES\"\n");
        put.accept("file/etc/locked", "0 root:wheel\nmode 000 prints as 0\n");
        HostFacts f = FactsReader.read("server-a", s, java.util.List.of());
        assertThat(f.unreadable()).containsOnlyKeys(Sections.JLS, Sections.PF_RUNNING, "file/etc/pf.conf", "secret/etc/spiped.key");
        assertThat(f.unreadable()).containsEntry("file/etc/pf.conf", "stat printed no 'MODE USER:GROUP' line for /etc/pf.conf")
                .containsEntry("secret/etc/spiped.key", "sha256 -q printed no SHA-256 digest for /etc/spiped.key")
                .containsEntry(Sections.PF_RUNNING, "'pfctl -s Running' printed 'Status: Enabled for 0 days 00:01:02',"
                        + " expected Enabled or Disabled");
        assertThat(f.implausible()).contains("section 'jls': 'jls -n --libxo json' printed something that is not JSON"
                + " (line 1, column 4) (and 3 more unreadable sections)");
        assertThat(f.observed().get(HostState.INTERFACES)).containsOnlyKeys("lo0");
        assertThat(f.observed().get(HostState.RC_CONF).get("/etc/rc.conf")).containsEntry("sshd_enable", "YES");
        assertThat(f.observed().get(HostState.FILES)).as("an unreadable file gives no state").containsOnlyKeys("/etc/locked");

        s.remove(Sections.JLS);
        s.remove(Sections.PF_RUNNING);
        s.remove("file/etc/pf.conf");
        s.remove("secret/etc/spiped.key");
        assertThat(FactsReader.read("server-a", s, java.util.List.of()).implausible()).isEmpty();
    }
}
