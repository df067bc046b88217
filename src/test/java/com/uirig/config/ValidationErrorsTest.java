package com.uirig.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gives a clear problem at FILE:LINE:COLUMN with its document path. */
class ValidationErrorsTest {
    private static final String NET = "playbooks/network.yml";
    private static final String JAILS = "playbooks/jails.yml";
    private static final String FW = "playbooks/firewall.yml";
    private static final String PF = "playbooks/templates/pf.conf";
    private static final String HOSTS = "inventory/prod/hosts.yml";

    @TempDir
    Path dir;

    private InventoryCopy copy() {
        return new InventoryCopy(dir);
    }

    @Test
    void yamlSyntaxError() {
        InventoryCopy c = copy().edit(NET, "    members: [ngx_a, node_a, pg_a]", "    members: [ngx_a, node_a, pg_a");
        List<String> problems = c.problems("prod");
        assertThat(problems).hasSize(1);
        // The unclosed list runs into the next key: the parser stops at that key's colon.
        String colon = YamlFile.displayName(c.path(NET)) + ":" + lineOf(c.at(NET, "  ibridge:")) + ":"
                + (colOf(c.at(NET, "  ibridge:")) + 9);
        assertThat(problems.get(0)).isEqualTo(colon
                + ": YAML syntax error: expected ',' or ']', but got : (while parsing a flow sequence)");
    }

    @Test
    void unknownKey() {
        InventoryCopy c = copy().edit(NET, "    device: bridge1\n", "    device: bridge1\n    colour: red\n");
        assertThat(c.problems("prod")).containsExactly(c.at(NET, "colour")
                + ": bridges.ibridge.colour: unknown key 'colour' (expected one of: device, inet, members)");
    }

    @Test
    void unknownSection() {
        InventoryCopy c = copy().edit(NET, "rc_conf:\n", "rc_conf_typo:\n");
        assertThat(c.problems("prod")).first().asString().startsWith(c.at(NET, "rc_conf_typo") + ": rc_conf_typo: unknown key");
    }

    @Test
    void wrongType() {
        InventoryCopy c = copy().edit(NET, "members: [inic, inode_a, ipg_a]", "members: {inic: yes}");
        assertThat(c.problems("prod")).contains(c.at(NET, "{inic: yes}")
                + ": bridges.ibridge.members: expected a list, found a mapping");
    }

    @Test
    void duplicateKey() {
        InventoryCopy c = copy().edit(NET, "  pf_enable: YES\n", "  pf_enable: YES\n  jail_enable: NO\n");
        String second = c.at(NET, "  jail_enable: NO").replaceAll(":\\d+$", ":3");
        assertThat(c.problems("prod")).containsExactly(second
                + ": rc_conf.jail_enable: duplicate key 'jail_enable' (first at line " + lineOf(c.at(NET, "jail_enable: YES")) + ")");
    }

    @Test
    void invalidCidrInAHostVariableIsReportedWhereItIsWrittenAndWhereItIsUsed() {
        InventoryCopy c = copy().edit(HOSTS, "xnic: 192.0.2.155/24", "xnic: 192.0.2.155/33");
        assertThat(c.problems("prod")).containsExactly(c.at(HOSTS, "192.0.2.155/33")
                + ": hosts.server-a.vars.xnic: invalid CIDR '192.0.2.155/33' (prefix length 33 is over 32) (used at "
                + c.at(NET, "\"{{ xnic }}\"") + " nics.xnic.inet) [server-a]");
    }

    @Test
    void invalidIpv4Address() {
        InventoryCopy c = copy().edit(NET, "inet: 10.0.2.1/24", "inet: 10.0.2.256/24");
        assertThat(c.problems("prod")).containsExactly(c.at(NET, "10.0.2.256/24")
                + ": bridges.xbridge.inet: invalid CIDR '10.0.2.256/24': invalid IPv4 address '10.0.2.256' (256 is over 255)");
    }

