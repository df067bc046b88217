#!/usr/bin/env python3
"""Tests of addresses as pfctl reads them (pf_addr.py): pfctl_parser.c host() and host_if() over
the simulated host's interfaces (ifa_lookup with :network, :broadcast, :0, groups and "self"),
inet_net_pton's short forms, table entries and their keys, and pfctl_radix.c's address files.

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_addr.py
"""
import sys
import unittest

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import main  # noqa: E402
import pf_addr  # noqa: E402


def texts(nodes):
    return ["%s/%d" % (pf_addr.addr_text(n["addr"], n["af"]), n["bits"]) for n in nodes]


class HostTest(unittest.TestCase):
    def setUp(self):
        self.ifs = pf_addr.Interfaces()  # pf_testing's interfaces
        self.said = []

    def host(self, text):
        return texts(pf_addr.host(self.ifs, text, self.said.append))

    def test_addresses(self):
        self.assertEqual(self.host("192.0.2.155"), ["192.0.2.155/32"])
        # inet_net_pton: "10.0.2/24" is 10.0.2.0/24; the address is masked
        self.assertEqual(self.host("10.0.2/24"), ["10.0.2.0/24"])
        self.assertEqual(self.host("10.0.2.77/24"), ["10.0.2.0/24"])
        self.assertEqual(self.host("2001:db8::1/32"), ["2001:db8::/32"])

    def test_interfaces(self):
        # host_if, ifa_lookup: an interface's addresses; :network, :broadcast; a group's members
        self.assertEqual(self.host("xnic"), ["192.0.2.155/32"])
        self.assertEqual(self.host("xnic:network"), ["192.0.2.0/24"])
        self.assertEqual(self.host("xnic:broadcast"), ["192.0.2.255/32"])
        self.assertEqual(self.host("lo0"), ["127.0.0.1/32", "::1/128"])
        self.assertEqual(self.host("bridge"), ["10.0.2.1/32"])
        self.assertEqual(len(self.host("self")), 5)
        self.assertEqual([n["ifname"] for n in pf_addr.host(self.ifs, "xnic")], ["xnic"])

    def test_errors(self):
        with self.assertRaises(pf_addr.HostError):
            pf_addr.host(self.ifs, "10.0.0.1/200", self.said.append)
        self.assertEqual(self.said, ["invalid netmask '/200'"])
        self.said.clear()
        self.assertIsNone(pf_addr.host_if(self.ifs, "xnic:network:broadcast", -1, self.said.append))
        self.assertEqual(self.said, ["illegal combination of interface modifiers"])

    def test_the_interface_table(self):
        # ifa_exists: a group or an interface; ifa_skip_if: a name, or a prefix before a unit number
        self.assertTrue(self.ifs.exists("bridge"))
        self.assertTrue(self.ifs.exists("ibridge"))
        self.assertFalse(self.ifs.exists("nosuch"))
        self.assertTrue(self.ifs.is_loopback("lo0"))
        e = {"af": 4, "name": "em1"}
        self.assertFalse(pf_addr.Interfaces.skip_if("em", e))
        self.assertTrue(pf_addr.Interfaces.skip_if("e", dict(e, name="emx")))
        self.assertTrue(pf_addr.Interfaces.skip_if("em1", {"af": "link", "name": "em1"}))


class EntryTest(unittest.TestCase):
    def test_keys(self):
        # pfctl_table.c print_addrx: the prefix only when shorter than the address
        for key in ("10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"):
            self.assertEqual(pf_addr.entry_key(pf_addr.entry_from_key(key)), key)
        self.assertEqual(pf_addr.entry_from_key("10.0.0.0/8", 1)["not"], 1)

    def test_order(self):
        # pfr_get_addrs: the IPv4 tree, then the IPv6 one; by address, the more specific first
        keys = ["2001:db8::1", "10.0.0.0/8", "10.0.0.0/16", "9.0.0.1"]
        self.assertEqual(sorted(((k, None) for k in keys), key=pf_addr.entry_order),
                         [("9.0.0.1", None), ("10.0.0.0/16", None), ("10.0.0.0/8", None), ("2001:db8::1", None)])

    def test_files(self):
        # pfr_next_token: '#' starts a comment at the start of a word
        self.assertEqual(pf_addr.file_tokens("# peers\n192.0.2.5 192.0.2.6 # two\n!10.0.0.0/8\n"),
                         ["192.0.2.5", "192.0.2.6", "!10.0.0.0/8"])
        self.assertEqual(pf_addr.load_addresses(pf_addr.Interfaces(), ["!10.0.0.0/8", "!!192.0.2.5"]),
                         [{"af": 4, "addr": 0x0a000000, "net": 8, "not": 1},
                          {"af": 4, "addr": pf_addr.v4("192.0.2.5"), "net": 32, "not": 0}])


if __name__ == "__main__":
    main()
