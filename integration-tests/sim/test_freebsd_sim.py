#!/usr/bin/python3
"""Tests of the dispatcher (freebsd_sim.py): the harness switch hold.
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_freebsd_sim.py"""
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import fs  # sys.path, no bytecode beside the simulator


class Hold(unittest.TestCase):
    """The harness switch that keeps a matching command waiting while a test acts."""

    def test_skip_then_hold_until_released(self):
        d = tempfile.mkdtemp()
        old, fs.HOLD = fs.HOLD, os.path.join(d, "hold")
        try:
            with open(fs.HOLD, "w") as f:
                f.write("pfctl -s Running\n1\n")
            fs.hold("pfctl", ["-s", "Running"])  # the first one passes
            fs.hold("pfctl", ["-t", "x", "-T", "show"])  # no match: passes
            waiter = threading.Thread(target=fs.hold, args=("pfctl", ["-s", "Running"]))
            waiter.start()
            for _ in range(100):
                if os.path.exists(fs.HOLD + ".held"):
                    break
                time.sleep(0.02)
            with open(fs.HOLD + ".held") as f:
                self.assertEqual(f.read(), "pfctl -s Running\n")
            self.assertTrue(waiter.is_alive())
            os.unlink(fs.HOLD)
            waiter.join(5)
            self.assertFalse(waiter.is_alive())
            self.assertFalse(os.path.exists(fs.HOLD + ".held"))
        finally:
            fs.HOLD = old
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