    @Test
    void interfaceNameLongerThanFifteenCharacters() {
        InventoryCopy c = copy().edit(NET, "a: ngx_node_a, ", "a: ngx_node_a_longer, ");
        assertThat(c.problems("prod")).contains(c.at(NET, "ngx_node_a_longer")
                + ": epairs.ngx_node.a: interface name 'ngx_node_a_longer' is 17 characters long; FreeBSD allows at most 15");
    }

    @Test
    void interfaceDefinedTwice() {
        InventoryCopy c = copy().edit(NET, "  ipg:      {device: epair6, a: ipg_a,      b: ipg_b,      up: a}",
                "  ipg:      {device: epair6, a: ipg_a,      b: ipg_b,      up: a}\n  extra:    {device: epair7, a: xtr_a, b: ngx_b}");
        assertThat(c.problems("prod")).containsExactly(c.at(NET, "ngx_b}")
                + ": epairs.extra.b: interface name 'ngx_b' is defined twice (also by epair ngx)");
    }

    @Test
    void aNameOrADeviceTakenByAnotherNetworkSectionIsRefusedWhereItIsWrittenAgain() {
        // Bridges are read after the NICs: the bridge is reported.
        InventoryCopy c = copy().edit(NET, "  ibridge:\n    device: bridge1", "  inic:    # the NIC's name\n    device: bridge1")
                .edit(HOSTS, "inic_device: em1", "inic_device: bridge0");
        assertThat(c.problems("prod")).contains(
                c.at(NET, "device: bridge1") + ": bridges.inic: interface name 'inic' is defined twice (also by NIC)",
                c.at(NET, "bridge0") + ": bridges.xbridge.device: device 'bridge0' is used twice");
    }

    @Test
    void rcConfCannotSetWhatTheNetworkSectionsWrite() {
        InventoryCopy c = copy().edit(NET, "  pf_enable: YES\n", "  pf_enable: YES\n  defaultrouter: 192.0.2.254\n"
                + "  cloned_interfaces: bridge0\n");
        assertThat(c.problems("prod")).containsExactly(
                c.at(NET, "192.0.2.254") + ": rc_conf.defaultrouter: rc_conf sets defaultrouter, which the defaultrouter"
                        + " section writes to rc.conf: remove it from rc_conf",
                c.at(NET, "cloned_interfaces").replaceAll(":3$", ":22") + ": rc_conf.cloned_interfaces: rc_conf sets"
                        + " cloned_interfaces, which the bridges and epairs sections write to rc.conf: remove it from rc_conf");
    }

    @Test
    void aBridgeNamedLikeAnEpairEndIsReportedAtTheBridge() {
        InventoryCopy c = copy().edit(NET, "  ipg:      {device: epair6, a: ipg_a,      b: ipg_b,      up: a}",
                "  ipg:      {device: epair6, a: ipg_a,      b: ipg_b,      up: a}\n  extra:    {device: epair7, a: xbridge, b: xtr_b}");
        assertThat(c.problems("prod")).contains(c.at(NET, "device: bridge0").replaceAll(":\\d+$", ":5")
                + ": bridges.xbridge: interface name 'xbridge' is defined twice (also by epair extra)");
    }

    @Test
    void filesOrJailDefaultsWithoutEntriesAreMistakes() {
        assertThat(copy().edit(FW, "pf:\n", "files:\npf:\n").problems("prod"))
                .singleElement().asString().endsWith(": files: expected a mapping, found nothing");
    }

    @Test
    void aDefaultRouterWithoutAnAddress() {
        assertThat(copy().edit(NET, "defaultrouter: \"{{ gateway }}\"", "defaultrouter:").problems("prod"))
                .singleElement().asString().endsWith(": defaultrouter: expected a value, found nothing");
    }

    @Test
    void aDefaultRouterOnNoSubnetOfTheHost() {
        InventoryCopy c = copy().edit(NET, "defaultrouter: \"{{ gateway }}\"", "defaultrouter: 10.9.9.9");
        assertThat(c.problems("prod")).contains(c.at(NET, "10.9.9.9") + ": defaultrouter: default router 10.9.9.9 is on"
                + " none of the host's subnets (192.0.2.0/24, 192.168.56.0/24, 10.0.2.0/24)");
    }

