#!/usr/bin/python3
"""Tests of ifconfig (ifconfig_sim.py): sbin/ifconfig's keyword tables, inet_aton(3), af_inet.c,
the messages a user who is not root gets; lagg(4) on a fake Linux network stack (FakeIp: the ip
commands the simulator runs, answered as iproute2 and the kernel's bonding and bridge drivers
would); and vlan(4) (sbin/ifconfig/ifvlan.c, sys/net/if_vlan.c) over a fake link table that
replies as ip would. No test needs root or touches the host.
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_ifconfig_sim.py"""
import ipaddress
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import captured, fs  # sys.path, no bytecode beside the simulator

ifconfig = fs.module("ifconfig_sim")


class Ifconfig(unittest.TestCase):
    def test_inet_aton(self):
        self.assertEqual(ifconfig.inet_aton("2222"), "0.0.8.174")
        self.assertEqual(ifconfig.inet_aton("10.1"), "10.0.0.1")
        self.assertEqual(ifconfig.inet_aton("0x7f.1"), "127.0.0.1")
        self.assertEqual(ifconfig.inet_aton("010.0.0.1"), "8.0.0.1")
        self.assertIsNone(ifconfig.inet_aton("vlanhwtagx"))
        self.assertIsNone(ifconfig.inet_aton("256.1.1.1"))

    def test_second_address_is_the_destination(self):
        actions, addr = ifconfig.parse_ifconfig(["192.168.56.155/24", "vlanhwtag", "2222"])
        self.assertEqual(actions, [("vlanhwtag", None)])
        self.assertEqual((addr["addr"], addr["prefix"], addr["dst"]), ("192.168.56.155", 24, "0.0.8.174"))

    def test_flag_takes_no_argument(self):
        actions, addr = ifconfig.parse_ifconfig(["vlanhwtag", "2222"])
        self.assertEqual(actions, [("vlanhwtag", None)])
        self.assertEqual((addr["addr"], addr["prefix"]), ("0.0.8.174", None))
        self.assertEqual(ifconfig.classful_prefix("0.0.8.174"), 8)

    def test_keywords_with_arguments(self):
        actions, addr = ifconfig.parse_ifconfig(["inet", "10.0.0.1", "netmask", "255.255.255.0", "alias", "mtu", "9000",
                                           "description", "lan", "up"])
        self.assertEqual(actions, [("mtu", "9000"), ("description", "lan"), ("up", None)])
        self.assertEqual((addr["addr"], addr["mask"], addr["alias"]), ("10.0.0.1", 24, True))
        self.assertIsNone(ifconfig.parse_ifconfig(["-vlanhwtag", "down"])[1])

    def test_errors(self):
        for words, message in ((["mtu"], "'mtu' requires argument"), (["foo"], "foo: bad value"),
                               (["10.0.0.1/33"], "10.0.0.1: bad value (width too large)")):
            with self.assertRaises(ifconfig.IfconfigError) as e:
                ifconfig.parse_ifconfig(words)
            self.assertEqual(str(e.exception), message)

    def test_non_root_messages(self):
        actions, addr = ifconfig.parse_ifconfig(["10.0.0.1/24"])
        self.assertEqual(ifconfig.if_denied(actions, addr, False), "ioctl (SIOCAIFADDR): permission denied")
        self.assertEqual(ifconfig.if_denied([], None, True), "SIOCIFCREATE2: Operation not permitted")
        self.assertEqual(ifconfig.if_denied([("up", None)], None, False), "SIOCSIFFLAGS: Operation not permitted")

    def test_lagg_keywords_take_an_argument(self):
        actions, addr = ifconfig.parse_ifconfig(["laggproto", "lacp", "laggport", "em2", "-laggport", "em3",
                                                 "lacp_fast_timeout", "10.0.3.1/24"])
        self.assertEqual(actions, [("laggproto", "lacp"), ("laggport", "em2"), ("-laggport", "em3"),
                                   ("lacp_fast_timeout", None)])
        self.assertEqual((addr["addr"], addr["prefix"], addr["dst"]), ("10.0.3.1", 24, None))
        self.assertEqual(ifconfig.if_denied([("laggport", "em2")], None, False, "lagg0"),
                         "lagg0 em2: SIOCSLAGGPORT: Operation not permitted")
        self.assertEqual(ifconfig.if_denied([("laggproto", "lacp")], None, False, "lagg0"), "SIOCSLAGG: Operation not permitted")


