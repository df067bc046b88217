#!/usr/bin/env python3
"""Tests of the kernel's pf as the simulation keeps it (pf_kernel.py): /dev/pf, the tables
(sys/netpfil/pf/pf_table.c pfr_attach_table, pfr_setflags_ktable, pfr_ina_define and
pfr_commit_ktable), the states as conntrack entries (DIOCCLRSTATES, DIOCKILLSTATES) and when the
overload watcher (pf.c pf_overload_task) is wanted.

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_kernel.py
"""
import os
import sys
import unittest

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import CONNTRACK_CALLS, Done, conf_file, fs, main, replaced  # noqa: E402
import pf_kernel  # noqa: E402
import pf_parse  # noqa: E402


def kernel(text):
    """The kernel after loading TEXT (pfctl_rules' commit, as pfctl_sim.py does it)."""
    conf = pf_parse.parse_config(conf_file(text), set())
    assert not conf.errors, conf.errlines
    k = pf_kernel.empty_kernel()
    pf_kernel.commit_tables(k, conf, 1000)
    for rs in pf_parse.RULESETS:
        k["rules"][rs] = conf.rules[rs]
    pf_kernel.settle_tables(k)
    return k


class DeviceTest(unittest.TestCase):
    def test_a_jail_sees_its_own_dev(self):
        # pfctl.c pf_device "/dev/pf", under the jail's root for a jailed pfctl
        saved, old_root = os.environ.pop("UIRIG_SIM_PF_DEVICE"), fs.JROOT
        try:
            fs.JROOT = "/jails/j1"
            self.assertEqual(pf_kernel.pf_device(), "/jails/j1/dev/pf")
            fs.JROOT = ""
            self.assertEqual(pf_kernel.pf_device(), "/dev/pf")
        finally:
            os.environ["UIRIG_SIM_PF_DEVICE"], fs.JROOT = saved, old_root


class TablesTest(unittest.TestCase):
    def test_referenced_tables(self):
        # pfr_attach_table: rule addresses, translation pools and overload tables
        k = kernel("table <a> { 10.0.0.1 }\nrdr on xnic proto tcp from <r> to port 80 -> 10.0.2.20\n"
                   "pass in from <a> to <b>\npass in proto tcp to port 443 keep state "
                   "(max-src-conn-rate 10/1, overload <o> flush)\n")
        self.assertEqual(pf_kernel.referenced_tables(k), {"a", "b", "o", "r"})
        self.assertEqual(pf_kernel.overload_targets(k), {"o"})
        self.assertEqual(len(pf_kernel.rate_rules(k)), 1)

    def test_settle(self):
        # pfr_setflags_ktable: unreferenced and not persistent, a table goes; a referenced table
        # nobody defined exists, inactive; each referenced table gets an id once
        k = kernel("table <kept> persist { 10.0.0.1 }\ntable <gone> { 10.0.0.2 }\npass in from <undefined>\n")
        self.assertEqual(sorted(k["tables"]), ["kept", "undefined"])
        self.assertTrue(k["tables"]["kept"]["active"])
        self.assertFalse(k["tables"]["undefined"]["active"])
        ids = {name: t["id"] for name, t in k["tables"].items()}
        self.assertEqual((ids["kept"], ids["undefined"] > 0), (0, True))
        pf_kernel.settle_tables(k)
        self.assertEqual({name: t["id"] for name, t in k["tables"].items()}, ids)

    def test_commit_keeps_insertion_times(self):
        # pfr_ina_define + pfr_commit_ktable: an entry kept keeps its time, unless its negation changed
        k = kernel("table <t> { 10.0.0.1 10.0.0.2 }\npass in from <t>\n")
        self.assertEqual(k["tables"]["t"]["entries"], {"10.0.0.1": [0, 1000], "10.0.0.2": [0, 1000]})
        conf = pf_parse.parse_config(conf_file("table <t> { 10.0.0.1 !10.0.0.2 10.0.0.3 }\npass in from <t>\n"), set())
        pf_kernel.commit_tables(k, conf, 2000)
        self.assertEqual(k["tables"]["t"]["entries"],
                         {"10.0.0.1": [0, 1000], "10.0.0.2": [1, 2000], "10.0.0.3": [0, 2000]})
        # defined without addresses: what the table had stays
        conf = pf_parse.parse_config(conf_file("table <t>\npass in from <t>\n"), set())
        pf_kernel.commit_tables(k, conf, 3000)
        self.assertEqual(len(k["tables"]["t"]["entries"]), 3)


class StatesTest(unittest.TestCase):
    def setUp(self):
        CONNTRACK_CALLS.clear()
        self.listed = Done()
        self.listed.stdout = "a\nb\nc\n"

    def conntrack(self, *args):
        CONNTRACK_CALLS.append(args)
        return self.listed

    def test_a_state_per_mark_bit(self):
        with replaced(pf_kernel, "conntrack", self.conntrack):
            self.assertEqual(pf_kernel.count_states(), 6)
            self.assertEqual(pf_kernel.clear_states(), 6)
        self.assertEqual(CONNTRACK_CALLS, [("-L", "-m", "1/1"), ("-L", "-m", "2/2"), ("-L", "-m", "1/1"),
                                           ("-L", "-m", "2/2"), ("-D", "-m", "1/1"), ("-D", "-m", "2/2")])

    def test_kill(self):
        with replaced(pf_kernel, "conntrack", self.conntrack):
            self.assertEqual(pf_kernel.kill_states("192.0.2.7"), 6)
        self.assertEqual(CONNTRACK_CALLS[-1], ("-D", "-s", "192.0.2.7"))


class WatcherTest(unittest.TestCase):
    def test_wanted_only_for_flushing_overloads_while_enabled(self):
        k = kernel("pass in proto tcp to port 443 keep state (max-src-conn-rate 10/1, overload <o> flush)\n")
        self.assertFalse(pf_kernel.watcher_wanted(k))
        k["enabled"] = True
        self.assertTrue(pf_kernel.watcher_wanted(k))
        k = kernel("pass in proto tcp to port 443 keep state (max-src-conn-rate 10/1, overload <o>)\n")
        k["enabled"] = True
        self.assertFalse(pf_kernel.watcher_wanted(k))

    def test_a_dead_pid_is_no_watcher(self):
        self.assertFalse(pf_kernel.watcher_alive(os.getpid()))  # alive, but not pfwatch
        self.assertFalse(pf_kernel.watcher_alive(0))


if __name__ == "__main__":
    main()