    @Test
    void aDefaultRouterOnABridgesSubnetIsReachable() {
        copy().edit(NET, "defaultrouter: \"{{ gateway }}\"", "defaultrouter: 10.0.2.254").load("prod");
    }

    @Test
    void epairEndGivenToTwoJails() {
        InventoryCopy c = copy().edit(JAILS, "vnet_interfaces: [ngx_b, ngx_node_a]", "vnet_interfaces: [ngx_b, ngx_node_a, pg_b]");
        assertThat(c.problems("prod")).containsExactly(c.at(JAILS, "pg_b]").replaceAll(":\\d+:\\d+$", "") + ":"
                + lineOf(c.at(JAILS, "ngx_node_a, pg_b]")) + ":" + (colOf(c.at(JAILS, "ngx_node_a, pg_b]")) + 12)
                + ": jails.nginx_j.vnet_interfaces[2]: 'pg_b' is given to both jail pg_j and jail nginx_j:"
                + " an interface can be in one bridge or one jail only");
    }

    @Test
    void epairEndGivenToAJailAndABridge() {
        InventoryCopy c = copy().edit(NET, "members: [ngx_a, node_a, pg_a]", "members: [ngx_a, node_a, pg_a, ngx_b]");
        assertThat(c.problems("prod")).containsExactly(c.at(JAILS, "ngx_b, ngx_node_a]")
                + ": jails.nginx_j.vnet_interfaces[0]: 'ngx_b' is given to both bridge xbridge and jail nginx_j:"
                + " an interface can be in one bridge or one jail only");
    }

    @Test
    void undefinedBridgeMemberAndJailInterface() {
        InventoryCopy c = copy().edit(NET, "members: [ngx_a, node_a, pg_a]", "members: [ngx_a, node_a, pg_a, em9]")
                .edit(JAILS, "vnet_interfaces: [ngx_b, ngx_node_a]", "vnet_interfaces: [ngx_b, ngx_node_a, ghost_b]");
        assertThat(c.problems("prod")).containsExactly(
                c.at(JAILS, "ghost_b") + ": jails.nginx_j.vnet_interfaces[2]: VNET interface 'ghost_b' of jail nginx_j"
                        + " is not defined (define it under epairs or nics)",
                c.at(NET, "em9") + ": bridges.xbridge.members[3]: bridge member 'em9' is not defined (define it under nics or epairs)");
    }

    @Test
    void duplicateAddressOnOneBridge() {
        // server-a's inode_b and ipg_b both sit behind ibridge.
        InventoryCopy c = copy().edit(HOSTS, "ip_inode_b: 192.168.56.30", "ip_inode_b: 192.168.56.40");
        assertThat(c.problems("prod")).contains(c.at(JAILS, "\"{{ ip_ipg_b }}/24\"")
                + ": jails.pg_j.inet.ipg_b: address 192.168.56.40 of ipg_b is also used by inode_b on bridge ibridge [server-a]");
    }

    @Test
    void overlappingSubnetsInOneStack() {
        InventoryCopy c = copy().edit(JAILS, "ngx_node_a: 10.0.3.20/24", "ngx_node_a: 10.0.2.21/16");
        assertThat(c.problems("prod")).contains(c.at(JAILS, "10.0.2.21/16")
                + ": jails.nginx_j.inet.ngx_node_a: address 10.0.2.21/16 on ngx_node_a overlaps 10.0.2.20/24 on ngx_b"
                + " in the same network stack");
    }

    @Test
    void undefinedVariable() {
        InventoryCopy c = copy().edit(JAILS, "hostname: \"{{ hostname_nginx_j }}\"", "hostname: \"{{ hostname_ngx }}\"");
        assertThat(c.problems("prod")).containsExactly(c.at(JAILS, "{{ hostname_ngx }}")
                + ": jails.nginx_j.hostname: undefined variable 'hostname_ngx': it is defined neither in the host's vars"
                + " nor in the inventory's vars");
    }

