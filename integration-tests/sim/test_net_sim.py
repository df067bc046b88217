#!/usr/bin/python3
"""Tests of route(8) and sysctl(8) (net_sim.py), without touching the host: the ip commands are
recorded and answered here, sysctl's state and its Linux twin live in a temporary directory.
route after FreeBSD 14's sbin/route/route.c and route_netlink.c (newroute's "add net 10.30.0.0:
gateway G" and its failures, print_getmsg's lines, the exact prefix a mask asks for, EX_NOPERM for
non-root), over a fake of Linux's routing table; rc.d/routing's static_inet; sysctl after sbin/sysctl/sysctl.c (show_var's "NAME: VALUE", -n, -e,
parse's "NAME: OLD -> NEW", its warnings for an unknown oid, a read-only oid, a bad integer and a
refused write, after which the others go on; main's exit status, the number of failures).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_net_sim.py"""
import ipaddress
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import captured, fs  # sys.path, no bytecode beside the simulator

net = fs.module("net_sim")


class Done:
    def __init__(self, returncode=0, stdout="", stderr=""):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def network(route):
    return ipaddress.IPv4Network("0.0.0.0/0" if route["dst"] == "default" else route["dst"])


class FakeIp:
    """Linux's main routing table as the ip commands route uses show and change it (ip -j route
    show [exact PREFIX | match ADDRESS], ip route add/change/del, ip link show dev), recording them."""

    def __init__(self, routes, links=("em0", "inic", "lo")):
        self.routes, self.links, self.calls = [dict(r) for r in routes], set(links), []

    def __call__(self, args, check=True, capture=True):
        self.calls.append(args)
        if args[:3] == ["ip", "link", "show"]:
            return Done(0 if args[-1] in self.links else 1, stderr='Device "%s" does not exist.' % args[-1])
        if args[:4] == ["ip", "-j", "route", "show"]:
            sel, found = args[4:], self.routes
            if sel[:1] == ["exact"]:
                found = [r for r in self.routes if network(r) == ipaddress.IPv4Network(sel[1])]
            elif sel[:1] == ["match"]:
                found = [r for r in self.routes if ipaddress.IPv4Address(sel[1]) in network(r)]
            return Done(stdout=json.dumps(found))
        verb, prefix, hop = args[2], ipaddress.IPv4Network(args[3]), args[4:]
        same = [r for r in self.routes if network(r) == prefix]
        if verb == "add" and same or verb in ("change", "del") and not same:
            return Done(2, stderr="RTNETLINK answers: File exists")
        self.routes = [r for r in self.routes if r not in same]
        if verb != "del":
            dst = "default" if prefix.prefixlen == 0 else str(prefix.network_address) if prefix.prefixlen == 32 else str(prefix)
            route = {"dst": dst, "dev": hop[1]} if hop[0] == "dev" else {"dst": dst, "gateway": hop[1], "dev": "inic"}
            self.routes.append(route)
        return Done()


LAN = {"dst": "192.168.56.0/24", "dev": "inic", "protocol": "kernel", "scope": "link", "prefsrc": "192.168.56.110"}
UPLINK = {"dst": "192.0.2.0/24", "dev": "em0", "protocol": "kernel", "scope": "link", "prefsrc": "192.0.2.155"}
DEFAULT = {"dst": "default", "gateway": "192.0.2.1", "dev": "em0"}
OFFICE = {"dst": "10.30.0.0/16", "gateway": "192.168.56.1", "dev": "inic"}


