#!/usr/bin/env python3
"""Tests of the basic ruleset optimizer (pf_optimize.py, sbin/pfctl/pfctl_optimize.c): duplicate
and subset rules go, rules are reordered inside superblocks, and what would become an automatic
table fails the load.

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_optimize.py
"""
import sys

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import PfTest, conf_file, main, run  # noqa: E402
import pf_optimize  # noqa: E402
import pf_parse  # noqa: E402
import pf_print  # noqa: E402


class OptimizerTest(PfTest):
    def test_duplicates_go(self):
        # pfctl_optimize.c remove_identical_rules
        path = conf_file("pass in on xnic proto tcp to port 22\npass in on xnic proto tcp to port 22\n")
        self.assertRun(["pfctl", "-nvf", path], 0,
                       "pass in on xnic proto tcp from any to any port = ssh flags S/SA keep state\n")
        self.assertRun(["pfctl", "-o", "none", "-nvf", path], 0,
                       "pass in on xnic proto tcp from any to any port = ssh flags S/SA keep state\n" * 2)

    def test_subset_goes(self):
        path = conf_file("block in on xnic proto tcp all\nblock in on xnic all\n")
        self.assertRun(["pfctl", "-nvf", path], 0, "block drop in on xnic all\n")

    def rules(self, text):
        conf = pf_parse.parse_config(conf_file(text), set(), "none")
        self.assertEqual(conf.errors, 0, conf.errlines)
        return conf.rules["filter"]

    def test_reorder_groups_a_shared_field(self):
        # reorder_rules: rules sharing an interface move together, ahead of the rest of their
        # superblock, once more than two share it
        rules = self.rules("pass in on xnic proto tcp to port 1\npass in on inic proto tcp to port 2\n"
                           "pass in on xnic proto tcp to port 3\npass in on inic proto tcp to port 4\n"
                           "pass in on xnic proto tcp to port 5\n")
        out = [pf_print.rule_str(r, True) for r in pf_optimize.optimize(rules)]
        self.assertEqual([line.split(" port = ")[1].split()[0] for line in out], ["1", "3", "5", "2", "4"])
        self.assertEqual([line.split()[0] for line in out], ["@0", "@1", "@2", "@3", "@4"])

    def test_a_label_is_a_barrier(self):
        # pfctl_optimize.c: labels are BARRIER fields, a rule with one is a superblock of its own
        rules = self.rules("block in on xnic proto tcp all label x\nblock in on xnic all\n")
        self.assertEqual(len(pf_optimize.optimize(rules)), 2)

    def test_automatic_tables_are_refused(self):
        # combine_rules: TABLE_THRESHOLD (6) rules differing in one address become a table
        path = conf_file("pass in on xnic proto tcp from { 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 "
                         "10.0.0.6 } to any port 22\n")
        rc, out, errs = run("pfctl", "-nf", path)
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(errs, "%s:1: the ruleset optimizer would merge these rules into an automatic table, which "
                               "is not supported by the simulated pf\n" % path)
        self.assertRun(["pfctl", "-o", "none", "-nf", path], 0)


if __name__ == "__main__":
    main()
