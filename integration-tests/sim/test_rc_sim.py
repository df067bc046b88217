#!/usr/bin/python3
"""Tests of rc.subr, daemon(8) and rcorder (rc.subr, rc_sim.py).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_rc_sim.py"""
import os
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import HERE, Root, fs  # sys.path, no bytecode beside the simulator

rc = fs.module("rc_sim")


SCRIPT = """#!/bin/sh
. {subr}
name=sleeper
rcvar=sleeper_enable
load_rc_config $name
: ${{sleeper_enable:="NO"}}
pidfile="/var/run/${{name}}.pid"
procname="/bin/sleep"
command="/bin/sh"
command_args="-c 'sleep 30 >/dev/null 2>&1 & echo \\$! > $_R/var/run/sleeper.pid'"
run_rc_command "$1"
"""


class RcSubr(unittest.TestCase):
    def run_rc(self, root, verb):
        path = root + "/usr/local/etc/rc.d/sleeper"
        return subprocess.run(["sh", path, verb], capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "UIRIG_JAIL_ROOT": root})

    def test_start_status_stop(self):
        with Root({"/etc/rc.conf": 'sleeper_enable="NO"\n', "/var/run/.keep": "",
                   "/usr/local/etc/rc.d/sleeper": SCRIPT.format(subr=os.path.join(HERE, "rc.subr"))}) as root:
            r = self.run_rc(root, "start")
            self.assertEqual(r.stdout, "Cannot 'start' sleeper. Set sleeper_enable to YES in /etc/rc.conf or use "
                                       "'onestart' instead of 'start'.\n")
            self.assertEqual(r.returncode, 0)
            with open(root + "/etc/rc.conf", "w") as f:
                f.write('sleeper_enable="YES"\n')
            r = self.run_rc(root, "start")
            self.assertEqual((r.returncode, r.stdout), (0, "Starting sleeper.\n"), r.stderr)
            time.sleep(0.2)
            pid = open(root + "/var/run/sleeper.pid").read().strip()
            r = self.run_rc(root, "status")
            self.assertEqual(r.stdout, "sleeper is running as pid %s.\n" % pid)
            r = self.run_rc(root, "start")
            self.assertEqual((r.returncode, r.stderr), (1, "sleeper already running?  (pid=%s).\n" % pid))
            r = self.run_rc(root, "stop")
            self.assertEqual(r.stdout, "Stopping sleeper.\nWaiting for PIDS: %s.\n" % pid)
            r = self.run_rc(root, "status")
            self.assertEqual((r.returncode, r.stdout), (1, "sleeper is not running.\n"))
            r = self.run_rc(root, "stop")
            self.assertEqual(r.stderr, "sleeper not running? (check /var/run/sleeper.pid).\n")
            r = self.run_rc(root, "bogus")
            self.assertIn("unknown directive 'bogus'", r.stderr)


class Daemon(unittest.TestCase):
    def test_child_pidfile_and_output(self):
        with Root({"/var/run/.keep": "", "/var/log/.keep": ""}) as root:
            os.makedirs(root + "/bin")
            os.symlink("/bin/sh", root + "/bin/sh")  # the skeleton's /bin/sh (install.sh)
            env = dict(os.environ, UIRIG_JAIL_ROOT=root, PYTHONDONTWRITEBYTECODE="1")
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "daemon", "-f", "-p",
                                "/var/run/s.pid", "-o", "/var/log/s.log", "/bin/sh", "-c", "echo hello; exec sleep 30"],
                               env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            for _ in range(50):
                if os.path.exists(root + "/var/log/s.log") and open(root + "/var/log/s.log").read():
                    break
                time.sleep(0.1)
            pid = int(open(root + "/var/run/s.pid").read())
            self.assertEqual(open(root + "/var/log/s.log").read(), "hello\n")
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "daemon", "-p", "/var/run/s.pid",
                                "/bin/true"], env=env, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (3, "daemon: process already running, pid: %d\n" % pid))
            os.kill(pid, 15)
            for _ in range(50):
                if not os.path.exists(root + "/var/run/s.pid"):
                    break
                time.sleep(0.1)
            self.assertFalse(os.path.exists(root + "/var/run/s.pid"))

    def test_a_path_the_jail_lacks_is_missing(self):
        with Root({"/var/run/.keep": ""}) as root:
            self.assertEqual(rc.jail_path("/etc/hosts"), root + "/etc/hosts")
            self.assertEqual(rc.jail_path(fs.SIM), fs.SIM)
            env = dict(os.environ, UIRIG_JAIL_ROOT=root, PYTHONDONTWRITEBYTECODE="1")
            sim = [sys.executable, os.path.join(HERE, "freebsd_sim.py"), "daemon"]
            r = subprocess.run(sim + ["-p", "/nonexistent/s.pid", "/bin/true"], env=env, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr),
                             (2, "daemon: pidfile ``/nonexistent/s.pid'': No such file or directory\n"))
            r = subprocess.run(sim + ["-o", "/etc/s.log", "/bin/true"], env=env, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (7, "daemon: open: No such file or directory\n"))

    def test_options(self):
        opts, rest = rc.getopt_plus(["-f", "-p", "/x.pid", "-rP/y.pid", "--user=www", "node", "-p"],
                                    rc.DAEMON_OPTS, rc.DAEMON_LONG)
        self.assertEqual(opts, [("f", None), ("p", "/x.pid"), ("r", None), ("P", "/y.pid"), ("u", "www")])
        self.assertEqual(rest, ["node", "-p"])


class Rcorder(unittest.TestCase):
    def test_require(self):
        with Root({"/usr/local/etc/rc.d/a": "# PROVIDE: a\n# REQUIRE: b\n",
                   "/usr/local/etc/rc.d/b": "# PROVIDE: b\n# KEYWORD: shutdown\n",
                   "/usr/local/etc/rc.d/c": "# PROVIDE: c\n# KEYWORD: nojail\n"}) as root:
            for n in "abc":
                os.chmod(root + "/usr/local/etc/rc.d/" + n, 0o755)
            self.assertEqual(rc.rcorder(rc.scripts(), skip=("nojail",)),
                             ["/usr/local/etc/rc.d/b", "/usr/local/etc/rc.d/a"])


if __name__ == "__main__":
    unittest.main()
