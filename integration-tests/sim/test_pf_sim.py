#!/usr/bin/env python3
"""Tests of the pf module (pf_sim.py): kldload, kldunload and kldstat as sbin/kldload/kldload.c,
sbin/kldunload/kldunload.c and sbin/kldstat/kldstat.c print them, /dev/pf and what unloading pf
forgets; and how the pf modules hang together (what importing pf_sim loads, each module importing
only those below it, every replaceable function living in one module).

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_sim.py
"""
import ast
import os
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import HERE, SEAMS, PfTest, main, pf_sim, run  # noqa: E402


class ModuleTest(PfTest):
    def test_no_module(self):
        # pfctl.c main: err(1, "%s", pf_device) when /dev/pf cannot be opened
        for args in (["-sr"], ["-s", "Running"], ["-e"], ["-d"], ["-f", self.seed], ["-F", "all"],
                     ["-t", "ratelimit", "-T", "show"]):
            self.assertRun(["pfctl"] + args, 1, "", "pfctl: /dev/pf: No such file or directory\n")
        # -n: the device is optional
        self.assertRun(["pfctl", "-nf", self.seed], 0)

    def test_kldload_kldstat(self):
        self.assertRun(["kldstat", "-q", "-m", "pf"], 1)
        self.assertRun(["kldstat", "-m", "pf"], 1, "", "kldstat: can't find module pf: No such file or directory\n")
        self.assertRun(["kldload", "pf"], 0)
        self.assertTrue(os.path.exists(os.environ["UIRIG_SIM_PF_DEVICE"]))
        self.assertRun(["kldload", "pf"], 1, "", "kldload: can't load pf: module already loaded or in kernel\n")
        self.assertRun(["kldload", "-n", "pf"], 0)
        self.assertRun(["kldstat", "-q", "-m", "pf"], 0)
        rc, out, _ = run("kldstat", "-m", "pf")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^Id  Refs Name\n *\d+ +1 pf\n$")
        self.assertRun(["kldunload", "pf"], 0)
        self.assertFalse(os.path.exists(os.environ["UIRIG_SIM_PF_DEVICE"]))
        self.assertRun(["kldstat", "-q", "-m", "pf"], 1)

    def test_unload_forgets_everything(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertRun(["pfctl", "-e"], 0, "", "pf enabled\n")
        self.assertRun(["kldunload", "pf"], 0)
        self.load_module()
        self.assertRun(["pfctl", "-s", "Running"], 1, "Disabled\n")
        self.assertRun(["pfctl", "-sr"], 0)

    def test_verbose_load_and_unload(self):
        # kldload.c: -v prints "Loaded %s, id=%d"; kldunload.c: -v "Unloading %s, id=%d"
        self.assertRun(["kldload", "-v", "pf"], 0, "Loaded pf, id=2\n")
        self.assertRun(["kldload", "-nv", "pf"], 0, "pf is already loaded\n")
        self.assertRun(["kldunload", "-v", "pf"], 0, "Unloading pf.ko, id=2\n")
        self.assertRun(["kldunload", "pf"], 1, "", "kldunload: can't find file pf\n")

    def test_unknown_module(self):
        self.assertRun(["kldload", "nosuch"], 1, "", "kldload: can't load nosuch: No such file or directory\n")
        self.assertRun(["kldload"], 1, "", "usage: kldload [-nqv] file ...\n")


class ModulesTest(unittest.TestCase):
    """The pf modules: pf_sim.MODULES is what importing pf_sim loads, bottom first."""

    def imports(self, name):
        with open(os.path.join(HERE, name + ".py")) as f:
            tree = ast.parse(f.read())
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                found.add(node.module)
        return found & set(pf_sim.MODULES)

    def test_importing_pf_sim_loads_the_modules(self):
        probe = ("import sys\nsys.dont_write_bytecode = True\nsys.path.insert(0, %r)\nimport freebsd_sim\n"
                 "freebsd_sim.pf_sim()\nprint(' '.join(sorted(m for m in sys.modules if m.startswith('pf'))))\n" % HERE)
        r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertEqual(r.stdout.split(), sorted(pf_sim.MODULES), r.stderr)

    def test_each_module_imports_only_those_below_it(self):
        for i, name in enumerate(pf_sim.MODULES):
            self.assertLessEqual(self.imports(name), set(pf_sim.MODULES[:i]), name)

    def test_each_replaceable_function_lives_in_one_module(self):
        """A test's replacement reaches every caller only if nobody holds a copy (from X import nft)."""
        modules = [sys.modules[m] for m in pf_sim.MODULES]
        for owner, name, fake in SEAMS:
            self.assertIs(getattr(owner, name), fake)
            for m in modules:
                if m is not owner:
                    self.assertFalse(hasattr(m, name), "%s.%s" % (m.__name__, name))


if __name__ == "__main__":
    main()