    @Test
    void undefinedPeerVariable() {
        InventoryCopy c = copy().edit(HOSTS, "    peer: server-a\n", "");
        assertThat(c.problems("prod")).anySatisfy(p -> assertThat(p)
                .contains("undefined variable 'peer.ip_ipg_b': host server-b has no peer").endsWith("[server-b]"));
    }

    @Test
    void pfMacroAndTableUsedButNotDefined() {
        InventoryCopy c = copy().edit(PF, "pass out quick on xbridge proto tcp to $nginx_j port $port_nginx",
                "pass out quick on xbridge proto tcp from <proxies> to $nginx port $port_nginx");
        assertThat(c.problems("prod")).containsExactly(
                c.at(PF, "<proxies>") + ": pf table <proxies> is used but not defined",
                c.at(PF, "$nginx port") + ": pf macro $nginx is used but not defined");
    }

    @Test
    void pfTableWithoutItsFileInThePlaybook() {
        InventoryCopy c = copy().edit(FW, "    email:     {file: /etc/ips_fastmail,    addresses: \"{{ fastmail }}\"}\n", "");
        assertThat(c.problems("prod")).containsExactly(c.at(PF, "<email>")
                + ": pf table <email> is not declared under pf.tables (give its addresses for /etc/ips_fastmail)");
    }

    @Test
    void encryptPipeWithoutADecryptPipeOnThePeer() {
        InventoryCopy c = copy().edit(JAILS, "PGS: {mode: decrypt, source: \"{{ ip_ipg_b }}:5434\"",
                "PGS: {mode: decrypt, source: \"{{ ip_ipg_b }}:5436\"");
        List<String> problems = c.problems("prod");
        String at = c.at(JAILS, "\"{{ peer.ip_ipg_b }}:5434\"");
        assertThat(problems).containsExactlyInAnyOrder(
                at + ": jails.pg_j.spiped_pipes.PGC.target: encrypt pipe pg_j.PGC targets [192.168.56.40]:5434"
                        + " but no decrypt pipe on peer server-a listens there [server-b]",
                at + ": jails.pg_j.spiped_pipes.PGC.target: encrypt pipe pg_j.PGC targets [192.168.56.41]:5434"
                        + " but no decrypt pipe on peer server-b listens there [server-a]");
    }

    @Test
    void theHostsOwnPublicSubnetInMartians() {
        InventoryCopy c = copy().edit(HOSTS, "    - 192.168.0.0/16\n    - 198.18.0.0/15", "    - 192.168.0.0/16\n    - 192.0.2.0/24\n    - 198.18.0.0/15");
        // Reported at the entry in hosts.yml, where it is written; the table that uses the list follows.
        String entry = c.at(HOSTS, "- 192.0.2.0/24");
        assertThat(c.problems("prod")).containsExactly(entry.replaceAll(":\\d+$", ":" + (colOf(entry) + 2))
                + ": vars.martians[8]: table <martians> holds 192.0.2.0/24, which covers xnic's own subnet"
                + " 192.0.2.0/24; pf.conf blocks it on xnic, so all traffic to the host would be dropped"
                + " (used at " + c.at(FW, "\"{{ martians }}\"") + " pf.tables.martians.addresses)");
    }

