#!/usr/bin/python3
"""Tests of the dispatcher (freebsd_sim.py): every command name reaches a function of its module,
importing that module only; install.sh compiles every module; the harness switch hold.
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_freebsd_sim.py"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import HERE, fs  # sys.path, no bytecode beside the simulator


def resolve(command):
    """The function a COMMANDS entry runs: a from_module command's, or the dispatcher's own."""
    if hasattr(command, "module"):
        return getattr(fs.module(command.module), command.function)
    if command.__closure__:  # cmd_kld's kldload/kldunload/kldstat
        return fs.cmd_kld
    return command


class Dispatch(unittest.TestCase):
    def test_every_command_resolves_to_a_function(self):
        for name, command in fs.COMMANDS.items():
            self.assertTrue(callable(resolve(command)), name)
        pf = fs.pf_sim()
        for function in ("cmd_pfctl", "cmd_kld", "pfwatch"):
            self.assertTrue(callable(getattr(pf, function)), function)

    def test_every_command_names_its_source(self):
        """Each simulated command says what it follows: a FreeBSD source file or port, or that it
        is not a FreeBSD command."""
        source = re.compile(r"[A-Za-z0-9_.+-]+/[A-Za-z0-9_.+/-]+|\b[a-z_]+\.[cly]\b|Not a FreeBSD command")
        for name, command in fs.COMMANDS.items():
            self.assertRegex(resolve(command).__doc__ or "", source, name)

    def test_a_command_imports_its_module_only(self):
        probe = ("import sys\nsys.dont_write_bytecode = True\nsys.path.insert(0, %r)\nsys.argv = sys.argv[1:]\n"
                 "import freebsd_sim\ntry:\n    freebsd_sim.main()\nexcept SystemExit:\n    pass\n"
                 "sys.stderr.write('modules: %%s\\n' %% ' '.join(sorted(m for m in sys.modules if m.endswith('_sim'))))\n"
                 % HERE)
        for argv, modules in ((["sha256", "-q", "/dev/null"], "files_sim freebsd_sim"),
                              (["sysrc", "-f", "/nonexistent", "-n", "x"], "freebsd_sim sysrc_sim"),
                              (["jail", "-f", "/nonexistent", "-c", "j"], "freebsd_sim jail_sim"),
                              (["ifconfig", "em0", "mtu"], "freebsd_sim ifconfig_sim")):
            r = subprocess.run([sys.executable, "-c", probe] + argv, capture_output=True, text=True,
                               env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
            self.assertEqual(r.stderr.splitlines()[-1], "modules: " + modules, argv)

    def test_install_compiles_every_module(self):
        with open(os.path.join(HERE, "install.sh")) as f:
            text = f.read().replace("\\\n", " ")
        line = next(l for l in text.splitlines() if l.startswith("python3 -m py_compile"))
        compiled = {w.rsplit("/", 1)[1] for w in line.split()[3:]}
        modules = {n for n in os.listdir(HERE) if n.endswith(".py") and not n.startswith("test_")} - \
            {"sim_testing.py", "pf_testing.py"}
        self.assertEqual(compiled, modules)
        self.assertEqual(set(fs.AREAS) | {"freebsd_sim", "pkg_sim", "rc_sim"} | set(fs.pf_sim().MODULES),
                         {m[:-3] for m in modules})

    def test_every_installed_name_is_a_command(self):
        with open(os.path.join(HERE, "install.sh")) as f:
            text = f.read().replace("\\\n", " ")
        names = re.search(r"^for c in ([^;]*); do\n    ln -sf \$sim/client", text, re.M).group(1).split()
        self.assertIn("ifconfig", names)
        self.assertEqual([n for n in names if n not in fs.COMMANDS], [])


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
            for _ in range(100):  # hold() creates HOLD.held, then writes the line into it
                if os.path.exists(fs.HOLD + ".held") and os.path.getsize(fs.HOLD + ".held"):
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
