package com.uirig.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uirig.facts.ObservedHost.Iface;
import com.uirig.model.Cidr;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parsers read the exact bytes FreeBSD prints (captures from FreeBSD 11, 12 and 14). */
class ParsersTest {

    @Test
    void ifconfigOfAFreeBsd11BridgeHost() {
        Map<String, Iface> ifs = IfconfigParser.parse(Captures.raw("01a-ifconfig-a_freenas11_bridge0-with-10-epair-members.txt"));
        assertThat(ifs.keySet()).startsWith("re0", "em0", "lo0", "bridge0").contains("epair0a", "epair9a").hasSize(14);
        Iface bridge = ifs.get("bridge0");
        assertThat(bridge.groups()).containsExactly("bridge");
        assertThat(bridge.members()).containsExactlyInAnyOrder("epair0a", "epair1a", "epair2a", "epair3a", "epair4a",
                "epair5a", "epair6a", "epair7a", "epair8a", "epair9a", "re0");
        assertThat(bridge.up()).isTrue();
        assertThat(bridge.inet()).isEmpty();
        assertThat(ifs.get("re0").inet()).containsExactly(Cidr.parseInterface("192.168.0.9/24"));
        assertThat(ifs.get("re0").ether()).contains("fc:aa:14:20:6b:a2");
        assertThat(ifs.get("re0").flags()).contains("PROMISC", "UP");
        assertThat(ifs.get("lo0").inet()).containsExactly(Cidr.parseInterface("127.0.0.1/8"));
        assertThat(ifs.get("epair1a").groups()).containsExactly("epair");
        assertThat(ifs.get("em0").groups()).isEmpty();
        assertThat(ifs.get("em0").members()).isEmpty();
    }

    @Test
    void ifconfigInsideAFreeBsd14Jail() {
        String raw = Captures.raw("01d-jail-cm_and_jexec-ifconfig-ag-epair_fbsd14x.txt");
        Map<String, Iface> ifs = IfconfigParser.parse(Captures.after(raw, "% doas jexec jammy ifconfig -ag epair", "%"));
        assertThat(ifs.keySet()).containsExactly("epair6b", "epair7b");
        assertThat(ifs.get("epair6b").flags()).contains("LOWER_UP", "UP");
        assertThat(ifs.get("epair6b").inet()).containsExactly(Cidr.parseInterface("192.168.1.12/24"));
        assertThat(ifs.get("epair7b").inet()).containsExactly(Cidr.parseInterface("10.0.1.12/24"));
        assertThat(ifs.get("epair7b").groups()).containsExactly("epair");
    }

    @Test
    void aRenamedEpairKeepsItsGroupInsideAVnetJail() {
        String raw = Captures.raw("02a-jls-default_vnet-jail-blank-ip_plus-renamed-epair-inside-jail_fbsd12.1.txt");
        Map<String, Iface> ifs = IfconfigParser.parse(Captures.after(raw, "[admin@lockdown ~]$ sudo jexec 1 ifconfig", "[admin@"));
        assertThat(ifs.keySet()).containsExactly("lo0", "pflog0", "jail0");
        assertThat(ifs.get("jail0").groups()).containsExactly("epair");
        assertThat(ifs.get("jail0").inet()).containsExactly(Cidr.parseInterface("192.168.69.254/24"));
        assertThat(ifs.get("pflog0").flags()).isEmpty();
        assertThat(ifs.get("pflog0").up()).isFalse();
    }

    @Test
    void cidrNotationFromIfconfigF() {
        Map<String, Iface> ifs = IfconfigParser.parse("xbridge: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
                + "\toptions=0\n\tether 58:9c:fc:10:ff:d6\n\tinet 10.0.2.1/24 broadcast 10.0.2.255\n\tgroups: bridge\n");
        assertThat(ifs.get("xbridge").inet()).containsExactly(Cidr.parseInterface("10.0.2.1/24"));
    }

    @Test
    void jlsLibxoJson() {
        String raw = Captures.raw("02e-jls-libxo-json_freebsd-testsuite-expectations.txt");
        String json = raw.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
        var jails = JlsParser.parse(json);
        assertThat(jails).containsOnlyKeys("jail1");
        assertThat(jails.get("jail1").parameters()).containsEntry("meta", "a b c");
        String withoutName = raw.lines().filter(l -> l.startsWith("{")).skip(1).findFirst().orElseThrow();
        assertThat(JlsParser.parse(withoutName)).isEmpty();
        var full = JlsParser.parse("{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"jid\":\"3\",\"name\":\"pg_j\","
                + "\"path\":\"/jails/pg_j\",\"sysvshm\":\"new\",\"devfs_ruleset\":\"4\",\"vnet\":\"new\"}]}}");
        assertThat(full.get("pg_j").jid()).isEqualTo(3);
        assertThat(full.get("pg_j").path()).isEqualTo("/jails/pg_j");
        assertThat(full.get("pg_j").parameters()).containsEntry("sysvshm", "new").containsEntry("devfs_ruleset", "4");
        assertThatThrownBy(() -> JlsParser.parse("   JID  IP Address")).hasMessageContaining("not JSON");
    }