class Route(unittest.TestCase):
    """FreeBSD 14's route over netlink: sbin/route/route.c newroute prints the route on standard
    output ("add net 10.30.0.0: gateway G", the destination cut at the '/'), and on failure the
    same with " fib 0: REASON" after route_netlink.c rtmsg_nl_int's warning on standard error."""

    def use(self, *routes):
        self.ip = FakeIp(routes)
        patcher = mock.patch.object(net, "run", self.ip)
        patcher.start()
        self.addCleanup(patcher.stop)

    def setUp(self):
        self.use(UPLINK, LAN, DEFAULT)

    def test_add_a_network_and_a_host_route(self):
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "10.30.0.0/16", "192.168.56.1"]),
                         (0, "add net 10.30.0.0: gateway 192.168.56.1\n", ""))
        self.assertIn(["ip", "route", "add", "10.30.0.0/16", "via", "192.168.56.1"], self.ip.calls)
        self.assertEqual(captured(net.cmd_route, ["add", "-host", "10.40.0.7", "192.168.56.2"]),
                         (0, "add host 10.40.0.7: gateway 192.168.56.2\n", ""))
        self.assertIn(["ip", "route", "add", "10.40.0.7/32", "via", "192.168.56.2"], self.ip.calls)
        # -q: nothing on standard output (newroute's qflag).
        self.assertEqual(captured(net.cmd_route, ["-q", "add", "-net", "10.50.0.0/16", "192.168.56.1"]), (0, "", ""))

    def test_adding_a_route_that_is_there_fails(self):
        self.use(UPLINK, LAN, DEFAULT, OFFICE)
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "10.30.0.0/16", "192.168.56.1"]),
                         (1, "add net 10.30.0.0: gateway 192.168.56.1 fib 0: route already in table\n",
                          "route: message indicates error: File exists\n"))
        # Another way to the same prefix would be a multipath route on FreeBSD: not simulated, and nothing changes.
        code, out, err = captured(net.cmd_route, ["add", "-net", "10.30.0.0/16", "192.168.56.2"])
        self.assertEqual((code, out), (1, ""))
        self.assertIn("not simulated", err)
        self.assertIn(OFFICE, self.ip.routes)

    def test_change_and_delete_of_a_missing_route(self):
        self.assertEqual(captured(net.cmd_route, ["change", "-net", "10.31.0.0/16", "192.168.56.1"]),
                         (1, "change net 10.31.0.0: gateway 192.168.56.1 fib 0: not in table\n",
                          "route: route has not been found\n"))
        self.assertEqual(captured(net.cmd_route, ["delete", "-net", "10.31.0.0/16"]),
                         (1, "delete net 10.31.0.0 fib 0: not in table\n", "route: route has not been found\n"))
        self.assertEqual(captured(net.cmd_route, ["-q", "delete", "-host", "10.40.0.7"]),
                         (1, "", "route: route has not been found\n"))

    def test_change_and_delete(self):
        self.use(UPLINK, LAN, DEFAULT, OFFICE)
        self.assertEqual(captured(net.cmd_route, ["change", "-net", "10.30.0.0/16", "192.168.56.9"]),
                         (0, "change net 10.30.0.0: gateway 192.168.56.9\n", ""))
        self.assertIn({"dst": "10.30.0.0/16", "gateway": "192.168.56.9", "dev": "inic"}, self.ip.routes)
        # A delete naming another gateway matches no path of the route (rt.c path_match_func).
        self.assertEqual(captured(net.cmd_route, ["delete", "-net", "10.30.0.0/16", "192.168.56.1"])[0], 1)
        self.assertEqual(captured(net.cmd_route, ["delete", "-net", "10.30.0.0/16"]), (0, "delete net 10.30.0.0\n", ""))
        self.assertEqual([r for r in self.ip.routes if r["dst"] == "10.30.0.0/16"], [])

    def test_a_gateway_reachable_only_through_the_default_route_is_refused(self):
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "10.30.0.0/16", "10.99.0.1"]),
                         (1, "add net 10.30.0.0: gateway 10.99.0.1 fib 0: Invalid argument\n",
                          "route: message indicates error: Invalid argument\n"))
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "10.30.0.0/16", "nohost"]),
                         (68, "", "route: bad address: nohost\n"))
        self.assertEqual([c for c in self.ip.calls if c[:2] == ["ip", "route"]], [])

    def test_interface_routes(self):
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "172.16.5.0/24", "-interface", "inic"]),
                         (0, "add net 172.16.5.0: gateway inic\n", ""))
        self.assertIn(["ip", "route", "add", "172.16.5.0/24", "dev", "inic"], self.ip.calls)
        code, out, err = captured(net.cmd_route, ["-n", "get", "-net", "172.16.5.0/24"])
        self.assertEqual((code, err), (0, ""))
        self.assertNotIn("gateway:", out)
        self.assertIn("  interface: inic\n      flags: <UP,DONE,STATIC>\n", out)
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "172.16.6.0/24", "-interface", "nope0"]),
                         (65, "", "route: interface 'nope0' does not exist\n"))

    def test_get_a_network_asks_for_the_exact_prefix(self):
        self.use(UPLINK, LAN, DEFAULT, OFFICE)
        code, out, err = captured(net.cmd_route, ["-n", "get", "-net", "10.30.0.0/16"])
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(out.splitlines()[:8], [
            "   route to: 10.30.0.0", "destination: 10.30.0.0", "       mask: 255.255.0.0", "    gateway: 192.168.56.1",
            "        fib: 0", "  interface: inic", "      flags: <UP,GATEWAY,DONE,STATIC>",
            " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire"])
        # The default route covers 10.31.0.0/16, but a mask asks for that prefix (RTM_F_PREFIX): exit -1.
        self.assertEqual(captured(net.cmd_route, ["-n", "get", "-net", "10.31.0.0/16"]),
                         (255, "", "route: route has not been found\n"))

    def test_get_a_host_shows_the_best_match(self):
        self.use(UPLINK, LAN, DEFAULT, OFFICE)
        code, out, _ = captured(net.cmd_route, ["-n", "get", "-host", "10.30.0.5"])
        self.assertEqual(code, 0)
        self.assertIn("destination: 10.30.0.0\n       mask: 255.255.0.0\n", out)
        self.assertEqual(captured(net.cmd_route, ["add", "-host", "10.30.0.5", "192.168.56.3"])[0], 0)
        code, out, _ = captured(net.cmd_route, ["-n", "get", "-host", "10.30.0.5"])
        self.assertIn("   route to: 10.30.0.5\ndestination: 10.30.0.5\n    gateway: 192.168.56.3\n", out)
        self.assertIn("      flags: <UP,GATEWAY,HOST,DONE,STATIC>\n", out)

    def test_add_change_and_delete_default(self):
        self.use(UPLINK, LAN)
        self.assertEqual(captured(net.cmd_route, ["add", "default", "192.0.2.1"]),
                         (0, "add net default: gateway 192.0.2.1\n", ""))
        self.assertIn(["ip", "route", "add", "0.0.0.0/0", "via", "192.0.2.1"], self.ip.calls)
        self.assertEqual(captured(net.cmd_route, ["add", "default", "192.0.2.1"]),
                         (1, "add net default: gateway 192.0.2.1 fib 0: route already in table\n",
                          "route: message indicates error: File exists\n"))
        self.assertEqual(captured(net.cmd_route, ["change", "default", "192.0.2.254"]),
                         (0, "change net default: gateway 192.0.2.254\n", ""))
        self.assertEqual(captured(net.cmd_route, ["-q", "delete", "default"]), (0, "", ""))
        self.assertEqual(captured(net.cmd_route, ["delete", "default"]),
                         (1, "delete net default fib 0: not in table\n", "route: route has not been found\n"))

    def test_get_default(self):
        code, out, err = captured(net.cmd_route, ["-n", "get", "default"])
        self.assertEqual((code, err), (0, ""))
        lines = out.splitlines()
        for line in ("   route to: default", "destination: default", "       mask: default", "    gateway: 192.0.2.1",
                     "  interface: em0", "      flags: <UP,GATEWAY,DONE,STATIC>"):
            self.assertIn(line, lines)
        self.use(UPLINK, LAN)
        self.assertEqual(captured(net.cmd_route, ["-n", "get", "default"]), (255, "", "route: route has not been found\n"))

    def test_changes_need_root(self):
        with mock.patch("os.geteuid", return_value=1001):
            # newroute: errx(EX_NOPERM) before it reads its arguments; get sets uid = 0 first.
            self.assertEqual(captured(net.cmd_route, ["add", "default", "192.0.2.1"]),
                             (77, "", "route: must be root to alter routing table\n"))
            self.assertEqual(captured(net.cmd_route, ["-n", "get", "default"])[0], 0)
        self.assertEqual([c for c in self.ip.calls if c[:2] == ["ip", "route"]], [])

    def test_usage(self):
        self.assertEqual(captured(net.cmd_route, ["add", "-bogus", "10.30.0.0/16"]),
                         (64, "", "route: bad keyword: bogus\nroute: " + net.ROUTE_USAGE + "\n"))
        self.assertEqual(captured(net.cmd_route, ["frob"]), (64, "", "route: bad keyword: frob\nroute: " + net.ROUTE_USAGE + "\n"))
        self.assertEqual(captured(net.cmd_route, ["-z", "get", "default"])[2].splitlines()[0], "route: illegal option -- z")
        self.assertEqual(captured(net.cmd_route, ["add", "-net", "10.30.0.0/33", "192.168.56.1"]),
                         (68, "", "route: bad mask length: 33\n"))

    def test_routing_start_adds_the_static_routes_then_the_default(self):
        self.use(UPLINK, LAN)
        rc = {"static_routes": "office lab:inic gone", "route_office": "-net 10.30.0.0/16 192.168.56.1",
              "route_lab": "-host 10.40.0.7 192.168.56.2", "defaultrouter": "192.0.2.1"}
        code, out, err = captured(net.routing_start, rc)
        self.assertEqual(out, "add net 10.30.0.0: gateway 192.168.56.1\nadd host 10.40.0.7: gateway 192.168.56.2\n"
                              "add net default: gateway 192.0.2.1\n")
        self.assertEqual(err, "/etc/rc: WARNING: route_gone not found.\n")
        self.assertEqual([c[2:4] for c in self.ip.calls if c[:2] == ["ip", "route"]],
                         [["add", "10.30.0.0/16"], ["add", "10.40.0.7/32"], ["add", "0.0.0.0/0"]])

    def test_routing_start_reads_punctuation_as_underscores(self):
        # network.subr get_if_var: the word a.b reads route_a_b; defaultrouter NO adds no default.
        captured(net.routing_start, {"static_routes": "a.b", "route_a_b": "-net 10.30.0.0/16 192.168.56.1",
                                     "defaultrouter": "NO"})
        self.assertEqual([c[2:4] for c in self.ip.calls if c[:2] == ["ip", "route"]], [["add", "10.30.0.0/16"]])


