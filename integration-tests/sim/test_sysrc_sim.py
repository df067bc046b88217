#!/usr/bin/python3
"""Tests of sysrc(8) and rc.conf parsing (sysrc_sim.py), each case after an atf_check of FreeBSD's
own usr.sbin/sysrc/tests/sysrc_test.sh (the expected outputs, exit codes and file contents).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_sysrc_sim.py"""
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import captured, fs  # sys.path, no bytecode beside the simulator

sysrc = fs.module("sysrc_sim")


class Sysrc(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.conf = os.path.join(self.dir.name, "sysrc_test.conf")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def file(self):
        with open(self.conf) as f:
            return f.read()

    def sysrc(self, *args):
        """(exit status, stdout, stderr) of sysrc -f CONF ARGS."""
        code, out, err = captured(sysrc.cmd_sysrc, ["-f", self.conf] + list(args))
        return code or 0, out, err

    def test_check_variable(self):
        self.write('test_enable="NO"\ntest_list="item1 item2"\ntest2_list=""\n')
        self.assertEqual(self.sysrc("test_enable"), (0, "test_enable: NO\n", ""))
        self.assertEqual(self.sysrc("test2_list"), (0, "test2_list: \n", ""))
        self.assertEqual(self.sysrc("test_enable", "test_list"), (0, "test_enable: NO\ntest_list: item1 item2\n", ""))
        self.assertEqual(self.sysrc("noexist"), (1, "", "sysrc: unknown variable 'noexist'\n"))
        self.assertEqual(self.sysrc("test_enable", "noexist"), (1, "test_enable: NO\n", "sysrc: unknown variable 'noexist'\n"))

    def test_n_prints_the_value_alone(self):
        """sysrc(8) -n: the value alone, without the name."""
        self.write('hostname="web"\n')
        self.assertEqual(self.sysrc("-n", "hostname"), (0, "web\n", ""))

    def test_set_variable(self):
        self.assertEqual(self.sysrc("test_enable=YES"), (0, "test_enable:  -> YES\n", ""))
        self.assertEqual(self.file(), 'test_enable="YES"\n')
        self.assertEqual(self.sysrc("test_enable=YES"), (0, "test_enable: YES -> YES\n", ""))
        self.assertEqual(self.sysrc("test_enable=NO"), (0, "test_enable: YES -> NO\n", ""))
        self.assertEqual(self.file(), 'test_enable="NO"\n')
        self.assertEqual(self.sysrc("test2_enable="), (0, "test2_enable:  -> \n", ""))
        self.assertEqual(self.file(), 'test_enable="NO"\ntest2_enable=""\n')

    def test_remove_variable(self):
        self.write('test1_enable="YES"\ntest2_enable="NO"\ntest3_enable=""\n')
        self.assertEqual(self.sysrc("-x", "test1_enable"), (0, "", ""))
        self.assertEqual(self.file(), 'test2_enable="NO"\ntest3_enable=""\n')
        self.assertEqual(self.sysrc("-x", "test2_enable", "test3_enable"), (0, "", ""))
        self.assertEqual(self.file(), "")
        self.assertEqual(self.sysrc("-x", "noexist"), (1, "", "sysrc: unknown variable 'noexist'\n"))

    def test_append_list(self):
        self.assertEqual(self.sysrc("test_list+=item1"), (0, "test_list:  -> item1\n", ""))
        self.assertEqual(self.sysrc("test_list+=item1"), (0, "test_list: item1 -> item1\n", ""))
        self.assertEqual(self.sysrc("test_list+=item2"), (0, "test_list: item1 -> item1 item2\n", ""))
        self.assertEqual(self.file(), 'test_list="item1 item2"\n')

    def test_subtract_list(self):
        self.write('test_list="item1 item2"\n')
        self.assertEqual(self.sysrc("test_list-=item2"), (0, "test_list: item1 item2 -> item1\n", ""))
        self.assertEqual(self.sysrc("test_list-=item1"), (0, "test_list: item1 -> \n", ""))
        self.assertEqual(self.sysrc("test_list-=item3"), (0, "test_list:  -> \n", ""))
        self.assertEqual(self.file(), 'test_list=""\n')
        # Subtracting from a variable that is not set creates it, empty.
        self.assertEqual(self.sysrc("test2_list-=item1"), (0, "test2_list:  -> \n", ""))
        self.assertEqual(self.file(), 'test_list=""\ntest2_list=""\n')

    def test_multiple_operations(self):
        self.assertEqual(self.sysrc("test1_enable=YES", "test1_list+=item1"),
                         (0, "test1_enable:  -> YES\ntest1_list:  -> item1\n", ""))
        self.assertEqual(self.sysrc("test1_enable", "test1_enable=NO", "noexist", "test2_enable=YES", "test1_list-=item1",
                                    "test2_list+=item3"),
                         (1, "test1_enable: YES\ntest1_enable: YES -> NO\ntest2_enable:  -> YES\ntest1_list: item1 -> \n"
                             "test2_list:  -> item3\n", "sysrc: unknown variable 'noexist'\n"))
        self.assertEqual(self.file(), 'test1_enable="NO"\ntest1_list=""\ntest2_enable="YES"\ntest2_list="item3"\n')

    def test_a_flag(self):
        self.write('test_enable="YES"\n')
        self.assertEqual(self.sysrc("-a"), (0, "test_enable: YES\n", ""))

    def test_c_flag(self):
        self.write('test_enable="NO"\ntest_list="item1 item2"\n')
        for args, code in ((["test_enable"], 0), (["test_list"], 0), (["test_enable", "test_list"], 0),
                           (["test_enable=NO"], 0), (["test_enable=YES"], 1), (["noexist=YES"], 1),
                           (["test_list+=item1"], 0), (["test_list+=item3"], 1), (["noexist+=item1"], 1),
                           (["test_enable=NO", "test_list+=item1"], 0), (["test_enable=YES", "test_list+=item1"], 1),
                           (["test_list-=item3"], 0), (["test_list-=item1"], 1), (["noexist-=item1"], 1),
                           (["test_enable=NO", "test_list-=item3"], 0), (["test_enable=NO", "test_list-=item1"], 1)):
            self.assertEqual(self.sysrc("-c", *args), (code, "", ""), args)
        self.assertEqual(self.sysrc("-c", "noexist1", "noexist2"),
                         (1, "", "sysrc: unknown variable 'noexist1'\nsysrc: unknown variable 'noexist2'\n"))
        self.assertEqual(self.file(), 'test_enable="NO"\ntest_list="item1 item2"\n')

    def test_a_missing_file_is_created_by_a_setting_only(self):
        self.assertEqual(self.sysrc("noexist"), (1, "", "sysrc: unknown variable 'noexist'\n"))
        self.assertFalse(os.path.exists(self.conf))
        self.assertEqual(self.sysrc("test_enable=YES"), (0, "test_enable:  -> YES\n", ""))
        self.assertEqual(self.sysrc("test_enable"), (0, "test_enable: YES\n", ""))


class RcConf(unittest.TestCase):
    """rc.conf is sh(1): assignments, quotes, comments and ';' between assignments."""

    def test_assignments(self):
        self.assertEqual(sysrc.rc_parse('a="x y"\n# b="no"\nc=\'q\'; d=e # comment\nf=`hostname`\ng=""\n'),
                         {"a": "x y", "c": "q", "d": "e", "f": "`hostname`", "g": ""})

    def test_the_last_assignment_wins(self):
        self.assertEqual(sysrc.rc_parse('a="1"\na="2"\n'), {"a": "2"})


if __name__ == "__main__":
    unittest.main()
