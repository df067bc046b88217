#!/usr/bin/python3
"""Tests of jail.conf(5) as jail(8) reads it (jail_sim.py: usr.sbin/jail jaillex.l, jailparse.y,
config.c).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_jail_sim.py"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import HERE, fs  # sys.path, no bytecode beside the simulator

jail = fs.module("jail_sim")


class JailConf(unittest.TestCase):
    """usr.sbin/jail jaillex.l, jailparse.y and config.c load_config."""

    def load(self, text):
        warnings = []
        conf, ok = jail.load_jail_conf(text, "/etc/jail.conf", warnings.append)
        return conf, ok, warnings

    def params(self, text, jail="j"):
        conf, ok, warnings = self.load(text)
        self.assertTrue(ok, warnings)
        self.assertEqual(warnings, [])
        return conf[jail].flat()

    def test_escapes_in_double_quotes_as_uirig_writes_them(self):
        p = self.params(r'j { exec.start = "sh -c \"echo \\\$HOME\" > C:\\dir\\\tx\ny $name ${name}.log"; }')
        self.assertEqual(p["exec.start"], 'sh -c "echo \\$HOME" > C:\\dir\\\tx\ny j j.log')

    def test_other_escapes(self):
        p = self.params(r'j { a = "\101\x41\x4g\a"; b = "x\0cut"; c = "one\
two"; }')
        self.assertEqual((p["a"], p["b"], p["c"]), ("AA\x04g\a", "x", "onetwo"))

    def test_single_quotes_keep_dollars_but_read_escapes(self):
        self.assertEqual(self.params(r"j { a = 'a $name \'q\' \\'; }")["a"], "a $name 'q' \\")

    def test_a_lone_dollar_is_a_dollar(self):
        self.assertEqual(self.params('j { a = "cost $5, $"; }')["a"], "cost $5, $")

    def test_comments_outside_strings_only(self):
        text = ('# a comment "\nj { // another\n a = "x # y // z /* w */"; /* and\n more */ b = c#d; e = f\n'
                "; g = /usr//local; }\n;}")
        p = self.params(text)
        self.assertEqual((p["a"], p["b"], p["g"]), ("x # y // z /* w */", "c", "/usr"))
        self.assertNotIn("e", p)

    def test_adjacent_pieces_are_one_string(self):
        self.assertEqual(self.params("j { path = /jails/\"$name\"'-x'; }")["path"], "/jails/j-x")

    def test_booleans_lists_and_appending(self):
        p = self.params("j { persist; nopersist; allow.raw_sockets; ip4.addr = 10.0.0.1, 10.0.0.2;"
                        " ip4.addr += 10.0.0.3; mount.devfs 1; }")
        self.assertEqual(p["nopersist"], "true")
        self.assertNotIn("persist", p)
        self.assertEqual(p["ip4.addr"], "10.0.0.1, 10.0.0.2, 10.0.0.3")
        self.assertEqual(p["mount.devfs"], "1")

    def test_global_and_wildcard_parameters(self):
        conf, ok, warnings = self.load('path = "/jails/$name"; exec.start = a;\n'
                                       'pg { exec.start = b; }\n"*" { x = 1; }\nweb { sub { y; } }\n')
        self.assertTrue(ok, warnings)
        self.assertEqual(conf["pg"].flat()["path"], "/jails/pg")
        self.assertEqual(conf["pg"].flat()["exec.start"], "b")
        self.assertEqual(conf["pg"].flat()["x"], "1")
        self.assertEqual(conf["web.sub"].flat()["path"], "/jails/web.sub")

    def test_variables(self):
        p = self.params('j { $base = "/jails"; $dir = "$base/$name"; path = "${dir}/root"; }')
        self.assertEqual(p["path"], "/jails/j/root")
        self.assertNotIn("base", p)

    def test_an_unknown_variable_fails_its_jail(self):
        conf, ok, warnings = self.load('j { path = "/j/$nope"; }\nk { path = /k; }\n')
        self.assertTrue(ok)
        self.assertTrue(conf["j"].failed)
        self.assertFalse(conf["k"].failed)
        self.assertEqual(warnings, ['j: path: variable "nope" not found'])

    def test_variable_errors(self):
        for text, warning in (('j { $x = "$y"; $y = "$x"; a = $x; }', "j: x: variable loop"),
                              ('j { $path = 1; }', 'j: variable "$path" cannot have the same name as a parameter.'),
                              ('j { name = k; }', 'j: cannot redefine parameter "name".'),
                              ('j { a = 1, 2; b = "x$a"; }', "j: b: array cannot be substituted inline")):
            conf, ok, warnings = self.load(text)
            self.assertTrue(conf["j"].failed, text)
            self.assertEqual(warnings, [warning])

    def test_syntax_errors(self):
        for text, warnings in (
                ('j {\n path = "/x;\n}\n', ["/etc/jail.conf line 2: unterminated string",
                                            "/etc/jail.conf line 3: }: syntax error"]),
                ("j {\n path = /x\n}\n", ["/etc/jail.conf line 3: }: syntax error"]),
                ("j {\n path = /x;\n", ["/etc/jail.conf: unexpected EOF"]),
                ("j { }\n/* open\n\n", ["/etc/jail.conf line 4: unterminated comment"]),
                ("j { a = ${x\n; }\n", ["/etc/jail.conf line 1: unterminated variable",
                                        "/etc/jail.conf line 2: ;: syntax error"]),
                ("j { a = ${x; }\n", ["/etc/jail.conf: unexpected EOF"]),
                ("j { } }\n", ["/etc/jail.conf line 1: }: syntax error"]),
                ('j { a = "x" "y"; }', ['/etc/jail.conf line 1: "y": syntax error']),
                ("j { = ; = ; b; c = ; }", ["/etc/jail.conf line 1: =: syntax error",
                                            "/etc/jail.conf line 1: ;: syntax error"])):
            conf, ok, got = self.load(text)
            self.assertFalse(ok, text)
            self.assertEqual(got, warnings, text)

    def test_jail_fails_with_the_messages(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "jail.conf")
            with open(path, "w") as f:
                f.write('j {\n path = "/x;\n}\n')
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "jail", "-f", path, "-q", "-c", "j"],
                               capture_output=True, text=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "jail: %s line 2: unterminated string\njail: %s line 3: }: syntax error\n"
                         % (path, path))


if __name__ == "__main__":
    unittest.main()
