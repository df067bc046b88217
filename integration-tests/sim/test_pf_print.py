#!/usr/bin/env python3
"""Tests of how pfctl prints (pf_print.py: sbin/pfctl/pfctl_parser.c print_rule and print_tabledef,
pf_print_state.c print_addr): the seed's pf.conf through -nvf, -o none, -f, -sr, -sn, -sT and
-T show, checked against FreeBSD 14's pfctl (the expected texts were derived from
sbin/pfctl/parse.y, pfctl.c, pfctl_parser.c, pfctl_optimize.c and pfctl_table.c).

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_print.py
"""
import sys

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import (  # noqa: E402
    OPTIMIZED_ORDER, SCRUB, SN, SOURCE_ORDER, PfTest, conf_file, filter_text, main, nvf_text, run)
import pf_addr  # noqa: E402
import pf_print  # noqa: E402


class PrintTest(PfTest):
    def test_nf_is_silent(self):
        self.assertRun(["pfctl", "-nf", self.seed], 0)

    def test_nvf_prints_in_load_order(self):
        self.assertRun(["pfctl", "-nvf", self.seed], 0, nvf_text(OPTIMIZED_ORDER))

    def test_o_none_keeps_expansion_order(self):
        self.assertRun(["pfctl", "-o", "none", "-nvf", self.seed], 0, nvf_text(SOURCE_ORDER))

    def test_loaded_ruleset(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertRun(["pfctl", "-sn"], 0, SN)
        self.assertRun(["pfctl", "-sr"], 0, SCRUB + filter_text(OPTIMIZED_ORDER))
        self.assertRun(["pfctl", "-s", "rules"], 0, SCRUB + filter_text(OPTIMIZED_ORDER))
        self.assertRun(["pfctl", "-sT"], 0, "".join(n + "\n" for n in sorted(
            ["blocklist", "email", "inode_j", "ipg_j", "martians", "nodepeer", "payments", "pgpeer", "ratelimit",
             "xpeers"])))
        self.assertRun(["pfctl", "-t", "xpeers", "-T", "show"], 0, "   192.0.2.5\n")
        self.assertRun(["pfctl", "-t", "martians", "-T", "show"], 0,
                       "   0.0.0.0/8\n   10.0.0.0/8\n   127.0.0.0/8\n   169.254.0.0/16\n   172.16.0.0/12\n"
                       "   192.168.0.0/16\n")
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "show"], 0)

    def test_vf_loads_and_prints(self):
        self.load_module()
        rc, out, errs = run("pfctl", "-vf", self.seed)
        self.assertEqual(rc, 0)
        self.assertEqual(out, nvf_text(OPTIMIZED_ORDER))
        # pfctl_test_altqsupport, GENERIC has no ALTQ
        self.assertEqual(errs, "No ALTQ support in kernel\nALTQ related functions disabled\n")

    def test_n_discards_show(self):
        self.assertRun(["pfctl", "-n", "-sr"], 0)

    def test_vv_numbers_rules_and_tables(self):
        # print_rule with verbose: "@nr "; print_addr: a table as <name:tblcnt>, 0 before loading
        path = conf_file("table <t> { 10.0.0.1 }\npass in proto tcp from <t> to any port 22\n")
        self.assertRun(["pfctl", "-nvvf", path], 0,
                       "table <t> { 10.0.0.1 }\n"
                       "@0 pass in proto tcp from <t:0> to any port = ssh flags S/SA keep state\n")

    def test_numeric_ports(self):
        # -P: print_port without getservbyport
        path = conf_file("pass in proto tcp to port 22\n")
        self.assertRun(["pfctl", "-Pnvf", path], 0,
                       "pass in proto tcp from any to any port = 22 flags S/SA keep state\n")


class PrinterTest(PfTest):
    """The printers on their own."""

    def test_print_addr(self):
        a = pf_addr.node("addrmask", 4, pf_addr.v4("10.0.2.0"), 24)
        self.assertEqual(pf_print.addr_str(a, 4, False), "10.0.2.0/24")
        self.assertEqual(pf_print.addr_str(pf_addr.node("addrmask"), 0, False), "any")
        self.assertEqual(pf_print.addr_str(pf_addr.node("dynif", 0, 0, 128, ifname="xnic", iflags=8), 0, False),
                         "(xnic:0)")
        r = pf_addr.node("range", 4, pf_addr.v4("10.0.0.1"), 32, addr2=pf_addr.v4("10.0.0.9"))
        self.assertEqual(pf_print.addr_str(r, 4, False), "10.0.0.1 - 10.0.0.9")
        self.assertEqual(pf_print.addr_str(pf_addr.node("table", tblname="t"), 0, True), "<t:0>")

    def test_print_op_and_port(self):
        # print_port: a service name only for = and !=
        self.assertEqual(pf_print.port_str(2, 22, 0, "tcp", False), " port = ssh")
        self.assertEqual(pf_print.port_str(3, 53, 0, "udp", False), " port != domain")
        self.assertEqual(pf_print.port_str(6, 1024, 0, "tcp", False), " port > 1024")
        self.assertEqual(pf_print.port_str(9, 1000, 2000, "tcp", False), " port 1000:2000")
        self.assertEqual(pf_print.op_str(1, "1", "9"), " 1 >< 9")

    def test_print_tabledef(self):
        h = pf_addr.node("addrmask", 4, pf_addr.v4("10.0.0.1"), 32)
        n = dict(pf_addr.node("addrmask", 4, pf_addr.v4("10.1.0.0"), 16), **{"not": 1})
        self.assertEqual(pf_print.tabledef_text("t", ["persist", "const"], True,
                                                [{"hosts": [h, n]}, {"file": "/etc/x"}]),
                         'table <t> const persist { 10.0.0.1 !10.1.0.0/16 } file "/etc/x"')
        self.assertEqual(pf_print.tabledef_text("e", [], True, []), "table <e> { }")


if __name__ == "__main__":
    main()
