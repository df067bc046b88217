#!/usr/bin/python3
"""Tests of the commands on files (files_sim.py): sha256(1) after sbin/md5/md5.c (main's output
forms, warn() for a file it cannot read, the SHA-256 test vectors of its -x suite), stat(1) -f
after usr.bin/stat/stat.c (format1's %Lp %Su %Sg %z %N, the pieces H M L of the mode, lstat
unless -L, output's format language and "bad format", main's "FILE: stat" warning), lockf(1)
after usr.bin/lockf/lockf.c (EX_TEMPFAIL and "FILE: already locked", cleanup's unlink unless
-k, -n's EX_UNAVAILABLE, strtonum's timeout, EX_SOFTWARE for a command ended by a signal), zfs
clone and list (a clone's mountpoint holds the template's files; libzfs's EZFS_EXISTS for a dataset there already).
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_files_sim.py"""
import fcntl
import grp
import os
import pwd
import sys
import tempfile
import unittest
from unittest import mock

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import captured, fs  # sys.path, no bytecode beside the simulator

files = fs.module("files_sim")

# md5.c's SHA256_TestOutput for "" and "abc".
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


class Scratch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name, text=None, mode=None):
        p = os.path.join(self.dir.name, name)
        if text is not None:
            with open(p, "w") as f:
                f.write(text)
        if mode is not None:
            os.chmod(p, mode)
        return p


class Sha256(Scratch):
    def test_the_bsd_form_and_q(self):
        abc, empty = self.path("abc", "abc"), self.path("empty", "")
        self.assertEqual(captured(files.cmd_sha256, [abc, empty]),
                         (0, "SHA256 (%s) = %s\nSHA256 (%s) = %s\n" % (abc, ABC, empty, EMPTY), ""))
        self.assertEqual(captured(files.cmd_sha256, ["-q", abc]), (0, ABC + "\n", ""))

    def test_a_missing_file_is_warned_about_and_the_others_digested(self):
        missing, abc = self.path("missing"), self.path("abc", "abc")
        self.assertEqual(captured(files.cmd_sha256, ["-q", missing, abc]),
                         (1, ABC + "\n", "sha256: %s: No such file or directory\n" % missing))


class Stat(Scratch):
    def test_format(self):
        p = self.path("f", "abc", 0o640)
        owner = "%s %s" % (pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name)
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp %Su %Sg %z %N", p]), (0, "640 %s 3 %s\n" % (owner, p), ""))
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp", self.dir.name]), (0, "700\n", ""))

    def test_lp_is_the_permission_bits_alone(self):
        # format1's LOW_PIECE: mode & 0777, so no setuid, setgid or sticky bit.
        p = self.path("f", "", 0o4755)
        os.chmod(p, 0o6755)
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp", p]), (0, "755\n", ""))
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Mp %Lp %p %#Lp %SLp %Sp", p]),
                         (0, "6 755 106755 0755 r-x -rwsr-sr-x\n", ""))
        d = self.path("d")
        os.mkdir(d)
        os.chmod(d, 0o1777)
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp %Mp %Hp %SHp", d]), (0, "777 1 4 rwx\n", ""))

    def test_lstat_unless_L(self):
        target, link = self.path("t", "abc", 0o640), self.path("link")
        os.symlink(target, link)
        link_mode = "%o" % (os.lstat(link).st_mode & 0o777)
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp %z", link]), (0, "%s %d\n" % (link_mode, len(target)), ""))
        self.assertEqual(captured(files.cmd_stat, ["-L", "-f", "%Lp %z", link]), (0, "640 3\n", ""))
        dangling = self.path("dangling")
        os.symlink(self.path("nothing"), dangling)  # -L falls back to lstat for a dangling link
        self.assertEqual(captured(files.cmd_stat, ["-L", "-f", "%Sp", dangling])[0:2], (0, "lrwxrwxrwx\n"))

    def test_the_format_language(self):
        p = self.path("f", "abcde", 0o600)
        self.assertEqual(captured(files.cmd_stat, ["-f", "[%5z|%-5z|%05z|%%|%Xz]%t%N%n", p]),
                         (0, "[    5|5    |00005|%%|5]\t%s\n" % p, ""))
        self.assertEqual(captured(files.cmd_stat, ["-n", "-f", "%Lp", p]), (0, "600", ""))
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp %Lq", p]), (1, "600 ", "stat: %Lq: bad format\n"))
        self.assertEqual(captured(files.cmd_stat, ["-f", "%LN", p]), (1, "", "stat: %LN: bad format\n"))
        self.assertEqual(captured(files.cmd_stat, ["-q", "-f", "%z", self.path("missing"), p]), (1, "5\n", ""))

    def test_a_missing_file(self):
        missing, p = self.path("missing"), self.path("f", "", 0o600)
        self.assertEqual(captured(files.cmd_stat, ["-f", "%Lp", missing, p]),
                         (1, "600\n", "stat: %s: stat: No such file or directory\n" % missing))