class Sysctl(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.forwarding = os.path.join(self.dir.name, "ip_forward")
        with open(self.forwarding, "w") as f:
            f.write("0\n")
        for patcher in (mock.patch.object(fs, "STATE", os.path.join(self.dir.name, "state")),
                        mock.patch.dict(net.SYSCTL_LINUX, {"net.inet.ip.forwarding": self.forwarding})):
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_read(self):
        self.assertEqual(captured(net.cmd_sysctl, ["kern.ostype"]), (0, "kern.ostype: FreeBSD\n", ""))
        self.assertEqual(captured(net.cmd_sysctl, ["-n", "kern.ostype", "security.jail.jailed"]), (0, "FreeBSD\n0\n", ""))

    def test_set_changes_the_linux_twin(self):
        self.assertEqual(captured(net.cmd_sysctl, ["net.inet.ip.forwarding=1"]), (0, "net.inet.ip.forwarding: 0 -> 1\n", ""))
        with open(self.forwarding) as f:
            self.assertEqual(f.read(), "1\n")
        self.assertEqual(captured(net.cmd_sysctl, ["-n", "net.inet.ip.forwarding"]), (0, "1\n", ""))

    def test_an_unknown_oid_is_warned_about_and_the_others_shown(self):
        self.assertEqual(captured(net.cmd_sysctl, ["kern.nope", "kern.ostype"]),
                         (1, "kern.ostype: FreeBSD\n", "sysctl: unknown oid 'kern.nope'\n"))

    def test_n_when_setting_prints_old_and_new_value_alone(self):
        self.assertEqual(captured(net.cmd_sysctl, ["-n", "net.inet.ip.forwarding=1"]), (0, "0 -> 1\n", ""))
        # strtol base 0: the kernel gets the int, show_var prints it in decimal.
        self.assertEqual(captured(net.cmd_sysctl, ["net.inet.ip.forwarding=0x0"]), (0, "net.inet.ip.forwarding: 1 -> 0\n", ""))

    def test_a_set_without_root_shows_the_old_value_then_fails(self):
        with mock.patch("os.geteuid", return_value=1001):
            self.assertEqual(captured(net.cmd_sysctl, ["net.inet.ip.forwarding=1"]),
                             (1, "net.inet.ip.forwarding: 0\n", "sysctl: net.inet.ip.forwarding=1: Operation not permitted\n"))
            # The exit status counts the failed arguments; the others are still shown.
            self.assertEqual(captured(net.cmd_sysctl, ["-n", "net.inet.ip.forwarding=1", "kern.nope", "kern.ostype"]),
                             (2, "0\nFreeBSD\n", "sysctl: net.inet.ip.forwarding=1: Operation not permitted\n"
                                                  "sysctl: unknown oid 'kern.nope'\n"))
        with open(self.forwarding) as f:
            self.assertEqual(f.read(), "0\n")

    def test_read_only_oids_are_refused(self):
        self.assertEqual(captured(net.cmd_sysctl, ["kern.ostype=Linux"]), (1, "", "sysctl: oid 'kern.ostype' is read only\n"))
        self.assertEqual(captured(net.cmd_sysctl, ["kern.osrelease=15.0-RELEASE", "security.jail.jailed=1"]),
                         (2, "", "sysctl: oid 'kern.osrelease' is read only\nsysctl: oid 'security.jail.jailed' is read only\n"))
        self.assertEqual(captured(net.cmd_sysctl, ["kern.ostype"]), (0, "kern.ostype: FreeBSD\n", ""))
        with mock.patch("os.geteuid", return_value=1001):  # userland's check comes before the kernel's EPERM
            self.assertEqual(captured(net.cmd_sysctl, ["kern.ostype=Linux"]), (1, "", "sysctl: oid 'kern.ostype' is read only\n"))

    def test_integer_values_are_checked(self):
        self.assertEqual(captured(net.cmd_sysctl, ["net.inet.ip.forwarding="]), (1, "", "sysctl: empty numeric value\n"))
        self.assertEqual(captured(net.cmd_sysctl, ["net.inet.ip.forwarding=yes"]), (1, "", "sysctl: invalid integer 'yes'\n"))
        self.assertEqual(captured(net.cmd_sysctl, ["-n", "net.inet.ip.forwarding"]), (0, "0\n", ""))

    def test_q_i_and_usage(self):
        self.assertEqual(captured(net.cmd_sysctl, ["-q", "kern.nope"]), (1, "", ""))
        self.assertEqual(captured(net.cmd_sysctl, ["-i", "kern.nope", "kern.ostype"]), (0, "kern.ostype: FreeBSD\n", ""))
        self.assertEqual(captured(net.cmd_sysctl, ["-e", "kern.ostype"]), (0, "kern.ostype=FreeBSD\n", ""))
        self.assertEqual(captured(net.cmd_sysctl, [])[0], 1)
        self.assertEqual(captured(net.cmd_sysctl, ["-nN", "kern.ostype"])[0], 1)
        code, _, err = captured(net.cmd_sysctl, ["-z", "kern.ostype"])
        self.assertEqual((code, err.splitlines()[0]), (1, "sysctl: illegal option -- z"))

    def test_reading_needs_no_root(self):
        with mock.patch("os.geteuid", return_value=1001):
            self.assertEqual(captured(net.cmd_sysctl, ["-n", "kern.osrelease"]), (0, "14.1-RELEASE\n", ""))


if __name__ == "__main__":
    unittest.main()
