#!/usr/bin/python3
"""Tests of ifconfig's argument parsing (ifconfig_sim.py): sbin/ifconfig's keyword tables,
inet_aton(3), af_inet.c, and the messages a user who is not root gets.
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_ifconfig_sim.py"""
import sys
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import fs  # sys.path, no bytecode beside the simulator

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


if __name__ == "__main__":
    unittest.main()