class Lockf(Scratch):
    def test_runs_the_command_and_returns_its_status(self):
        lock = self.path("lock")
        self.assertEqual(captured(files.cmd_lockf, ["-t", "0", lock, "sh", "-c", "exit 3"]), (3, "", ""))

    def test_the_file_is_removed_afterwards_and_locked_while_the_command_runs(self):
        lock = self.path("lock")
        probe = ("import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                 "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(7)")
        self.assertEqual(captured(files.cmd_lockf, ["-s", "-t", "0", lock, sys.executable, "-c", probe, lock]), (7, "", ""))
        self.assertFalse(os.path.exists(lock))
        # A command that cannot be run: the child's warn() and _exit(1); the file is removed all the same.
        self.assertEqual(captured(files.cmd_lockf, [lock, self.path("missing")]),
                         (1, "", "lockf: %s: No such file or directory\n" % self.path("missing")))
        self.assertFalse(os.path.exists(lock))

    def test_k_keeps_the_file(self):
        lock = self.path("lock")
        self.assertEqual(captured(files.cmd_lockf, ["-k", "-t", "0", lock, "true"]), (0, "", ""))
        umask = os.umask(0)
        os.umask(umask)
        self.assertEqual(os.stat(lock).st_mode & 0o7777, 0o666 & ~umask)

    def test_a_lock_held_elsewhere(self):
        lock = self.path("lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            self.assertEqual(captured(files.cmd_lockf, ["-t", "0", lock, "true"]),
                             (75, "", "lockf: %s: already locked\n" % lock))
            self.assertEqual(captured(files.cmd_lockf, ["-s", "-t", "1", lock, "true"]), (75, "", ""))
            self.assertTrue(os.path.exists(lock))  # a lockf without the lock leaves the file alone
        finally:
            os.close(fd)

    def test_a_holder_that_removed_the_file_no_longer_locks_the_path(self):
        # The holder's cleanup unlinks the file while it still holds the lock: the next lockf
        # creates a new file and locks that.
        lock = self.path("lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.unlink(lock)
        try:
            self.assertEqual(captured(files.cmd_lockf, ["-s", "-t", "0", lock, "true"]), (0, "", ""))
        finally:
            os.close(fd)

    def test_a_lock_on_a_file_unlinked_under_the_open_is_not_kept(self):
        # Between the open and the flock the holder unlinks the file and lets go, and another
        # lockf creates a new one: the lock got on the old file is given up, the new file locked.
        lock = self.path("lock")
        with open(lock, "w"):
            pass
        real, raced = fcntl.flock, []

        def flock(fd, op):
            if not raced:
                raced.append(fd)
                os.unlink(lock)
                with open(lock, "w"):
                    pass
            return real(fd, op)
        with mock.patch.object(files.fcntl, "flock", flock):
            fd = files.lockf_open(lock, os.O_CREAT | os.O_RDONLY | os.O_NONBLOCK)
        try:
            self.assertEqual(os.fstat(fd).st_ino, os.stat(lock).st_ino)
        finally:
            os.close(fd)

    def test_n_w_and_the_errors(self):
        missing = self.path("missing")
        self.assertEqual(captured(files.cmd_lockf, ["-n", missing, "true"]),
                         (69, "", "lockf: %s: No such file or directory\n" % missing))
        self.assertEqual(captured(files.cmd_lockf, ["-ns", missing, "true"]), (69, "", ""))
        self.assertEqual(captured(files.cmd_lockf, ["-w", "-t", "0", missing, "true"]), (0, "", ""))
        self.assertEqual(captured(files.cmd_lockf, ["-t", "0.5", missing, "true"]), (64, "", 'lockf: invalid timeout "0.5"\n'))
        self.assertEqual(captured(files.cmd_lockf, ["-t", "-1", missing, "true"])[0], 64)
        self.assertEqual(captured(files.cmd_lockf, ["-x", missing, "true"]),
                         (64, "", "lockf: illegal option -- x\n" + files.LOCKF_USAGE + "\n"))
        self.assertEqual(captured(files.cmd_lockf, [missing]),
                         (64, "", "Expected fd, got '%s'\n%s\n" % (missing, files.LOCKF_USAGE)))
        self.assertEqual(captured(files.cmd_lockf, [self.path("no/such/dir"), "true"]),
                         (73, "", "lockf: cannot open %s: No such file or directory\n" % self.path("no/such/dir")))

    def test_a_command_ended_by_a_signal_is_ex_software(self):
        lock = self.path("lock")
        self.assertEqual(captured(files.cmd_lockf, [lock, "sh", "-c", "kill -KILL $$"]), (70, "", ""))
        self.assertFalse(os.path.exists(lock))


class Zfs(Scratch):
    def setUp(self):
        super().setUp()
        self.old = fs.STATE, fs.SKELETON
        fs.STATE = self.path("state")
        fs.SKELETON = self.path("skeleton")
        os.makedirs(fs.SKELETON + "/bin")

    def tearDown(self):
        fs.STATE, fs.SKELETON = self.old
        super().tearDown()

    def test_clone_then_list(self):
        root = self.path("web")
        self.assertEqual(captured(files.cmd_zfs, ["clone", "-o", "mountpoint=" + root, "zroot/t@base", "zroot/web"]),
                         (0, "", ""))
        self.assertTrue(os.path.isdir(root + "/bin"))
        self.assertEqual(captured(files.cmd_zfs, ["clone", "-o", "mountpoint=" + root, "zroot/t@base", "zroot/web"]),
                         (1, "", "cannot create 'zroot/web': dataset already exists\n"))
        code, out, _ = captured(files.cmd_zfs, ["list"])
        rows = [line.split() for line in out.splitlines()]
        self.assertEqual((code, rows[0][0], rows[0][-1]), (0, "NAME", "MOUNTPOINT"))
        self.assertEqual([(r[0], r[-1]) for r in rows[1:]], [("zroot/web", root)])


if __name__ == "__main__":
    unittest.main()