    @Test
    void pfctlTablesRunningAndRules() {
        String raw = Captures.raw("03b-pfctl-T-show-and-expire_OPENBSD_noqqe-blog.txt");
        assertThat(PfctlParser.tableAddresses(Captures.after(raw, "$ pfctl -t bruteforce -T show", "$"))).containsExactly("69.110.96.21");
        assertThat(PfctlParser.running("Enabled\n")).isTrue();
        assertThat(PfctlParser.running("Disabled\n")).isFalse();
        assertThatThrownBy(() -> PfctlParser.running("pfctl: /dev/pf: No such file or directory"))
                .hasMessageContaining("expected Enabled or Disabled");
        String load = Captures.raw("03d-pfctl-load-errors-and-noise_real-captures.txt");
        assertThat(PfctlParser.rules(Captures.after(load, "moxz:~>sudo pfctl -f /etc/pf.conf", "\u0000"))).isEmpty();
        String normalised = Captures.raw("03e-pfctl-rule-normalization_pf0088.in-vs-ok_freebsd-testsuite.txt");
        var rules = PfctlParser.rules(normalised.substring(normalised.indexOf("---- pf0088.ok ----\n") + 20));
        assertThat(rules).hasSize(22).startsWith("pass in on lo1000000 inet from any to 10.0.0.1 flags S/SA keep state")
                .endsWith("block drop all");
    }

    @Test
    void rcConfKeepsBacktickValuesLiteral() {
        var rc = RcConfParser.parse("hostname=`/bin/cat /etc/hostname`\n# comment\nifconfig_inode_b=`/bin/cat /etc/ip_inode_b`/24\n"
                + "spiped_pipes=\"N2P PGS PGC\"\nifconfig_xbridge=\"\n10.0.2.1/24\naddm ngx_a\n\"\nsshd_enable='YES' # trailing\n"
                + "empty=\"\"\nkey=first\nkey=second\n");
        assertThat(rc).containsEntry("hostname", "`/bin/cat /etc/hostname`")
                .containsEntry("ifconfig_inode_b", "`/bin/cat /etc/ip_inode_b`/24")
                .containsEntry("spiped_pipes", "N2P PGS PGC")
                .containsEntry("ifconfig_xbridge", "\n10.0.2.1/24\naddm ngx_a\n")
                .containsEntry("sshd_enable", "YES")
                .containsEntry("empty", "")
                .containsEntry("key", "second");
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
    void outputNoFreeBsdCommandPrintsIsUnreadableWithWhy() {
        String lo0 = "lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384\n\tinet 127.0.0.1 netmask 0xff000000\n";
        String em0 = "em0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n";
        assertThat(IfconfigParser.parse(lo0 + em0)).containsOnlyKeys("lo0", "em0");
        assertThatThrownBy(() -> IfconfigParser.parse(lo0 + em0 + lo0)).isInstanceOf(UnreadableOutput.class)
                .hasMessage("'ifconfig -a' lists interface lo0 twice");
        assertThatThrownBy(() -> IfconfigParser.parse(lo0 + em0 + "\tinet 300.0.2.1 netmask 0xffffff00 broadcast 10.0.2.255\n"))
                .isInstanceOf(UnreadableOutput.class)
                .hasMessage("'ifconfig -a' printed 'inet 300.0.2.1 netmask 0xffffff00 broadcast 10.0.2.255' for em0, not an IPv4 address");
        assertThatThrownBy(() -> IfconfigParser.parse(em0 + "\tinet 10.0.2.1/99999999999 broadcast 10.0.2.255\n"))
                .isInstanceOf(UnreadableOutput.class).hasMessageContaining("for em0, not an IPv4 address");

        assertThat(SysctlParser.parse("net.inet.ip.forwarding: 1\nkern.securelevel: -1\n"))
                .containsExactly(Map.entry("net.inet.ip.forwarding", "1"), Map.entry("kern.securelevel", "-1"));
        assertThatThrownBy(() -> SysctlParser.parse("net.inet.ip.forwarding: 1\nSegmentation fault\n"))
                .isInstanceOf(UnreadableOutput.class).hasMessage("sysctl printed 'Segmentation fault', not NAME: VALUE");

        String route = "   route to: default\ndestination: default\n       mask: default\n    gateway: 192.0.2.1\n";
        assertThat(RouteParser.gateway(route)).contains("192.0.2.1");
        assertThat(RouteParser.gateway("   route to: default\ndestination: default\n  interface: em0\n")).isEmpty();
        assertThatThrownBy(() -> RouteParser.gateway("gateway: 192.0.2.1\n")).isInstanceOf(UnreadableOutput.class)
                .hasMessage("'route -n get default' succeeded without a 'route to:' line");
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
        assertThat(f.observed().interfaces()).containsOnlyKeys("lo0");
        assertThat(f.observed().rcConf().get("/etc/rc.conf")).containsEntry("sshd_enable", "YES");
        assertThat(f.observed().files()).as("an unreadable file gives no state").containsOnlyKeys("/etc/locked");

        s.remove(Sections.JLS);
        s.remove(Sections.PF_RUNNING);
        s.remove("file/etc/pf.conf");
        s.remove("secret/etc/spiped.key");
        assertThat(FactsReader.read("server-a", s, java.util.List.of()).implausible()).isEmpty();
    }
}
