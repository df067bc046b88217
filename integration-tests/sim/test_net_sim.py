#!/usr/bin/python3
"""Tests of route(8) and sysctl(8) (net_sim.py), without touching the host: the ip commands are
recorded and answered here, sysctl's state and its Linux twin live in a temporary directory.
route after sbin/route/route.c (newroute's "add net default: gateway G", print_getmsg's lines,
rtmsg's err(1) for EPERM); sysctl after sbin/sysctl/sysctl.c (show_var's "NAME: VALUE", -n, -e,
parse's "NAME: OLD -> NEW", its warnings for an unknown oid, a read-only oid, a bad integer and a
refused write, after which the others go on; main's exit status, the number of failures).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_net_sim.py"""
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


class Route(unittest.TestCase):
    def setUp(self):
        self.calls, self.answers = [], {}
        patcher = mock.patch.object(net, "run", self.fake_run)
        patcher.start()
        self.addCleanup(patcher.stop)

    def fake_run(self, args, check=True, capture=True):
        self.calls.append(args)
        return self.answers.get(tuple(args), Done())

    def test_add_and_delete_default(self):
        self.assertEqual(captured(net.cmd_route, ["add", "default", "192.0.2.1"]),
                         (0, "add net default: gateway 192.0.2.1\n", ""))
        self.assertEqual(self.calls, [["ip", "route", "add", "default", "via", "192.0.2.1"]])
        self.assertEqual(captured(net.cmd_route, ["-q", "delete", "default"])[0], 0)
        self.assertEqual(captured(net.cmd_route, ["delete", "default"]), (0, "delete net default\n", ""))

    def test_get_default(self):
        self.answers[("ip", "-j", "route", "show", "default")] = Done(
            stdout=json.dumps([{"dst": "default", "gateway": "192.0.2.1", "dev": "em0"}]))
        code, out, err = captured(net.cmd_route, ["-n", "get", "default"])
        self.assertEqual((code, err), (0, ""))
        lines = out.splitlines()
        for line in ("   route to: default", "destination: default", "       mask: default", "    gateway: 192.0.2.1",
                     "  interface: em0", "      flags: <UP,GATEWAY,DONE,STATIC>"):
            self.assertIn(line, lines)

    def test_changes_need_root(self):
        with mock.patch("os.geteuid", return_value=1001):
            self.assertEqual(captured(net.cmd_route, ["add", "default", "192.0.2.1"]),
                             (1, "", "route: writing to routing socket: Operation not permitted\n"))
        self.assertEqual(self.calls, [])


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
