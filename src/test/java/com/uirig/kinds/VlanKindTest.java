package com.uirig.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.uirig.config.InvalidInputException;
import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.config.YamlFile;
import com.uirig.facts.FactsJson;
import com.uirig.facts.FactsReader;
import com.uirig.facts.FreshHost;
import com.uirig.facts.HostFacts;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.Probe;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Kind;
import com.uirig.plan.Kinds;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.plan.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vlans section: what it accepts and refuses (located), the rc.conf it writes, and what it plans. */
class VlanKindTest {
    private static final String NICS = "nics:\n  inic: {device: em1, inet: 192.168.56.110/24}\n"
            + "  xnic: {device: em0, inet: 192.0.2.155/24}\n";

    @TempDir
    Path dir;

    private Path playbook;

    private Inventory load(String sections, String sshAddress) throws IOException {
        playbook = dir.resolve("playbook.yml");
        Files.writeString(playbook, sections, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("hosts.yml"), "playbooks: [playbook.yml]\nhosts:\n  host:\n"
                + "    ssh: {address: " + sshAddress + ", user: root}\n", StandardCharsets.UTF_8);
        return InventoryLoader.load(dir);
    }

    private List<String> problems(String sections) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> load(sections, "192.0.2.155"));
        assertThat(e).as("the playbook is refused").isNotNull();
        return e.problems();
    }

    /** FILE:LINE:COLUMN of {@code marker} in the playbook, as problems print it. */
    private String at(String marker) throws IOException {
        List<String> lines = Files.readAllLines(playbook, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            int col = lines.get(i).indexOf(marker);
            if (col >= 0) {
                return YamlFile.displayName(playbook) + ":" + (i + 1) + ":" + (col + 1);
            }
        }
        throw new AssertionError(marker + " is not in the playbook");
    }

    private static VlanKind kind() {
        return Kinds.all().stream().filter(k -> k instanceof VlanKind).map(k -> (VlanKind) k).findFirst().orElseThrow();
    }

    @Test
    void theSectionIsReadIntoVlansTheirInterfacesAndNetworkSubrsRcConf() throws IOException {
        DesiredHost host = load(NICS + "vlans:\n  vlan100: {vlandev: inic, vlan: 100, inet: 10.100.0.1/24}\n"
                + "  storage: {vlandev: inic, vlan: 200}\n  inic.300: {vlandev: inic, vlan: 300}\n", "192.0.2.155").hosts().get(0);
        VlanKind.Spec spec = host.kinds().get("vlans", VlanKind.Spec.class).orElseThrow();
        assertThat(spec.vlans()).extracting(v -> v.name() + " " + v.parent() + " " + v.tag() + " " + v.inet().map(Object::toString).orElse("-"))
                .containsExactly("vlan100 inic 100 10.100.0.1/24", "storage inic 200 -", "inic.300 inic 300 -");
        assertThat(kind().interfaces(spec)).containsEntry(IfName.parse("storage"), Address.of("vlan", "storage")).hasSize(3);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("vlans_inic", "vlan100 storage inic.300");
        expected.put("create_args_vlan100", "vlan 100");
        expected.put("ifconfig_vlan100", "inet 10.100.0.1/24");
        expected.put("create_args_storage", "vlan 200");
        expected.put("ifconfig_storage", "up");
        expected.put("create_args_inic_300", "vlan 300");
        expected.put("ifconfig_inic_300", "up");
        assertThat(kind().rcConf(spec).settings()).containsExactlyEntriesOf(expected);
        assertThat(kind().rcConf(spec).cloned()).isEmpty();
        // Each VLAN waits for its parent's resource; each has its own probe section.
        assertThat(kind().resources(host, spec, new Kind.Graph(List.of(), Map.of(IfName.parse("inic"), Address.of("nic", "inic")))))
                .extracting(Resource::dependsOn).containsOnly(List.of(Address.of("nic", "inic")));
        assertThat(ProbeSections.of(host).commands()).containsEntry("vlan/inic.300", "ifconfig inic.300 2>&1");
    }

    @Test
    void aParentMadeByAnotherKindIsWhatTheGraphNamesItsOwner() throws IOException {
        DesiredHost host = load(NICS + "vlans:\n  vlan7: {vlandev: inic, vlan: 7}\n", "192.0.2.155").hosts().get(0);
        VlanKind.Spec spec = host.kinds().get("vlans", VlanKind.Spec.class).orElseThrow();
        // A lagg kind registers its interfaces in the graph: the VLAN then waits for the lagg.
        var graph = new Kind.Graph(List.of(), Map.of(IfName.parse("inic"), Address.of("lagg", "inic")));
        assertThat(kind().resources(host, spec, graph).get(0).dependsOn()).containsExactly(Address.of("lagg", "inic"));
    }

    @Test
    void tagsOutsideOneTo4094AreRefusedWhereTheyAreWritten() throws IOException {
        List<String> p = problems(NICS + "vlans:\n  vlan1: {vlandev: inic, vlan: 0}\n  vlan2: {vlandev: inic, vlan: 4095}\n"
                + "  vlan3: {vlandev: inic, vlan: 5000}\n  vlan4: {vlandev: inic, vlan: ten}\n");
        assertThat(p).containsExactly(
                at("0}") + ": vlans.vlan1.vlan: VLAN tag 0 is reserved (sys/net/if_vlan.c vlan_config refuses 0 and 4095): use 1 to 4094",
                at("4095}") + ": vlans.vlan2.vlan: VLAN tag 4095 is reserved (sys/net/if_vlan.c vlan_config refuses 0 and 4095): use 1 to 4094",
                at("5000}") + ": vlans.vlan3.vlan: VLAN tag 5000 does not fit 802.1Q's 12 bits (sys/net/if_vlan.c vlan_config): use 1 to 4094",
                at("ten}") + ": vlans.vlan4.vlan: expected a VLAN tag from 1 to 4094, found 'ten'");
    }

    @Test
    void aParentMustBeANicOfTheHostUnderItsNewName() throws IOException {
        List<String> p = problems(NICS + "epairs:\n  ngx: {device: epair0, a: ngx_a, b: ngx_b}\n"
                + "bridges:\n  xbridge: {device: bridge0, members: [ngx_a]}\n"
                + "vlans:\n  vlan1: {vlandev: em1, vlan: 1}\n  vlan2: {vlandev: xbridge, vlan: 2}\n"
                + "  vlan3: {vlandev: ngx_a, vlan: 3}\n  vlan4: {vlandev: em9, vlan: 4}\n  vlan5: {vlandev: vlan4, vlan: 5}\n");
        assertThat(p).containsExactly(
                at("em1, vlan: 1") + ": vlans.vlan1.vlandev: 'em1' is renamed to inic (nics.inic): use vlandev inic",
                at("xbridge, vlan") + ": vlans.vlan2.vlandev: 'xbridge' is a bridge: vlan(4) needs an Ethernet parent"
                        + " (sys/net/if_vlan.c vlan_config: EPROTONOSUPPORT)",
                at("ngx_a, vlan") + ": vlans.vlan3.vlandev: 'ngx_a' is an end of epair ngx: a VLAN's parent is a NIC (nics) or a lagg",
                at("em9") + ": vlans.vlan4.vlandev: vlandev 'em9' is not an interface of this host: a VLAN's parent is a NIC (nics) or a lagg",
                at("vlan4, vlan: 5") + ": vlans.vlan5.vlandev: vlandev 'vlan4' is not an interface of this host: a VLAN's parent is a NIC"
                        + " (nics) or a lagg");
    }

    @Test
    void namesFreeBsdReadsAMeaningIntoOrThatAreTakenAreRefused() throws IOException {
        List<String> p = problems(NICS + "bridges:\n  xbridge: {device: bridge0}\n"
                + "vlans:\n  vlan: {vlandev: inic, vlan: 1}\n  vlan05: {vlandev: inic, vlan: 5}\n"
                + "  inic.7: {vlandev: inic, vlan: 8}\n  xnic.9: {vlandev: inic, vlan: 9}\n  xbridge: {vlandev: inic, vlan: 10}\n"
                + "  em0: {vlandev: inic, vlan: 11}\n  bridge0: {vlandev: inic, vlan: 12}\n  averyveryverylongname: {vlandev: inic, vlan: 13}\n"
                + "  vlan100: {vlandev: inic, vlan: 14}\n  vlan101: {vlandev: inic, vlan: 14}\n");
        String dotted = "FreeBSD reads a name with '.' as PARENT.TAG (sys/net/if_vlan.c vlan_clone_match_ethervid,"
                + " sbin/ifconfig/ifvlan.c vlan_parse_ethervid): ";
        assertThat(p).containsExactly(
                at("{vlandev: inic, vlan: 1}") + ": vlans.vlan: 'vlan' is the name of vlan(4)'s cloner: 'ifconfig vlan create',"
                        + " which rc's network.subr (childif_create) and uirig run for every VLAN named otherwise, would find this"
                        + " interface instead of making a new one",
                at("{vlandev: inic, vlan: 5}") + ": vlans.vlan05: 'vlan05': FreeBSD refuses a unit number with a leading zero"
                        + " (sys/net/if_clone.c ifc_name2unit)",
                at("{vlandev: inic, vlan: 8}") + ": vlans.inic.7: " + dotted + "'inic.7' can only be vlan 7 on inic, not vlan 8 on inic",
                at("{vlandev: inic, vlan: 9}") + ": vlans.xnic.9: " + dotted + "'xnic.9' can only be vlan 9 on xnic, not vlan 9 on inic",
                at("{vlandev: inic, vlan: 10}") + ": vlans.xbridge: interface name 'xbridge' is already used by bridge xbridge",
                at("{vlandev: inic, vlan: 11}") + ": vlans.em0: interface name 'em0' is already used by NIC xnic's device",
                at("{vlandev: inic, vlan: 12}") + ": vlans.bridge0: interface name 'bridge0' is already used by bridge xbridge's device",
                at("{vlandev: inic, vlan: 13}") + ": vlans.averyveryverylongname: interface name 'averyveryverylongname' is 21"
                        + " characters long; FreeBSD allows at most 15",
                at("vlan101:", "14}") + ": vlans.vlan101.vlan: vlan 14 on inic is already vlan100's: a parent carries each tag once"
                        + " (sys/net/if_vlan.c vlan_inshash: EEXIST)");
    }

    /** FILE:LINE:COLUMN of {@code marker} on the first line that holds {@code line}. */
    private String at(String line, String marker) throws IOException {
        List<String> lines = Files.readAllLines(playbook, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(line)) {
                return YamlFile.displayName(playbook) + ":" + (i + 1) + ":" + (lines.get(i).indexOf(marker) + 1);
            }
        }
        throw new AssertionError(line + " is not in the playbook");
    }

    @Test
    void addressesMayNotOverlapTheHostsOtherSubnetsNorRcConfSettingsBeWrittenTwice() throws IOException {
        List<String> p = problems(NICS + "rc_conf:\n  ifconfig_vlan3: up\n"
                + "vlans:\n  vlan1: {vlandev: inic, vlan: 1, inet: 192.168.56.1/25}\n  vlan2: {vlandev: inic, vlan: 2, inet: 10.9.0.1/16}\n"
                + "  vlan3: {vlandev: inic, vlan: 3}\n  vlan4: {vlandev: inic, vlan: 4, inet: 10.9.8.1/24}\n"
                + "  vlan5: {vlandev: inic, vlan: 5, inet: 10.5.0.1/33}\n  inic_6: {vlandev: inic, vlan: 6}\n  inic.6: {vlandev: inic, vlan: 7}\n"
                + "  vlan8: {vlandev: inic, colour: red}\n");
        assertThat(p).containsExactly(
                at("ifconfig_vlan3: up", "up") + ": rc_conf.ifconfig_vlan3: rc_conf sets ifconfig_vlan3, which the vlans section writes to rc.conf:"
                        + " remove it from rc_conf",
                at("192.168.56.1/25") + ": vlans.vlan1.inet: address 192.168.56.1/25 on vlan1 overlaps 192.168.56.110/24 on inic"
                        + " in the same network stack",
                at("10.9.8.1/24") + ": vlans.vlan4.inet: address 10.9.8.1/24 on vlan4 overlaps 10.9.0.1/16 on vlan2 in the same network stack",
                at("10.5.0.1/33") + ": vlans.vlan5.inet: invalid CIDR '10.5.0.1/33' (prefix length 33 is over 32)",
                at("{vlandev: inic, vlan: 7}") + ": vlans.inic.6: " + "FreeBSD reads a name with '.' as PARENT.TAG"
                        + " (sys/net/if_vlan.c vlan_clone_match_ethervid, sbin/ifconfig/ifvlan.c vlan_parse_ethervid): 'inic.6' can only"
                        + " be vlan 6 on inic, not vlan 7 on inic",
                at("{vlandev: inic, colour") + ": vlans.vlan8: missing required key 'vlan'",
                at("colour") + ": vlans.vlan8.colour: unknown key 'colour' (expected one of: vlandev, vlan, inet)");
    }

    @Test
    void namesThatGiveTheSameRcConfVariablesClash() throws IOException {
        List<String> p = problems(NICS + "vlans:\n  inic_6: {vlandev: inic, vlan: 6}\n  inic.6: {vlandev: inic, vlan: 6}\n");
        assertThat(p).containsExactly(at("inic.6:", "{") + ": vlans.inic.6: interface name 'inic.6' gives the same rc.conf"
                + " variables as VLAN inic_6 (network.subr get_if_var reads '.' as '_')");
    }

    // ------------------------------------------------------------------ planning

    private static final String TWO = NICS + "vlans:\n  vlan100: {vlandev: inic, vlan: 100, inet: 10.100.0.1/24}\n"
            + "  storage: {vlandev: inic, vlan: 200}\n";

    private static final String VLAN100 = "vlan100: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
            + "\tether 08:00:27:aa:bb:01\n\tinet 10.100.0.1 netmask 0xffffff00 broadcast 10.100.0.255\n\tgroups: vlan\n"
            + "\tvlan: 100 vlanproto: 802.1q vlanpcp: 0 parent interface: inic\n";

    private static Map<Address, Change> plan(Inventory inv, Map<String, String> vlanOutputs) {
        DesiredHost host = inv.hosts().get(0);
        var probe = ProbeSections.of(host);
        ObservedHost fresh = FreshHost.of(host.name(), com.uirig.plan.Kinds.freshNics(host), probe.facts());
        Map<String, Object> facts = new LinkedHashMap<>();
        vlanOutputs.forEach((name, out) -> facts.put("vlan/" + name, VlanKind.fact(IfName.parse(name))
                .parse(out.startsWith("ifconfig:") ? 1 : 0, out)));
        Map<Address, Change> out = new LinkedHashMap<>();
        Planner.plan(inv.hosts(), Map.of(host.name(), fresh.withFacts(facts))).hosts().get(0).changes()
                .forEach(c -> out.put(c.resource(), c));
        return out;
    }

    @Test
    void aVlanIsGuardedOnlyWhenUirigsSshMayGoOverIt() throws IOException {
        // SSH to the public NIC: adding VLANs on other subnets does not touch uirig's path.
        Map<Address, Change> elsewhere = plan(load(TWO, "192.0.2.155"), Map.of());
        assertThat(elsewhere.get(Address.of("vlan", "vlan100")).guarded()).isEmpty();
        assertThat(elsewhere.get(Address.of("vlan", "storage")).guarded()).isEmpty();

        // SSH to an address on vlan100's subnet: its creation is undone by destroying it again.
        Map<Address, Change> over = plan(load(TWO, "10.100.0.1"), Map.of());
        assertThat(over.get(Address.of("vlan", "vlan100")).guarded().orElseThrow().commands())
                .containsExactly("ifconfig vlan100 destroy");
        assertThat(over.get(Address.of("vlan", "storage")).guarded()).isEmpty();

        // A host name says nothing about the path: every VLAN change is guarded.
        assertThat(plan(load(TWO, "server-a.example"), Map.of()).get(Address.of("vlan", "storage")).guarded()).isPresent();
    }

    @Test
    void anAddressChangeIsUndoneAsANicsAndARemadeVlanIsMadeAgainAsItWas() throws IOException {
        String changed = VLAN100.replace("inet 10.100.0.1 netmask 0xffffff00 broadcast 10.100.0.255", "inet 10.100.0.9 netmask 0xffffff00 broadcast 10.100.0.255");
        Map<Address, Change> update = plan(load(TWO, "10.100.0.9"), Map.of("vlan100", changed));
        Change c = update.get(Address.of("vlan", "vlan100"));
        assertThat(c.action()).isEqualTo(Action.UPDATE);
        assertThat(c.steps()).extracting(Object::toString).containsExactly("ifconfig vlan100 inet 10.100.0.1/24");
        assertThat(c.guarded().orElseThrow().commands())
                .containsExactly("ifconfig vlan100 inet 10.100.0.1 -alias", "ifconfig vlan100 inet 10.100.0.9/24 alias");

        String moved = VLAN100.replace("vlan: 100 vlanproto: 802.1q", "vlan: 100 vlanproto: 802.1ad");
        Change remade = plan(load(TWO, "10.100.0.1"), Map.of("vlan100", moved)).get(Address.of("vlan", "vlan100"));
        assertThat(remade.action()).isEqualTo(Action.REPLACE);
        assertThat(remade.reason()).isEqualTo("vlan100 is vlan 100 (802.1ad) on inic, not vlan 100 on inic");
        assertThat(remade.steps()).extracting(Object::toString).containsExactly("ifconfig vlan100 destroy",
                "ifconfig vlan100 create vlan 100 vlandev inic", "ifconfig vlan100 inet 10.100.0.1/24", "ifconfig vlan100 up");
        assertThat(remade.guarded().orElseThrow().commands()).containsExactly("ifconfig vlan100 destroy",
                "ifconfig vlan100 create vlan 100 vlandev inic", "ifconfig vlan100 inet 10.100.0.1/24 alias", "ifconfig vlan100 up");
    }

    @Test
    void aVlanWithoutParentIsRemadeButAnInterfaceThatIsNoVlanIsNeverDestroyed() throws IOException {
        String epair = "storage: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tgroups: epair\n";
        String orphan = "storage: flags=8842<BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tgroups: vlan\n"
                + "\tvlan: 0 vlanproto: 802.1q vlanpcp: 0 parent interface: <none>\n";
        Inventory inv = load(TWO, "192.0.2.155");
        Change other = plan(inv, Map.of("storage", epair)).get(Address.of("vlan", "storage"));
        assertThat(other.reason()).isEqualTo("storage exists but is no vlan(4) interface: uirig does not destroy it");
        // Its one step fails with the reason: apply stops there and the interface stays.
        assertThat(other.steps()).singleElement().asString().startsWith("/bin/sh -c ").doesNotContain("destroy storage")
                .contains("uirig does not destroy an interface it does not manage");
        Change c = plan(inv, Map.of("storage", orphan)).get(Address.of("vlan", "storage"));
        assertThat(c.reason()).isEqualTo("storage is a vlan without a parent");
        assertThat(c.steps()).extracting(Object::toString).containsExactly("ifconfig storage destroy",
                "ifconfig vlan create vlan 200 vlandev inic name storage", "ifconfig storage up");
        // In sync: nothing to do.
        assertThat(plan(inv, Map.of("vlan100", VLAN100))).doesNotContainKey(Address.of("vlan", "vlan100"));
    }

    @Test
    void theFactIsPartOfUirigFactsJson() throws IOException {
        DesiredHost host = load(TWO, "192.0.2.155").hosts().get(0);
        var probe = ProbeSections.of(host);
        Map<String, Probe.Section> sections = new LinkedHashMap<>();
        sections.put("vlan/vlan100", new Probe.Section("vlan/vlan100", 0, VLAN100));
        sections.put("vlan/storage", new Probe.Section("vlan/storage", 1, "ifconfig: interface storage does not exist\n"));
        HostFacts facts = FactsReader.read(host.name(), sections, List.of(), probe.facts());
        assertThat(facts.unreadable()).isEmpty();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(FactsJson.render(List.of(facts)));
        assertThat(json.at("/hosts/0/kinds/vlan~1vlan100").toString()).isEqualTo(
                "{\"exists\":true,\"vlan\":true,\"tag\":100,\"parent\":\"inic\",\"proto\":\"802.1q\",\"inet\":[\"10.100.0.1/24\"],\"up\":true}");
        assertThat(facts.observed().fact(VlanKind.fact(IfName.parse("storage")))).contains(VlanKind.Found.ABSENT);
    }

    @Test
    void aVlanNBelowTheNumberOfVlansWithOtherNamesIsRefusedItsUnitMayBeTakenAtBoot() throws IOException {
        List<String> p = problems(NICS + "vlans:\n  vlan0: {vlandev: inic, vlan: 10}\n  storage: {vlandev: inic, vlan: 20}\n"
                + "  inic.30: {vlandev: inic, vlan: 30}\n  vlan1: {vlandev: inic, vlan: 40}\n");
        assertThat(p).singleElement().asString().contains("vlans.vlan0: vlan0 may find its unit taken at boot: the 1 VLANs with"
                + " other names get the lowest free units");
    }
}