class Done:
    def __init__(self, returncode=0, stdout="", stderr=""):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class FakeIp:
    """The links of one network namespace and the ip(8) commands the simulator sends, answered as
    Linux does: a bond enslaves only a link that is down and closes the slaves it releases
    (drivers/net/bonding/bond_main.c bond_enslave, __bond_release_one), changes its mode only down
    and without slaves, and takes its first slave's MAC address; a bridge port can be isolated."""

    def __init__(self, bonding=True):
        self.bonding = bonding
        self.links = {}
        self.calls = []
        self.add("lo", "loopback")
        for n, name in enumerate(("em0", "em2", "em3", "em4")):
            self.add(name, "ether", up=True, address="58:9c:fc:10:ff:%02x" % (0xa0 + n))

    def add(self, name, kind, up=False, address="00:00:00:00:00:00"):
        self.links[name] = {"ifindex": len(self.links) + 1, "ifname": name, "kind": kind, "up": up, "address": address,
                            "master": None, "alias": None, "mode": "balance-rr", "isolated": False, "inet": []}

    def carrier(self, l):
        if l["kind"] in ("bond", "bridge"):
            return any(s["up"] and self.carrier(s) for s in self.links.values() if s["master"] == l["ifname"])
        return l["kind"] != "loopback" or l["up"]

    def json(self, l):
        flags = ["BROADCAST", "MULTICAST"] if l["kind"] != "loopback" else ["LOOPBACK"]
        if l["master"]:
            flags.append("SLAVE" if self.links[l["master"]]["kind"] == "bond" else "")
        if l["up"]:
            flags += ["UP"] + (["LOWER_UP"] if self.carrier(l) else [])
        info = {"info_kind": {"ether": "", "veth": "veth"}.get(l["kind"], l["kind"])}
        if l["kind"] == "bond":
            info["info_data"] = {"mode": l["mode"]}
        if l["master"]:
            master = self.links[l["master"]]["kind"]
            info["info_slave_kind"] = master
            info["info_slave_data"] = {"isolated": l["isolated"]} if master == "bridge" else {"state": "ACTIVE"}
        j = {"ifindex": l["ifindex"], "ifname": l["ifname"], "flags": [f for f in flags if f], "mtu": 1500,
             "link_type": "loopback" if l["kind"] == "loopback" else "ether", "address": l["address"], "linkinfo": info,
             "addr_info": [{"family": "inet", "local": a, "prefixlen": p, "broadcast": b} for a, p, b in l["inet"]]}
        if l["master"]:
            j["master"] = l["master"]
        if l["alias"]:
            j["ifalias"] = l["alias"]
        return j

    def run(self, args, check=True, capture=True):
        self.calls.append(list(args))
        done = self.answer(list(args))
        if check and done.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(args), done.stderr.strip()))
        return done

    def missing(self, name):
        return Done(1, "", 'Device "%s" does not exist.\n' % name)

    def answer(self, a):
        if a[:4] in (["ip", "-d", "-j", "addr"], ["ip", "-j", "link", "show"]):
            if "dev" in a:
                name = a[a.index("dev") + 1]
                return Done(stdout=json.dumps([self.json(self.links[name])])) if name in self.links else self.missing(name)
            return Done(stdout=json.dumps([self.json(l) for l in self.links.values()]))
        if a[:3] == ["ip", "link", "show"]:
            return Done() if a[-1] in self.links else self.missing(a[-1])
        if a[:4] == ["ip", "-j", "route", "show"]:
            return Done(stdout="[]")
        if a[:3] == ["ip", "link", "add"]:
            if a[5] == "bond" and not self.bonding:
                return Done(2, "", "Error: Unknown device type.\n")
            self.add(a[3], a[5])
            if a[5] == "bond":
                self.links[a[3]]["mode"] = a[a.index("mode") + 1]
            return Done()
        if a[:3] == ["ip", "link", "del"]:
            for s in self.links.values():
                if s["master"] == a[3]:
                    s["master"], s["up"] = None, s["up"] and self.links[a[3]]["kind"] != "bond"
            del self.links[a[3]]
            return Done()
        if a[:3] == ["ip", "link", "set"]:
            l, rest = self.links[a[3]], a[4:]
            if rest == ["up"] or rest == ["down"]:
                l["up"] = rest == ["up"]
            elif rest[0] == "alias":
                l["alias"] = rest[1]
            elif rest[0] == "address":
                l["address"] = rest[1]
            elif rest[0] == "master":
                master = self.links[rest[1]]
                if master["kind"] == "bond" and l["up"]:
                    return Done(2, "", "Error: Device can not be enslaved while up.\n")
                if l["master"]:
                    return Done(2, "", "Error: Device is already a slave.\n")
                if master["kind"] == "bond" and not any(s["master"] == rest[1] for s in self.links.values()):
                    master["address"] = l["address"]
                l["master"] = rest[1]
                if master["kind"] == "bond":
                    l["address"] = master["address"]
            elif rest == ["nomaster"]:
                if self.links[l["master"]]["kind"] == "bond":
                    l["up"] = False
                l["master"], l["isolated"] = None, False
            elif rest[:3] == ["type", "bridge_slave", "isolated"]:
                l["isolated"] = rest[3] == "on"
            elif rest[:3] == ["type", "bond", "mode"]:
                if l["up"] or any(s["master"] == a[3] for s in self.links.values()):
                    return Done(2, "", "Error: unable to set option because the bond is up or has slaves.\n")
                l["mode"] = rest[3]
            elif rest[:3] == ["type", "bond", "primary"]:
                l["primary"] = rest[3]
            elif rest[0] == "name":
                if l["up"]:
                    return Done(2, "", "Error: Device or resource busy.\n")
                del self.links[a[3]]
                l["ifname"] = rest[1]
                self.links[rest[1]] = l
            else:
                raise AssertionError("unexpected ip command %s" % a)
            return Done()
        if a[:3] == ["ip", "addr", "add"]:
            addr, prefix = a[3].split("/")
            self.links[a[-1]]["inet"].append((addr, int(prefix), "10.0.3.255"))
            return Done()
        raise AssertionError("unexpected command %s" % a)