    @Test
    void aTableBlockedOnABridgeMustNotHoldTheBridgesSubnet() {
        // martians holds 10.0.0.0/8, which covers xbridge's 10.0.2.0/24.
        InventoryCopy c = copy().edit(PF, "block all\n", "block in quick on xbridge from <martians>\nblock all\n");
        String entry = c.at(HOSTS, "- 10.0.0.0/8");
        assertThat(c.problems("prod")).singleElement().asString().startsWith(entry.replaceAll(":\\d+$", ":" + (colOf(entry) + 2))
                + ": vars.martians[1]: table <martians> holds 10.0.0.0/8, which covers xbridge's own subnet 10.0.2.0/24;"
                + " pf.conf blocks it on xbridge, so all traffic to the host would be dropped");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        InventoryCopy c = copy()
                .edit(NET, "    device: bridge1\n", "    device: bridge1\n    colour: red\n")
                .edit(HOSTS, "gateway: 192.0.2.1\n      ip_inode_b: 192.168.56.31", "gateway: 192.0.2.999\n      ip_inode_b: 192.168.56.31")
                .edit(JAILS, "hostname: \"{{ hostname_nginx_j }}\"", "hostname: \"{{ nope }}\"")
                .edit(PF, "block all", "block all from <nothing>");
        List<String> problems = c.problems("prod");
        assertThat(problems).hasSize(4);
        assertThat(problems).anyMatch(p -> p.contains("unknown key 'colour'"))
                .anyMatch(p -> p.contains("invalid IPv4 address '192.0.2.999'") && p.endsWith("[server-b]"))
                .anyMatch(p -> p.contains("undefined variable 'nope'"))
                .anyMatch(p -> p.contains("pf table <nothing> is used but not defined"));
    }

    @Test
    void missingPlaybookFile() {
        InventoryCopy c = copy().edit(HOSTS, "../../playbooks/jails.yml", "../../playbooks/jail.yml");
        assertThat(c.problems("prod")).first().asString().endsWith("playbooks/jail.yml:1:1: file not found");
    }

    @Test
    void rcConfValueWithADoubleQuote() {
        InventoryCopy c = copy().edit(NET, "  pf_enable: YES\n", "  pf_enable: YES\n  sshd_flags: '-o \"x\"'\n");
        assertThat(c.problems("prod")).containsExactly(c.at(NET, "'-o")
                + ": rc_conf.sshd_flags: an rc.conf value cannot contain a double quote, a backslash or a line break:"
                + " sysrc writes it between double quotes");
    }

    @Test
    void jailParametersThatJailConfCannotCarry() {
        InventoryCopy c = copy().edit(JAILS, "      sysvshm: new\n", "      sysvshm: new\n      exec.poststart: \"echo a\\0b\"\n"
                + "      exec.prestop: \"echo \\e[31m\"\n      allow.raw-sockets: true\n");
        assertThat(c.problems("prod")).containsExactly(
                c.at(JAILS, "\"echo a") + ": jails.pg_j.parameters.exec.poststart: a jail parameter cannot contain a NUL character:"
                        + " jail(8) reads values as C strings",
                c.at(JAILS, "\"echo \\e") + ": jails.pg_j.parameters.exec.prestop: a jail parameter cannot contain the control"
                        + " character U+001B",
                c.at(JAILS, "allow.raw-sockets").replaceAll(":\\d+$", ":" + (colOf(c.at(JAILS, "allow.raw-sockets")) + 19))
                        + ": jails.pg_j.parameters.allow.raw-sockets: invalid jail parameter name 'allow.raw-sockets' (lower-case"
                        + " words of letters, digits and '_', joined by '.', as jail(8) names them)");
        // Quotes, backslashes and $ are fine: jail.conf gets them escaped (JailConfQuotingTest).
        InventoryCopy ok = new InventoryCopy(dir.resolve("ok")).edit(JAILS, "      sysvshm: new\n",
                "      sysvshm: new\n      exec.poststart: echo \"$HOME\" \\ done\n");
        assertThat(ok.load("prod").hosts()).hasSize(2);
    }

