#!/usr/bin/python3
"""Tests of the crontabs cron would load (cron_sim.py, usr.sbin/cron).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_cron_sim.py"""
import sys
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import Root, captured, fs  # sys.path, no bytecode beside the simulator

cron = fs.module("cron_sim")


class Cron(unittest.TestCase):
    def test_cron_d_backups_are_loaded(self):
        files = {"/etc/crontab": "SHELL=/bin/sh\n# comment\n*/5 * * * * root /usr/libexec/atrun\n",
                 "/etc/cron.d/uirig": "0 3 * * * root /bin/true\n",
                 "/etc/cron.d/uirig.uirig-prev": "0 4 * * * root /bin/old\n",
                 "/etc/cron.d/.hidden": "0 5 * * * root /bin/hidden\n",
                 "/var/cron/tabs/root": "@daily /bin/daily\nbad line\n"}
        with Root(files):
            self.assertEqual(cron.cron_lines(), [("/etc/crontab", "*/5 * * * * root /usr/libexec/atrun"),
                                               ("/etc/cron.d/uirig", "0 3 * * * root /bin/true"),
                                               ("/etc/cron.d/uirig.uirig-prev", "0 4 * * * root /bin/old"),
                                               ("/var/cron/tabs/root", "@daily /bin/daily")])
            code, output, _ = captured(cron.cmd_cronlines, [])
            self.assertIn("/etc/cron.d/uirig.uirig-prev: 0 4 * * * root /bin/old\n", output)


if __name__ == "__main__":
    unittest.main()