class Lagg(unittest.TestCase):
    """lagg(4) as sys/net/if_lagg.c and sbin/ifconfig/iflagg.c make and show it."""

    def setUp(self, bonding=True):
        self.ip = FakeIp(bonding)
        for patcher in (mock.patch.object(ifconfig, "run", self.ip.run), mock.patch("os.geteuid", return_value=0),
                        mock.patch.object(fs, "STATE", "/nonexistent/uirig-sim-test-state")):
            patcher.start()
            self.addCleanup(patcher.stop)

    def ifconfig(self, *args):
        return captured(ifconfig.cmd_ifconfig, list(args))

    def block(self, name):
        code, out, err = self.ifconfig(name)
        self.assertEqual((code, err), (0, ""))
        return out

    def test_create_prints_only_a_name_it_chose(self):
        self.assertEqual(self.ifconfig("lagg0", "create"), (0, "", ""))
        self.assertEqual(self.ifconfig("lagg", "create"), (0, "lagg1\n", ""))
        # sbin/ifconfig/ifconfig.c main: 'create' of an interface that exists is refused before any ioctl.
        self.assertEqual(self.ifconfig("lagg0", "create")[::2], (1, "ifconfig: interface lagg0 already exists\n"))
        self.assertEqual(self.ip.links["lagg0"]["mode"], "active-backup")  # LAGG_PROTO_DEFAULT: failover

    def test_a_lacp_lagg_is_shown_as_freebsd_14_shows_it(self):
        self.ifconfig("lagg0", "create")
        self.assertEqual(self.ifconfig("lagg0", "laggproto", "lacp", "laggport", "em2", "laggport", "em3", "10.0.3.1/24"),
                         (0, "", ""))
        self.assertEqual(self.ip.links["lagg0"]["mode"], "802.3ad")
        self.assertEqual(self.block("lagg0"),
                         "lagg0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
                         "\toptions=80008<VLAN_MTU,LINKSTATE>\n"
                         "\tether 58:9c:fc:10:ff:a1\n"
                         "\tinet 10.0.3.1 netmask 0xffffff00 broadcast 10.0.3.255\n"
                         "\tlaggproto lacp lagghash l2,l3,l4\n"
                         "\tlaggport: em2 flags=0<>\n"
                         "\tlaggport: em3 flags=0<>\n"
                         "\tgroups: lagg\n"
                         "\tmedia: Ethernet autoselect\n"
                         "\tstatus: active\n"
                         "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n")
        # The ports kept IFF_UP through the bond's enslaving, are no promiscuous bridge members,
        # and print nothing of the lagg (libifconfig finds no lagg status for a port).
        em2 = self.block("em2")
        self.assertTrue(em2.startswith("em2: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP>"), em2)
        self.assertNotIn("lagg", em2)
        self.assertEqual(self.ifconfig("-g", "lagg"), (0, "lagg0\n", ""))

    def test_failover_marks_its_primary_and_the_active_port(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "up", "laggport", "em3", "laggport", "em2")
        self.assertIn("\tlaggport: em2 flags=0<>\n\tlaggport: em3 flags=5<MASTER,ACTIVE>\n", self.block("lagg0"))
        self.ifconfig("em3", "down")  # lagg_link_active: the next port after the primary
        self.assertIn("\tlaggport: em2 flags=4<ACTIVE>\n\tlaggport: em3 flags=1<MASTER>\n", self.block("lagg0"))
        self.assertEqual(self.ifconfig("lagg0", "-laggport", "em3"), (0, "", ""))
        self.assertIn("\tlaggport: em2 flags=5<MASTER,ACTIVE>\n\tgroups", self.block("lagg0"))
        self.assertEqual(self.ip.links["lagg0"].get("primary"), "em2")

    def test_a_protocol_change_keeps_the_ports(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "laggport", "em2", "laggport", "em3", "up")
        self.assertEqual(self.ifconfig("lagg0", "laggproto", "roundrobin"), (0, "", ""))
        self.assertEqual((self.ip.links["lagg0"]["mode"], self.ip.links["lagg0"]["up"]), ("balance-rr", True))
        self.assertEqual([n for n, l in self.ip.links.items() if l["master"] == "lagg0"], ["em2", "em3"])
        self.assertTrue(self.ip.links["em2"]["up"] and self.ip.links["em3"]["up"])
        self.assertIn("\tlaggproto roundrobin lagghash l2,l3,l4\n\tlaggport: em2 flags=4<ACTIVE>\n"
                      "\tlaggport: em3 flags=4<ACTIVE>\n", self.block("lagg0"))
        self.ifconfig("lagg0", "laggproto", "default")
        self.assertIn("\tlaggproto failover lagghash", self.block("lagg0"))
        self.ifconfig("lagg0", "lagghash", "l4,l2")
        self.assertIn("\tlaggproto failover lagghash l2,l4\n", self.block("lagg0"))

    def test_freebsds_error_texts(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg1", "create")
        self.ifconfig("lagg0", "laggport", "em2")
        self.assertEqual(self.ifconfig("lagg0", "laggproto", "fec")[::2], (1, "ifconfig: Invalid aggregation protocol: fec\n"))
        self.assertEqual(self.ifconfig("lagg0", "lagghash", "l5")[::2], (1, "ifconfig: Invalid lagghash option: l5\n"))
        # setlaggport warns and goes on (the up after it still happens), then ifconfig exits 1.
        self.assertEqual(self.ifconfig("lagg1", "laggport", "em2", "laggport", "em9", "laggport", "lo0", "laggport", "lagg1",
                                       "laggport", "lagg0", "up"),
                         (1, "", "ifconfig: lagg1 em2: SIOCSLAGGPORT: Device busy\n"
                                 "ifconfig: lagg1 em9: SIOCSLAGGPORT: Invalid argument\n"
                                 "ifconfig: lagg1 lo0: SIOCSLAGGPORT: Protocol not supported\n"
                                 "ifconfig: lagg1 lagg1: SIOCSLAGGPORT: Invalid argument\n"
                                 "ifconfig: lagg1 lagg0: SIOCSLAGGPORT: Invalid argument\n"))
        self.assertTrue(self.ip.links["lagg1"]["up"])
        self.assertEqual(self.ifconfig("lagg0", "laggport", "em2"), (0, "", ""))  # EEXIST is no error
        self.assertEqual(self.ifconfig("em3", "laggport", "em4"), (1, "", "ifconfig: em3 em4: SIOCSLAGGPORT: Invalid argument\n"))
        self.assertEqual(self.ifconfig("lagg0", "-laggport", "em3")[::2], (1, "ifconfig: SIOCSLAGGDELPORT: No such file or directory\n"))
        self.assertEqual(self.ifconfig("lagg0", "-laggport", "em9")[::2], (1, "ifconfig: SIOCSLAGGDELPORT: Invalid argument\n"))
        self.assertEqual(self.ifconfig("lagg7", "laggproto", "lacp")[::2], (1, "ifconfig: interface lagg7 does not exist\n"))
        self.assertEqual(self.ifconfig("em3", "laggproto", "lacp")[::2], (1, "ifconfig: SIOCSLAGG: Invalid argument\n"))

    def test_at_most_32_ports(self):
        self.ifconfig("lagg0", "create")
        for n in range(33):
            self.ip.add("igb%d" % n, "ether", up=True, address="02:00:00:00:00:%02x" % n)
        words = [w for n in range(33) for w in ("laggport", "igb%d" % n)]
        self.assertEqual(self.ifconfig("lagg0", *words), (1, "", "ifconfig: lagg0 igb32: SIOCSLAGGPORT: No space left on device\n"))

    def test_ports_leave_up_when_the_lagg_is_destroyed(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "laggport", "em2", "laggport", "em3")
        self.ifconfig("em3", "down")
        self.assertEqual(self.ifconfig("lagg0", "destroy"), (0, "", ""))
        self.assertNotIn("lagg0", self.ip.links)
        self.assertEqual((self.ip.links["em2"]["up"], self.ip.links["em3"]["up"]), (True, False))
        self.assertEqual((self.ip.links["em2"]["master"], self.ip.links["em3"]["master"]), (None, None))


class LaggWithoutBonding(Lagg):
    """The same on a kernel without bonding: a bridge whose ports are isolated from each other."""

    def setUp(self):
        super().setUp(bonding=False)

    def test_the_stand_in_is_a_bridge_with_isolated_ports(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "laggproto", "broadcast", "laggport", "em2", "laggport", "em3", "up")
        lagg = self.ip.links["lagg0"]
        self.assertEqual(lagg["kind"], "bridge")
        self.assertEqual(lagg["address"], self.ip.links["em2"]["address"])  # the first port's MAC address
        self.assertTrue(self.ip.links["em2"]["isolated"] and self.ip.links["em3"]["isolated"])
        out = self.block("lagg0")
        self.assertIn("\tlaggproto broadcast lagghash l2,l3,l4\n\tlaggport: em2 flags=4<ACTIVE>\n"
                      "\tlaggport: em3 flags=4<ACTIVE>\n\tgroups: lagg\n", out)
        self.assertNotIn("groups: bridge", out)
        self.assertNotIn("PROMISC", self.block("em2"))

    # Tests of the bond's mode and primary do not apply to the bridge.
    def test_create_prints_only_a_name_it_chose(self):
        self.assertEqual(self.ifconfig("lagg0", "create"), (0, "", ""))
        self.assertEqual(self.ip.links["lagg0"]["kind"], "bridge")

    def test_a_lacp_lagg_is_shown_as_freebsd_14_shows_it(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "laggproto", "lacp", "laggport", "em2")
        self.assertIn("\tlaggproto lacp lagghash l2,l3,l4\n\tlaggport: em2 flags=0<>\n", self.block("lagg0"))

    def test_failover_marks_its_primary_and_the_active_port(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "up", "laggport", "em3", "laggport", "em2")
        self.assertIn("\tlaggport: em2 flags=0<>\n\tlaggport: em3 flags=5<MASTER,ACTIVE>\n", self.block("lagg0"))

    def test_a_protocol_change_keeps_the_ports(self):
        self.ifconfig("lagg0", "create")
        self.ifconfig("lagg0", "laggport", "em2", "up")
        self.ifconfig("lagg0", "laggproto", "roundrobin")
        self.assertIn("\tlaggproto roundrobin lagghash l2,l3,l4\n\tlaggport: em2 flags=4<ACTIVE>\n", self.block("lagg0"))


class Done:
    def __init__(self, returncode=0, stdout="", stderr=""):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


class FakeLinux:
    """The Linux side of the simulated host, in memory: links as 'ip -d -j addr show' prints them,
    changed by the ip commands ifconfig_sim sends (each recorded). Like Linux it refuses a second
    link of a name, and without 802.1Q in the kernel 'type vlan' is an unknown device type."""

    def __init__(self, has_8021q=True):
        self.links, self.calls, self.has_8021q, self.index = [], [], has_8021q, 0

    def add(self, name, info_kind=None, flags=("BROADCAST", "MULTICAST", "UP", "LOWER_UP"), **more):
        self.index += 1
        link = {"ifindex": self.index, "ifname": name, "flags": list(flags), "mtu": 1500, "link_type": "ether",
                "address": "08:00:27:aa:bb:%02x" % self.index, "addr_info": []}
        if info_kind:
            link["linkinfo"] = {"info_kind": info_kind}
        link.update(more)
        self.links.append(link)
        return link

    def get(self, name):
        return next((l for l in self.links if l["ifname"] == name), None)

    def run(self, args, check=True, capture=True):
        self.calls.append(args)
        r = self.answer(args)
        if check and r.returncode != 0:
            raise RuntimeError("%s: %s" % (" ".join(args), r.stderr.strip()))
        return r

    def answer(self, args):
        a = list(args)
        if a == ["ip", "-d", "-j", "addr", "show"]:
            return Done(stdout=json.dumps(self.links))
        if a[:6] == ["ip", "-d", "-j", "addr", "show", "dev"]:
            link = self.get(a[6])
            return Done(stdout=json.dumps([link])) if link else Done(1, stderr='Device "%s" does not exist.\n' % a[6])
        if a[:3] == ["ip", "link", "show"] or a[:4] == ["ip", "-j", "link", "show"]:
            link = self.get(a[-1])
            return Done(stdout=json.dumps([link])) if link else Done(1, stderr='Device "%s" does not exist.\n' % a[-1])
        if a[:4] == ["ip", "-j", "route", "show"]:
            return Done(stdout="[]")
        if a[:4] == ["ip", "link", "add", "link"]:
            parent, name, kind = self.get(a[4]), a[6], a[8]
            if kind == "vlan" and not self.has_8021q:
                return Done(2, stderr="Error: Unknown device type.\n")
            if self.get(name):
                return Done(2, stderr="RTNETLINK answers: File exists\n")
            link = self.add(name, kind, flags=("BROADCAST", "MULTICAST"), link=parent["ifname"])
            if kind == "vlan":
                link["address"] = parent["address"]
                link["linkinfo"]["info_data"] = {"protocol": a[12], "id": int(a[10])}
            else:
                link["address"] = "02:00:00:00:00:%02x" % link["ifindex"]
            return Done()
        if a[:3] == ["ip", "link", "set"] and len(a) >= 5:
            link = self.get(a[3])
            if a[4] == "alias":
                link["ifalias"] = a[5]
            elif a[4] == "up":
                link["flags"] = [f for f in link["flags"] if f != "UP"] + ["UP"]
                parent = self.get(link.get("link")) if link.get("link") else link
                if "LOWER_UP" in (parent or {}).get("flags", []) and "LOWER_UP" not in link["flags"]:
                    link["flags"].append("LOWER_UP")
            elif a[4] == "down":
                link["flags"] = [f for f in link["flags"] if f not in ("UP", "LOWER_UP")]
            elif a[4] == "name":
                for other in self.links:
                    if other.get("link") == a[3]:
                        other["link"] = a[5]
                link["ifname"] = a[5]
            return Done()
        if a[:3] == ["ip", "link", "del"]:
            # Linux deletes the vlans of a link with it.
            self.links = [l for l in self.links if l["ifname"] != a[3] and l.get("link") != a[3]]
            return Done()
        if a[:3] == ["ip", "addr", "add"]:
            net = ipaddress.ip_interface(a[3])
            self.get(a[-1])["addr_info"].append({"family": "inet", "local": str(net.ip), "prefixlen": net.network.prefixlen,
                                                 "broadcast": str(net.network.broadcast_address)})
            return Done()
        raise AssertionError("unexpected command %s" % a)


class Vlan(unittest.TestCase):
    """vlan(4) as ifconfig makes and shows it, on an em0 and an inic (renamed em1) that exist."""

    def setUp(self):
        self.linux = FakeLinux()
        self.linux.add("lo", flags=("LOOPBACK", "UP", "LOWER_UP"), link_type="loopback")
        self.linux.add("em0")
        self.linux.add("inic")
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.untagged = os.path.join(self.dir.name, "untagged")
        for patcher in (mock.patch.object(ifconfig, "run", self.linux.run), mock.patch("os.geteuid", return_value=0),
                        mock.patch.object(fs, "STATE", os.path.join(self.dir.name, "state")),
                        mock.patch.object(ifconfig, "VLAN_UNTAGGED", self.untagged)):
            patcher.start()
            self.addCleanup(patcher.stop)

    def ifconfig(self, *args):
        return captured(ifconfig.cmd_ifconfig, list(args))

    def added(self):
        return [c for c in self.linux.calls if c[:3] == ["ip", "link", "add"]]

    def test_a_lagg_carries_vlans_it_is_an_ethernet_interface(self):
        # if_lagg.c lagg_clone_create gives a lagg if_type IFT_ETHER, which vlan_config accepts as a parent;
        # a bridge (IFT_BRIDGE) it refuses.
        self.linux.add("lagg0", "bond", ifalias=ifconfig.LAGG_ALIAS + " proto=failover hash=l2,l3,l4")
        self.linux.add("bridge0", "bridge")
        self.assertEqual(self.ifconfig("vlan100", "create", "vlan", "100", "vlandev", "lagg0"), (0, "", ""))
        self.assertEqual(self.added()[-1][:6], ["ip", "link", "add", "link", "lagg0", "name"])
        code, _, err = self.ifconfig("vlan200", "create", "vlan", "200", "vlandev", "bridge0")
        self.assertEqual((code, err), (1, "ifconfig: SIOCIFCREATE2 (vlan200): Protocol not supported\n"))

    def test_the_untagged_stand_in_cannot_sit_on_a_bridge_member_and_says_why(self):
        self.linux.has_8021q = False
        open(self.untagged, "w").close()
        real = self.linux.answer

        def busy_macvlan(args):
            if list(args)[:4] == ["ip", "link", "add", "link"] and "macvlan" in args:
                return Done(2, stderr="RTNETLINK answers: Device or resource busy\n")
            return real(args)
        self.linux.answer = busy_macvlan
        code, _, err = self.ifconfig("vlan100", "create", "vlan", "100", "vlandev", "inic")
        self.assertEqual(code, 1)
        self.assertIn("cannot sit on inic, which is a bridge member", err)

    def test_a_vlan_is_an_8021q_link_on_its_parent_shown_as_ifvlan_c_prints_it(self):
        self.assertEqual(self.ifconfig("vlan100", "create", "vlan", "100", "vlandev", "inic"), (0, "", ""))
        self.assertEqual(self.added(), [["ip", "link", "add", "link", "inic", "name", "vlan100", "type", "vlan", "id", "100",
                                         "protocol", "802.1Q"]])
        code, out, err = self.ifconfig("vlan100")
        self.assertEqual((code, err), (0, ""))
        # Created down: RUNNING (it has a parent) and the parent's LOWER_UP, without UP.
        self.assertEqual(out.splitlines()[0], "vlan100: flags=1008842<BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500")
        self.assertEqual(self.ifconfig("vlan100", "inet", "10.100.0.1/24")[0], 0)
        self.assertEqual(self.ifconfig("vlan100", "up")[0], 0)
        self.assertEqual(self.ifconfig("vlan100"), (0, "vlan100: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP>"
                                                       " metric 0 mtu 1500\n"
                                                       "\toptions=80000<LINKSTATE>\n"
                                                       "\tether 08:00:27:aa:bb:03\n"
                                                       "\tinet 10.100.0.1 netmask 0xffffff00 broadcast 10.100.0.255\n"
                                                       "\tgroups: vlan\n"
                                                       "\tvlan: 100 vlanproto: 802.1q vlanpcp: 0 parent interface: inic\n"
                                                       "\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n"
                                                       "\tstatus: active\n"
                                                       "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n", ""))
        self.assertEqual(self.ifconfig("-g", "vlan"), (0, "vlan100\n", ""))

    def test_any_other_name_is_the_next_vlan_unit_renamed_and_a_dotted_name_is_parent_and_tag(self):
        self.assertEqual(self.ifconfig("vlan", "create", "vlan", "200", "vlandev", "inic", "name", "storage"), (0, "storage\n", ""))
        # storage keeps unit 0 (if_clone.c): the next vlan the kernel names is vlan1, printed as ifclone.c does.
        self.assertEqual(self.ifconfig("vlan", "create", "vlandev", "inic", "vlan", "300", "vlanproto", "802.1ad"), (0, "vlan1\n", ""))
        self.assertEqual(self.ifconfig("inic.7", "create"), (0, "", ""))
        self.assertEqual([c[5:] for c in self.added()], [["name", "vlan0", "type", "vlan", "id", "200", "protocol", "802.1Q"],
                                                         ["name", "vlan1", "type", "vlan", "id", "300", "protocol", "802.1ad"],
                                                         ["name", "inic.7", "type", "vlan", "id", "7", "protocol", "802.1Q"]])
        shown = {name: self.ifconfig(name)[1] for name in ("storage", "vlan1", "inic.7")}
        self.assertIn("\tvlan: 200 vlanproto: 802.1q vlanpcp: 0 parent interface: inic\n", shown["storage"])
        self.assertIn("\tvlan: 300 vlanproto: 802.1ad vlanpcp: 0 parent interface: inic\n", shown["vlan1"])
        self.assertIn("\tvlan: 7 vlanproto: 802.1q vlanpcp: 0 parent interface: inic\n", shown["inic.7"])

    def test_freebsds_errors_for_tags_parents_and_names(self):
        self.linux.add("xbridge", "bridge")
        self.assertEqual(self.ifconfig("vlan100", "create", "vlan", "100", "vlandev", "inic")[0], 0)
        for args, message in (
                (["vlan5", "create", "vlan", "0", "vlandev", "inic"], "SIOCIFCREATE2 (vlan5): Invalid argument"),
                (["vlan5", "create", "vlan", "4095", "vlandev", "inic"], "SIOCIFCREATE2 (vlan5): Invalid argument"),
                (["vlan5", "create", "vlan", "70000", "vlandev", "inic"], "value for vlan out of range"),
                (["vlan5", "create", "vlan", "ten", "vlandev", "inic"], "invalid value for vlan"),
                (["vlan5", "create", "vlan", "5", "vlandev", "em7"], "SIOCIFCREATE2 (vlan5): Device not configured"),
                (["vlan5", "create", "vlan", "5", "vlandev", "xbridge"], "SIOCIFCREATE2 (vlan5): Protocol not supported"),
                (["vlan5", "create", "vlan", "100", "vlandev", "inic"], "SIOCIFCREATE2 (vlan5): File exists"),
                (["vlan5", "create", "vlan", "5"], "must specify a parent device for vlan create"),
                (["vlan5", "create", "vlandev", "inic"], "must specify a tag for vlan create"),
                (["vlan05", "create", "vlan", "5", "vlandev", "inic"], "SIOCIFCREATE2 (vlan05): Device not configured"),
                # No cloner takes the name: ifclone.c sends no parameters, if_clone.c refuses.
                (["storage", "create", "vlan", "5", "vlandev", "inic"], "SIOCIFCREATE2: Invalid argument"),
                (["inic.4095", "create"], "invalid vlan tag"),
                (["inic.7", "create", "vlan", "8", "vlandev", "inic"], "ambiguous vlan specification"),
                (["vlan5", "create", "vlan", "5", "vlandev", "inic", "vlanproto", "802.3"], "invalid value for vlanproto"),
                (["vlan100", "create"], "interface vlan100 already exists"),
                # create of an existing interface is dropped; its vlan words then ask the kernel to move it.
                (["vlan100", "create", "vlan", "100", "vlandev", "inic"], "SIOCSETVLAN: Device busy"),
                (["vlan100", "vlan", "101"], "SIOCSETVLAN: Device busy"),
                (["em0", "vlan", "5"], "both vlan and vlandev must be specified")):
            self.assertEqual(self.ifconfig(*args), (1, "", "ifconfig: " + message + "\n"), args)
        self.assertEqual(len(self.added()), 1)
        # On an interface that is no vlan, SIOCGETVLAN fails: nothing is sent, nothing said.
        self.assertEqual(self.ifconfig("em0", "vlan", "5", "vlandev", "inic"), (0, "", ""))

    def test_destroy_takes_a_vlan_that_carries_no_other_and_no_interface_a_cloner_did_not_make(self):
        self.ifconfig("vlan100", "create", "vlan", "100", "vlandev", "inic")
        self.assertEqual(self.ifconfig("vlan7", "create", "vlan", "7", "vlandev", "vlan100"), (0, "", ""))
        self.assertEqual(self.ifconfig("vlan100", "destroy"), (1, "", "ifconfig: SIOCIFDESTROY: Device busy\n"))
        self.assertEqual(self.ifconfig("inic", "destroy"), (1, "", "ifconfig: SIOCIFDESTROY: Invalid argument\n"))
        self.assertEqual(self.ifconfig("vlan7", "destroy"), (0, "", ""))
        self.assertEqual(self.ifconfig("vlan100", "destroy"), (0, "", ""))
        self.assertEqual(self.ifconfig("vlan100"), (1, "", "ifconfig: interface vlan100 does not exist\n"))
        self.assertEqual([l["ifname"] for l in self.linux.links], ["lo", "em0", "inic"])

    def test_a_kernel_without_8021q_refuses_unless_the_untagged_stand_in_is_asked_for(self):
        self.linux.has_8021q = False
        code, out, err = self.ifconfig("vlan100", "create", "vlan", "100", "vlandev", "inic")
        self.assertEqual((code, out), (1, ""))
        self.assertTrue(err.startswith("ifconfig: SIOCIFCREATE2 (vlan100): this Linux kernel has no 802.1Q"), err)
        open(self.untagged, "w").close()
        self.assertEqual(self.ifconfig("vlan", "create", "vlan", "100", "vlandev", "inic", "name", "storage"), (0, "storage\n", ""))
        self.assertEqual(self.linux.get("storage")["linkinfo"]["info_kind"], "macvlan")
        out = self.ifconfig("storage")[1]
        # Shown as the vlan it stands for, with its parent's link-level address.
        self.assertIn("\tether 08:00:27:aa:bb:03\n", out)
        self.assertIn("\tgroups: vlan\n\tvlan: 100 vlanproto: 802.1q vlanpcp: 0 parent interface: inic\n", out)
        self.assertEqual(self.ifconfig("vlan5", "create", "vlan", "100", "vlandev", "inic"),
                         (1, "", "ifconfig: SIOCIFCREATE2 (vlan5): File exists\n"))


if __name__ == "__main__":
    unittest.main()