    @Test
    void sysctlNamesAndValuesThatSysctlWouldNotSetAsWritten() {
        String longValue = "x".repeat(1024 - "kern.domainname=".length());
        InventoryCopy c = copy().edit(NET, "  net.inet.ip.forwarding: 1\n", "  net.inet.ip.forwarding: 1\n"
                + "  \"kern.hostname=evil\": x\n  kern.hostname: \"two\\nlines\"\n  kern.domainname: " + longValue + "\n");
        assertThat(c.problems("prod")).containsExactly(
                c.at(NET, "evil\": x").replaceAll(":\\d+$", ":" + (colOf(c.at(NET, "evil\": x")) + 7))
                        + ": sysctl.kern.hostname=evil: invalid sysctl name 'kern.hostname=evil' (lower-case words joined by '.')",
                c.at(NET, "\"two") + ": sysctl.kern.hostname: a sysctl value is one line without control characters"
                        + " (found U+000A): sysctl prints it back as 'NAME: VALUE'",
                c.at(NET, longValue) + ": sysctl.kern.domainname: 'kern.domainname=VALUE' is 1024 bytes; sysctl takes at most"
                        + " 1023 (BUFSIZ)");
        // Only the first '=' splits (sysctl.c parse()): a value may hold more.
        InventoryCopy ok = new InventoryCopy(dir.resolve("ok")).edit(NET, "  net.inet.ip.forwarding: 1\n",
                "  net.inet.ip.forwarding: 1\n  kern.hostname: \"  a=b c \"\n  kern.domainname: " + longValue.substring(1) + "\n");
        assertThat(ok.load("prod").host("server-a").orElseThrow().kinds()
                .get(com.uirig.kinds.SysctlKind.KEY, com.uirig.kinds.SysctlKind.Settings.class).orElseThrow().values()).containsEntry("kern.hostname", "a=b c")
                .containsEntry("kern.domainname", longValue.substring(1));
    }

    @Test
    void rcConfValuesThatShWouldRunAtBootNeedToSaySo() {
        InventoryCopy c = copy().edit(NET, "  pf_enable: YES\n", "  pf_enable: YES\n  sshd_flags: \"-o $(id)\"\n"
                + "  hostname: \"`/bin/cat /etc/hostname`\"\n  ntpd_flags: {value: \"${x}\", evaluate: false}\n"
                + "  moused_flags: {value: \"`echo \\\"x\\\"`\", evaluate: true}\n")
                .edit(NET, "options: [vlanhwtag 2222]", "options: [vlanhwtag $VLAN]");
        String hint = ": to have sh evaluate it at boot, write {value: ..., evaluate: true}";
        assertThat(c.problems("prod")).containsExactly(
                c.at(NET, "[vlanhwtag $VLAN]") + ": nics.inic.options: an rc.conf value with '$' or '`' is run by sh when"
                        + " rc.conf is read at boot: uirig gives NIC options to ifconfig as written, so boot and run time would differ",
                c.at(NET, "\"-o $(id)\"") + ": rc_conf.sshd_flags: an rc.conf value with '$' or '`' is run by sh when rc.conf"
                        + " is read at boot" + hint,
                c.at(NET, "\"`/bin/cat") + ": rc_conf.hostname: an rc.conf value with '$' or '`' is run by sh when rc.conf"
                        + " is read at boot" + hint,
                c.at(NET, "false}") + ": rc_conf.ntpd_flags.evaluate: 'evaluate' can only be true: write a value that means"
                        + " itself without it",
                c.at(NET, "\"`echo") + ": rc_conf.moused_flags.value: an rc.conf value cannot contain a double quote, a"
                        + " backslash or a line break: sysrc writes it between double quotes");
    }

    @Test
    void anRcConfValueMarkedEvaluateIsWrittenForShToEvaluateAndReadBackAsWritten() {
        // The seed's own style: a jail's hostname=`/bin/cat /etc/hostname` (src/test/resources/seed).
        InventoryCopy c = copy().edit(NET, "  pf_enable: YES\n",
                "  pf_enable: YES\n  hostname: {value: \"`/bin/cat /etc/hostname`\", evaluate: true}\n  ntpd_flags: \"-g\"\n");
        var host = c.load("prod").host("server-a").orElseThrow();
        assertThat(host.kinds().get(com.uirig.kinds.RcConfKind.KEY, com.uirig.kinds.RcConfKind.Settings.class).orElseThrow().values()).containsEntry("hostname", "`/bin/cat /etc/hostname`").containsEntry("ntpd_flags", "-g");
        String rc = com.uirig.render.HostFiles.of(host).stream().filter(f -> f.path().equals("/etc/rc.conf"))
                .findFirst().orElseThrow().content().orElseThrow();
        assertThat(rc).contains("\nhostname=\"`/bin/cat /etc/hostname`\"\n");
        // Facts read rc.conf without running it: the same text comes back, so it is no drift.
        assertThat(com.uirig.facts.RcConfParser.parse(rc)).containsEntry("hostname", "`/bin/cat /etc/hostname`");
    }

