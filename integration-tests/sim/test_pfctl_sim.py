#!/usr/bin/env python3
"""Tests of pfctl (pfctl_sim.py): its command line and the order it acts in (sbin/pfctl/pfctl.c
main), -e/-d/-s Running/-F/-k, and pfctl -t TABLE -T COMMAND with pfctl_table.c's counts and
feedback, checked against FreeBSD 14's pfctl.

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pfctl_sim.py
"""
import os
import sys

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import (  # noqa: E402
    CONNTRACK_CALLS, ETC, NFT_SCRIPTS, SN, Done, PfTest, conf_file, main, pf_kernel, replaced)

ALTQ = "No ALTQ support in kernel\nALTQ related functions disabled\n"  # -v: pfctl_test_altqsupport


class RunningTest(PfTest):
    def test_enable_disable(self):
        self.load_module()
        self.assertRun(["pfctl", "-s", "Running"], 1, "Disabled\n")
        self.assertRun(["pfctl", "-d"], 1, "", "pfctl: pf not enabled\n")
        self.assertRun(["pfctl", "-e"], 0, "", "pf enabled\n")
        self.assertRun(["pfctl", "-e"], 1, "", "pfctl: pf already enabled\n")
        self.assertRun(["pfctl", "-s", "Running"], 0, "Enabled\n")
        self.assertRun(["pfctl", "-q", "-d"], 0)
        self.assertRun(["pfctl", "-s", "Running"], 1, "Disabled\n")

    def test_enable_after_load(self):
        # pfctl.c main: -f before -e
        self.load_module()
        self.assertRun(["pfctl", "-e", "-f", self.seed], 0, "", "pf enabled\n")
        script = NFT_SCRIPTS[-1]
        self.assertIn("hook prerouting", script)
        self.assertIn("hook postrouting", script)
        self.assertIn("masquerade", script)
        self.assertIn("dnat", script)

    def test_last_match_wins_unless_quick(self):
        # pf.c pf_test_rule: the first matching quick rule, else the last matching rule
        self.load_module()
        path = conf_file("block all\npass in on xnic proto tcp to port 22\npass in quick on xnic proto tcp to port 80\n")
        self.assertRun(["pfctl", "-f", path], 0)
        chain = [line for line in NFT_SCRIPTS[-1].splitlines() if line.startswith("add rule inet pf p_l3_in ")]
        verdicts = [line for line in chain if "dport" in line or line.endswith("p_l3_in drop")]
        self.assertEqual(len(verdicts), 3, chain)
        self.assertIn("th dport 80 tcp flags & (syn|ack) == syn goto", verdicts[0])
        self.assertIn("th dport 22 tcp flags & (syn|ack) == syn goto", verdicts[1])
        self.assertTrue(verdicts[2].endswith(" drop"))

    def test_disabled_has_no_hooks(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertNotIn("hook", NFT_SCRIPTS[-1])

    def test_flush(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertRun(["pfctl", "-F", "rules"], 0, "", "rules cleared\n")
        self.assertRun(["pfctl", "-sr"], 0)
        self.assertRun(["pfctl", "-sn"], 0, SN)
        # pf_table.c pfr_setflags_ktable: unreferenced, not persistent tables go; rdr keeps <xpeers>
        self.assertRun(["pfctl", "-sT"], 0, "xpeers\n")
        self.assertRun(["pfctl", "-F", "nat"], 0, "", "nat cleared\n")
        self.assertRun(["pfctl", "-sT"], 0)

    def test_flush_all(self):
        # pfctl.c main, -F all: pfctl_flush_eth_rules, pfctl_flush_rules, pfctl_flush_nat,
        # pfctl_clear_tables, pfctl_clear_states, pfctl_clear_src_nodes, pfctl_clear_stats,
        # pfctl_clear_interface_flags, in that order
        self.load_module()
        self.assertRun(["pfctl", "-F", "all"], 0, "",
                       "Ethernet rules cleared\nrules cleared\nnat cleared\n0 tables deleted.\n0 states cleared\n"
                       "source tracking entries cleared\npf: statistics cleared\npf: interface flags reset\n")
        self.assertRun(["pfctl", "-q", "-F", "all"], 0)

    def test_states_are_conntrack_entries(self):
        # one pf state per mark bit of a conntrack entry (pf_kernel.py): -F states counts and
        # deletes both directions' states
        self.load_module()
        listed = Done()
        listed.stdout = "one\ntwo\n"
        with replaced(pf_kernel, "conntrack", lambda *args: CONNTRACK_CALLS.append(args) or listed):
            self.assertRun(["pfctl", "-F", "states"], 0, "", "4 states cleared\n")
            self.assertIn(("-D", "-m", "1/1"), CONNTRACK_CALLS)
            self.assertIn(("-D", "-m", "2/2"), CONNTRACK_CALLS)
            CONNTRACK_CALLS.clear()
            self.assertRun(["pfctl", "-k", "192.0.2.7", "-k", "10.0.2.20"], 0, "",
                           "killed 4 states from 1 sources and 1 destinations\n")
            self.assertEqual(CONNTRACK_CALLS[-1], ("-D", "-s", "192.0.2.7", "-d", "10.0.2.20"))

    def test_show_tables_verbose(self):
        # pfctl_table.c print_table: the flags c p a i r h C (i and h are never set here); -v also
        # says that GENERIC has no ALTQ (pfctl_test_altqsupport)
        self.load_module()
        path = conf_file("table <kept> persist { 10.0.0.1 }\ntable <used> const { 10.0.0.2 }\npass from <used>\n")
        self.assertRun(["pfctl", "-f", path], 0)
        self.assertRun(["pfctl", "-vsT"], 0, "-pa----\tkept\nc-a-r--\tused\n", ALTQ)

    def test_command_line(self):
        self.load_module()
        usage = ("usage: pfctl [-AdeghMmNnOPqRrvz] [-a anchor] [-D macro=value] [-F modifier]\n"
                 "\t[-f file] [-i interface] [-K host | network]\n"
                 "\t[-k host | network | gateway | label | id] [-o level] [-p device]\n"
                 "\t[-s modifier] [-t table -T command [address ...]] [-x level]\n")
        self.assertRun(["pfctl"], 1, "", usage)
        self.assertRun(["pfctl", "-s", "bogus"], 1, "", "pfctl: Unknown show modifier 'bogus'\n" + usage)
        self.assertRun(["pfctl", "-sr", "extra"], 1, "", "pfctl: unknown command line argument: extra ...\n" + usage)
        self.assertRun(["pfctl", "-t", "t"], 1, "", usage)
        # pfctl_lookup_option: an abbreviation is the first option it begins
        self.assertRun(["pfctl", "-s", "Run"], 1, "Disabled\n")


class TableTest(PfTest):
    def setUp(self):
        PfTest.setUp(self)
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)

    def test_add_delete_show(self):
        t = ["pfctl", "-t", "ratelimit", "-T"]
        self.assertRun(t + ["add", "192.0.2.7"], 0, "", "1/1 addresses added.\n")
        self.assertRun(t + ["add", "192.0.2.7", "10.9.0.0/16"], 0, "", "1/2 addresses added.\n")
        self.assertRun(t + ["show"], 0, "   10.9.0.0/16\n   192.0.2.7\n")
        self.assertRun(t + ["test", "192.0.2.7"], 0, "", "1/1 addresses match.\n")
        self.assertRun(t + ["delete", "10.9.0.0/16", "1.2.3.4"], 0, "", "1/2 addresses deleted.\n")
        self.assertRun(t + ["replace", "192.0.2.8"], 0, "", "1 addresses added.\n1 addresses deleted.\n")
        self.assertRun(t + ["replace", "192.0.2.8"], 0, "", "no changes.\n")
        self.assertRun(t + ["flush"], 0, "", "1 addresses deleted.\n")
        self.assertRun(t + ["show"], 0)

    def test_missing_table(self):
        # pfctl_table.c radix_perror + main's exit(error) with error = -1
        self.assertRun(["pfctl", "-t", "nosuch", "-T", "show"], 255, "", "pfctl: Table does not exist.\n")
        self.assertRun(["pfctl", "-t", "nosuch", "-T", "add", "10.0.0.1"], 0, "",
                       "1 table created.\n1/1 addresses added.\n")
        self.assertRun(["pfctl", "-t", "nosuch", "-T", "show"], 0, "   10.0.0.1\n")

    def test_noaction_counts(self):
        # xprintf: " (dummy)." with -n when /dev/pf exists
        self.assertRun(["pfctl", "-n", "-t", "ratelimit", "-T", "add", "192.0.2.7"], 0, "",
                       "1/1 addresses added (dummy).\n")
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "show"], 0)

    def age(self, table, key, seconds):
        with pf_kernel.kernel_state() as st:
            st.data["tables"][table]["entries"][key][1] -= seconds

    def test_expire(self):
        t = ["pfctl", "-t", "ratelimit", "-T"]
        self.assertRun(t + ["add", "192.0.2.7", "192.0.2.8"], 0, "", "2/2 addresses added.\n")
        self.age("ratelimit", "192.0.2.7", 100)
        self.assertRun(t + ["expire", "50"], 0, "", "1/1 addresses expired.\n")
        self.assertRun(t + ["show"], 0, "   192.0.2.8\n")
        self.assertRun(t + ["expire", "50"], 0, "", "0/0 addresses expired.\n")
        # re-adding an address keeps its insertion time (pf_table.c pfr_add_addrs: ADDED only if new)
        self.age("ratelimit", "192.0.2.8", 100)
        self.assertRun(t + ["add", "192.0.2.8"], 0, "", "0/1 addresses added.\n")
        self.assertRun(t + ["expire", "50"], 0, "", "1/1 addresses expired.\n")

    def test_reload_keeps_runtime_contents(self):
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "add", "192.0.2.7"], 0, "", "1/1 addresses added.\n")
        self.assertRun(["pfctl", "-t", "xpeers", "-T", "add", "192.0.2.99"], 0, "", "1/1 addresses added.\n")
        with open(os.path.join(ETC, "ips_xnic_peers"), "w") as f:
            f.write("192.0.2.6\n")
        self.assertRun(["pfctl", "-f", self.seed], 0)
        # a table defined without addresses keeps what it had; a file table gets the file's
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "show"], 0, "   192.0.2.7\n")
        self.assertRun(["pfctl", "-t", "xpeers", "-T", "show"], 0, "   192.0.2.6\n")

    def test_kill(self):
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "kill"], 0, "", "1 table deleted.\n")

    def test_feedback(self):
        # pfctl_table.c print_addrx: with -v the entries that changed, with -vv all of them, each
        # with its feedback (pf_table.c pfr_add_addrs, pfr_del_addrs, pfr_tst_addrs: A added,
        # X duplicate, Y conflict, M match)
        t = ["-t", "ratelimit", "-T"]
        self.assertRun(["pfctl", "-v"] + t + ["add", "192.0.2.7", "192.0.2.7"], 0, "A  192.0.2.7\nX  192.0.2.7\n",
                       ALTQ + "1/2 addresses added.\n")
        self.assertRun(["pfctl", "-vv"] + t + ["add", "192.0.2.7", "!192.0.2.9"], 0, "   192.0.2.7\nA !192.0.2.9\n",
                       ALTQ + "1/2 addresses added.\n")
        self.assertRun(["pfctl", "-v"] + t + ["delete", "!192.0.2.7"], 0, "Y !192.0.2.7\n",
                       ALTQ + "0/1 addresses deleted.\n")
        self.assertRun(["pfctl", "-v"] + t + ["test", "192.0.2.7", "192.0.2.8"], 2, "M  192.0.2.7\n",
                       ALTQ + "1/2 addresses match.\n")

    def test_test_takes_hosts_only(self):
        # pfctl_table.c load_addr(nonetwork) and pfctl_parser.c append_addr_host: -T test takes
        # hosts only; the failure is pfctl_table's error, exit 255
        self.assertRun(["pfctl", "-t", "martians", "-T", "test", "10.1.2.3"], 0, "", "1/1 addresses match.\n")
        self.assertRun(["pfctl", "-t", "martians", "-T", "test", "10.0.0.0/8"], 255, "",
                       "pfctl: cannot decode 10.0.0.0/8: Invalid argument\n")

    def test_const_table(self):
        path = conf_file("table <c> const { 10.0.0.1 }\npass from <c>\n")
        self.assertRun(["pfctl", "-f", path], 0)
        self.assertRun(["pfctl", "-t", "c", "-T", "add", "10.0.0.2"], 255, "", "pfctl: Operation not permitted.\n")
        self.assertRun(["pfctl", "-t", "c", "-T", "show"], 0, "   10.0.0.1\n")


if __name__ == "__main__":
    main()