    private static int colOf(String location) {
        String[] parts = location.split(":");
        return Integer.parseInt(parts[parts.length - 1]);
    }

    private static int lineOf(String location) {
        String[] parts = location.split(":");
        return Integer.parseInt(parts[parts.length - 2]);
    }

    @Test
    void becomeIsDoasSudoOrNone() {
        InventoryCopy c = copy().edit(HOSTS, "  become: doas\n", "  become: su\n");
        assertThat(c.problems("prod")).containsExactly(c.at(HOSTS, "su") .replaceAll(":\\d+$", ":11")
                + ": ssh.become: unsupported become 'su': use doas, sudo or none");
    }

    @Test
    void aRunOnceNeedsItsCommandAndAnAbsolutePathItCreates() {
        InventoryCopy c = copy().edit(JAILS, "        creates: /var/db/postgres/data16/PG_VERSION\n", "        creates: PG_VERSION\n");
        assertThat(c.problems("prod")).containsExactly(c.at(JAILS, "creates: PG_VERSION").replaceAll(":\\d+$", ":18")
                + ": jails.pg_j.run_once.initdb.creates: expected an absolute file path, found 'PG_VERSION' (an absolute path to a file)");
        InventoryCopy d = new InventoryCopy(dir.resolve("d")).edit(JAILS, "        command: service postgresql initdb\n", "");
        assertThat(d.problems("prod")).containsExactly(d.at(JAILS, "creates: /var/db/postgres/data16/PG_VERSION")
                + ": jails.pg_j.run_once.initdb: missing required key 'command'");
    }

    @Test
    void anOptionWordThatIfconfigTakesAsAnAddressIsAWarning() {
        Inventory prod = InventoryLoader.load(Path.of("inventory/prod"));
        assertThat(prod.warnings()).containsExactly("playbooks/network.yml:13:14: nics.inic.options: warning: ifconfig takes '2222'"
                + " as an address (after the NIC's own, a destination or broadcast address), not as the value of an option:"
                + " the option before it takes no value");
        InventoryCopy c = copy().edit(NET, "options: [vlanhwtag 2222]", "options: [vlanhwtag, mtu 9000]");
        assertThat(c.load("prod").warnings()).isEmpty();
    }

    @Test
    void cronSchedulesUsersAndPercentSignsAsFreeBsdsCronReadsThem() {
        InventoryCopy c = copy().edit(FW, "schedule: \"* * * * *\"", "schedule: \"61 * * * mon-sun\"")
                .edit(FW, "user: root", "user: \"root;rm\"");
        assertThat(c.problems("prod")).containsExactly(
                c.at(FW, "61 * * * mon-sun").replaceAll(":\\d+$", ":15") + ": cron.ratelimit_expire.schedule: minute 61 is out of range 0-59",
                c.at(FW, "root;rm").replaceAll(":\\d+$", ":11") + ": cron.ratelimit_expire.user: invalid login name 'root;rm' for a cron job's user");
        for (String bad : new String[] {"*/0 * * * *", "* * 32 * *", "* * * foo *", "5-1 * * * *", "@sometimes", "* * * *"}) {
            InventoryCopy d = new InventoryCopy(dir.resolve("s" + Math.abs(bad.hashCode()))).edit(FW, "schedule: \"* * * * *\"",
                    "schedule: \"" + bad + "\"");
            assertThat(d.problems("prod")).as(bad).singleElement().asString().contains("cron.ratelimit_expire.schedule: ");
        }
        InventoryCopy ok = new InventoryCopy(dir.resolve("ok")).edit(FW, "schedule: \"* * * * *\"", "schedule: \"*/5 1-3,22 * jan-mar 0,7\"")
                .edit(FW, "command: /sbin/pfctl -t ratelimit -T expire 180", "command: /bin/date +%s >> /var/log/ratelimit");
        String crontab = com.uirig.render.HostFiles.print(ok.load("prod").host("server-a").orElseThrow());
        assertThat(crontab).contains("*/5 1-3,22 * jan-mar 0,7\troot\t/bin/date +\\%s >> /var/log/ratelimit\n");
    }

    @Test
    void theCrontabOfTheCronKindHasOneWriterToo() {
        InventoryCopy c = copy().edit(FW, "pf:\n", "files:\n  /etc/cron.d/uirig: {content: x}\npf:\n");
        assertThat(c.problems("prod")).containsExactly(c.at(FW, "{content: x}") + ": files./etc/cron.d/uirig: /etc/cron.d/uirig"
                + " is written twice: by the cron jobs and by files: /etc/cron.d/uirig");
    }

    @Test
    void everyFileHasOneWriterAndAPathUirigCanWrite() {
        // A playbook file over pf.conf, and a jail file over the jail's copy of the spiped key.
        InventoryCopy c = copy().edit(JAILS, "      /etc/resolv.conf: {content: \"{{ resolv_conf }}\"}\n      # www/node",
                "      /etc/resolv.conf: {content: \"{{ resolv_conf }}\"}\n      /etc/spiped.key: {content: x}\n      # www/node")
                .edit(FW, "pf:\n", "files:\n  /etc/pf.conf: {content: x}\npf:\n");
        assertThat(c.problems("prod")).containsExactly(
                c.at(FW, "{content: x}") + ": files./etc/pf.conf: /etc/pf.conf is written twice: by pf.conf and by files: /etc/pf.conf",
                c.at(JAILS, "{content: x}") + ": jails.node_j.files./etc/spiped.key: /jails/node_j/etc/spiped.key is written twice:"
                        + " by spiped key db in jail node_j and by jail node_j's files: /etc/spiped.key");
        for (String bad : new String[] {"/etc/./motd", "/etc/../motd", "/etc/motd file", "/etc//motd", "/"}) {
            InventoryCopy d = new InventoryCopy(dir.resolve("p" + Math.abs(bad.hashCode()))).edit(FW, "pf:\n",
                    "files:\n  \"" + bad + "\": {content: x}\npf:\n");
            assertThat(d.problems("prod")).as(bad).singleElement().asString().contains("is not a file path uirig can write");
        }
    }

    @Test
    void unreadableFilesSayWhereAndWhyWithoutJavasWords() throws Exception {
        InventoryCopy c = copy();
        java.nio.file.Files.write(c.path(NET), "nics:\n  xnic: {device: em0, inet: \"10.0.0.1/24\u00ff\"}\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(c.problems("prod")).containsExactly(YamlFile.displayName(c.path(NET)) + ":2:41: not UTF-8 text: byte 0xff");
        InventoryCopy d = new InventoryCopy(dir.resolve("dir")).edit(HOSTS, "../../playbooks/network.yml", "../../playbooks");
        assertThat(d.problems("prod")).containsExactly(YamlFile.displayName(d.path("playbooks")) + ":1:1: is a directory, not a file");
        InventoryCopy t = new InventoryCopy(dir.resolve("tpl"));
        java.nio.file.Files.write(t.path(PF), new byte[] {'a', '\n', 'b', ' ', (byte) 0xc3, '(', '\n'});
        assertThat(t.problems("prod")).singleElement().asString()
                .endsWith(": pf.conf: cannot read pf.conf template " + YamlFile.displayName(t.path(PF)) + ":2:3: not UTF-8 text: byte 0xc3");
    }
}
