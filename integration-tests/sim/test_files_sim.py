#!/usr/bin/python3
"""Tests of the commands on files (files_sim.py): sha256(1) after sbin/md5/md5.c (main's output
forms, warn() for a file it cannot read, the SHA-256 test vectors of its -x suite), stat(1) -f
after usr.bin/stat/stat.c (format1's %Lp %Su %Sg %z %N, the pieces H M L of the mode, lstat
unless -L, output's format language and "bad format", main's "FILE: stat" warning), lockf(1)
after usr.bin/lockf/lockf.c (EX_TEMPFAIL and "FILE: already locked", cleanup's unlink unless
-k, -n's EX_UNAVAILABLE, strtonum's timeout, EX_SOFTWARE for a command ended by a signal), zfs
clone, create, get, set, mount and list after cmd/zfs/zfs_main.c and libzfs (a clone's mountpoint holds
the template's files; values and sources as zfs get -H -p prints them; libzfs's refusals and texts).
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
    """zfs(8) on the simulated host's dataset record: as root (geteuid and chown are mocked: the tests
    need no root), the state and the jail skeleton in the scratch directory."""

    def setUp(self):
        super().setUp()
        self.old = fs.STATE, fs.SKELETON
        fs.STATE = self.path("state")
        fs.SKELETON = self.path("skeleton")
        os.makedirs(fs.SKELETON + "/bin")
        self.chown = mock.patch("os.chown").start()
        mock.patch("os.geteuid", return_value=0).start()

    def tearDown(self):
        mock.patch.stopall()
        fs.STATE, fs.SKELETON = self.old
        super().tearDown()

    def pool(self):
        """A pool 'tank' mounted in the scratch directory (its datasets mount below it)."""
        root = self.path("tank")
        os.makedirs(root)
        with fs.State("zfs", {}) as st:
            st.data.update({"pools": ["tank"], "snapshots": [], "covered": {},
                            "datasets": {"tank": {"props": {"mountpoint": root, "compression": "on", "atime": "off"},
                                                  "mounted": True}}})
        return root

    def zfs(self, *args):
        return captured(files.cmd_zfs, list(args))

    GET = ("get", "-H", "-p", "-o", "property,value,source",
           "mountpoint,mounted,canmount,recordsize,compression,atime,quota,reservation")

    def test_clone_then_list(self):
        root = self.path("web")
        self.assertEqual(self.zfs("clone", "-o", "mountpoint=" + root, "zroot/jails/template@14.1-RELEASE", "zroot/web"),
                         (0, "", ""))
        self.assertTrue(os.path.isdir(root + "/bin"))
        self.assertEqual(self.zfs("clone", "-o", "mountpoint=" + root, "zroot/jails/template@14.1-RELEASE", "zroot/web"),
                         (1, "", "cannot create 'zroot/web': dataset already exists\n"))
        self.assertEqual(self.zfs("clone", "zroot/t@base", "zroot/web2"),
                         (1, "", "cannot open 'zroot/t@base': dataset does not exist\n"))
        code, out, _ = self.zfs("list")
        rows = [line.split() for line in out.splitlines()]
        self.assertEqual((code, rows[0][0], rows[0][-1]), (0, "NAME", "MOUNTPOINT"))
        self.assertIn(["zroot/web", "1M", "10G", "1M", root], rows)
        self.assertEqual(self.zfs("get", "-H", "-o", "value,source", "origin,mountpoint", "zroot/web"),
                         (0, "zroot/jails/template@14.1-RELEASE\t-\n%s\tlocal\n" % root, ""))

    def test_create_then_get_as_uirig_reads_it(self):
        root = self.pool()
        db = root + "/jails/pg_j/var/db/postgres"
        self.assertEqual(self.zfs("create", "-o", "mountpoint=" + db, "-o", "recordsize=16k", "-o", "compression=lz4",
                                  "-o", "atime=off", "tank/pgdata"), (0, "", ""))
        # libzfs_mount.c zfs_mount_at: the mountpoint made (mkdirp, 0755), the dataset's root root's.
        self.assertTrue(os.path.isdir(db))
        self.assertEqual(os.stat(db).st_mode & 0o777, 0o755)
        self.chown.assert_any_call(db, 0, 0)
        self.assertEqual(self.zfs(*self.GET, "tank/pgdata"), (0, "mountpoint\t%s\tlocal\nmounted\tyes\t-\n"
                         "canmount\ton\tdefault\nrecordsize\t16384\tlocal\ncompression\tlz4\tlocal\natime\toff\tlocal\n"
                         "quota\t0\tdefault\nreservation\t0\tdefault\n" % db, ""))
        # Without -p: zfs_nicebytes, and none for a quota of 0.
        self.assertEqual(self.zfs("get", "-H", "-o", "value", "recordsize,quota", "tank/pgdata"), (0, "16K\nnone\n", ""))

    def test_inherited_values_and_their_source(self):
        root = self.pool()
        self.zfs("create", "tank/srv")
        self.zfs("create", "-o", "compression=gzip-6", "-o", "quota=10G", "tank/srv/db")
        self.assertEqual(self.zfs(*self.GET, "tank/srv/db"), (0, "mountpoint\t%s/srv/db\tinherited from tank\n"
                         "mounted\tyes\t-\ncanmount\ton\tdefault\nrecordsize\t131072\tdefault\n"
                         "compression\tgzip\tlocal\natime\toff\tinherited from tank\nquota\t10737418240\tlocal\n"
                         "reservation\t0\tdefault\n" % root, ""))
        self.assertTrue(os.path.isdir(root + "/srv/db"))
        # -s keeps the sources asked for; no dataset named: all of them, in name order.
        self.assertEqual(self.zfs("get", "-H", "-s", "local", "-o", "name,value", "compression"),
                         (0, "tank\ton\ntank/srv/db\tgzip\n", ""))

    def test_a_missing_dataset_and_other_refusals(self):
        self.pool()
        self.assertEqual(self.zfs(*self.GET, "tank/pgdata"), (1, "", "cannot open 'tank/pgdata': dataset does not exist\n"))
        self.assertEqual(self.zfs("get", "-H", "mountpoint", "tank/a@b#c"),
                         (1, "", "cannot open 'tank/a@b#c': multiple '@' and/or '#' delimiters in name\n"))
        self.assertEqual(self.zfs("get", "-H", "dedupe", "tank")[0::2], (2, "bad property list: invalid property 'dedupe'\n"
                         "usage:\n" + files.ZFS_USAGE["get"] + "\nThe following properties are supported:\n"
                         + self.zfs("get", "-H", "dedupe", "tank")[2].split("supported:\n", 1)[1]))
        self.assertEqual(self.zfs("get", "-H", "-o", "value,colour", "atime", "tank")[0], 2)
        self.assertIn("invalid column name 'colour'\n", self.zfs("get", "-H", "-o", "value,colour", "atime", "tank")[2])

    def test_create_refuses_as_libzfs_does(self):
        self.pool()
        self.zfs("create", "tank/a")
        cases = [
            (["tank/a"], 1, "cannot create 'tank/a': dataset already exists\n"),
            (["tank/x/y"], 1, "cannot create 'tank/x/y': parent does not exist\n"),
            (["zroot/x"], 1, "cannot create 'zroot/x': no such pool 'zroot'\n"),
            (["tank"], 1, "cannot create 'tank': missing dataset name\n"),
            (["tank/b@snap"], 1, "cannot create 'tank/b@snap': snapshot delimiter '@' is not expected here\n"),
            (["tank/b%c"], 1, "cannot create 'tank/b%c': invalid character % in name\n"),
            (["-o", "compression=LZ4", "tank/b"], 1, "cannot create 'tank/b': 'compression' must be one of '"
             + files.ZFS_COMPRESS_VALUES + "'\n"),
            (["-o", "colour=red", "tank/b"], 1, "cannot create 'tank/b': invalid property 'colour'\n"),
            (["-o", "quota=0", "tank/b"], 1, "cannot create 'tank/b': use 'none' to disable quota/refquota\n"),
            (["-o", "recordsize=3k", "tank/b"], 1, "cannot create 'tank/b': 'recordsize' must be power of 2 from 512B to 1M\n"),
            (["-o", "recordsize=2M", "tank/b"], 1, "cannot create 'tank/b': 'recordsize' must be power of 2 from 512B to 1M\n"),
            (["-o", "recordsize=1Q", "tank/b"], 1, "cannot create 'tank/b': invalid numeric suffix 'Q'\n"),
            (["-o", "mountpoint=srv", "tank/b"], 1, "cannot create 'tank/b': 'mountpoint' must be an absolute path,"
             " 'none', or 'legacy'\n"),
            (["-o", "mounted=yes", "tank/b"], 1, "cannot create 'tank/b': 'mounted' is readonly\n"),
            (["-o", "atime", "tank/b"], 1, "missing '=' for property=value argument\n"),
            (["-o", "atime=on", "-o", "atime=off", "tank/b"], 1, "property 'atime' specified multiple times\n"),
        ]
        for args, code, err in cases:
            self.assertEqual(self.zfs("create", *args), (code, "", err), args)
        code, _, err = self.zfs("create", "-x", "tank/b")
        self.assertEqual((code, err.split("\n")[:3]), (2, ["invalid option 'x'", "usage:", "\tcreate [-Pnpuv] [-o"
                                                                                           " property=value] ... <filesystem>"]))
        code, _, err = self.zfs("create")
        self.assertEqual((code, err.split("\n")[0]), (2, "missing filesystem argument"))
        self.assertEqual(self.zfs("get", "-H", "-o", "name", "type", "tank/b"),
                         (1, "", "cannot open 'tank/b': dataset does not exist\n"))

    def test_create_p_makes_and_mounts_the_missing_ancestors(self):
        root = self.pool()
        self.assertEqual(self.zfs("create", "-p", "-o", "mountpoint=" + root + "/db", "tank/a/b/c"), (0, "", ""))
        self.assertEqual(self.zfs("get", "-H", "-o", "name,value,source", "mountpoint", "tank/a", "tank/a/b", "tank/a/b/c"),
                         (0, "tank/a\t%s/a\tinherited from tank\ntank/a/b\t%s/a/b\tinherited from tank\n"
                          "tank/a/b/c\t%s/db\tlocal\n" % (root, root, root), ""))
        self.assertTrue(os.path.isdir(root + "/a/b"))
        # -p on a dataset that exists does nothing, quietly.
        self.assertEqual(self.zfs("create", "-p", "tank/a/b"), (0, "", ""))

    def test_set_then_get(self):
        self.pool()
        self.zfs("create", "tank/db")
        self.assertEqual(self.zfs("set", "recordsize=16k", "atime=on", "tank/db"), (0, "", ""))
        self.assertEqual(self.zfs("get", "-H", "-p", "-o", "property,value,source", "recordsize,atime", "tank/db"),
                         (0, "recordsize\t16384\tlocal\natime\ton\tlocal\n", ""))
        self.assertEqual(self.zfs("set", "compression=fast", "tank/db"),
                         (1, "", "cannot set property for 'tank/db': 'compression' must be one of '"
                          + files.ZFS_COMPRESS_VALUES + "'\n"))
        self.assertEqual(self.zfs("set", "mounted=no", "tank/db"),
                         (1, "", "cannot set property for 'tank/db': 'mounted' is readonly\n"))
        self.assertEqual(self.zfs("set", "atime=off", "tank/nope"), (1, "", "cannot open 'tank/nope': dataset does not exist\n"))
        self.assertEqual(self.zfs("set", "atime=off", "atime=on", "tank/db"), (255, "", "property 'atime' specified multiple times\n"))
        code, _, err = self.zfs("set", "atime=off")
        self.assertEqual((code, err.split("\n")[:2]), (2, ["missing dataset name(s)", "usage:"]))
        code, _, err = self.zfs("set", "atime=off", "tank/db", "quota=1G")
        self.assertEqual((code, err.split("\n")[0]), (2, "invalid argument order"))
        # zfs_do_set's order check starts at the second argument (ds_start > 0): a dataset first makes
        # every argument a dataset.
        self.assertEqual(self.zfs("set", "tank/db", "atime=off"),
                         (1, "", "cannot open 'atime=off': invalid character '=' in name\n"))
        # A bad value leaves the others unset too: zfs_valid_proplist checks them all first.
        self.assertEqual(self.zfs("set", "atime=off", "quota=0", "tank/db")[0], 1)
        self.assertEqual(self.zfs("get", "-H", "-o", "value", "atime", "tank/db"), (0, "on\n", ""))

    def test_set_mountpoint_moves_a_mounted_dataset_and_uncovers_the_old_place(self):
        root = self.pool()
        old, new = root + "/var/db/postgres", root + "/data"
        os.makedirs(old)
        self.path("tank/var/db/postgres/hidden", "the directory's own file")
        self.assertEqual(self.zfs("create", "-o", "mountpoint=" + old, "tank/db"), (0, "", ""))
        # overlay=on (zfs_prop.c): mounted over the non-empty directory, whose file is hidden under it.
        self.assertEqual(os.listdir(old), [])
        self.path("tank/var/db/postgres/PG_VERSION", "16\n")
        self.assertEqual(self.zfs("set", "mountpoint=" + new, "tank/db"), (0, "", ""))
        self.assertEqual(os.listdir(new), ["PG_VERSION"])
        self.assertEqual(os.listdir(old), ["hidden"])
        self.assertEqual(self.zfs("get", "-H", "-o", "value", "mountpoint,mounted", "tank/db"), (0, new + "\nyes\n", ""))

    def test_mount(self):
        root = self.pool()
        self.assertEqual(self.zfs("create", "-u", "tank/db"), (0, "", ""))
        self.assertFalse(os.path.exists(root + "/db"))
        self.assertEqual(self.zfs("get", "-H", "-o", "value", "mounted", "tank/db"), (0, "no\n", ""))
        self.assertEqual(self.zfs("mount", "tank/db"), (0, "", ""))
        self.assertTrue(os.path.isdir(root + "/db"))
        self.assertEqual(self.zfs("mount", "tank/db"), (1, "", "cannot mount 'tank/db': filesystem already mounted\n"))
        self.zfs("create", "-o", "mountpoint=none", "tank/none")
        self.assertEqual(self.zfs("mount", "tank/none"), (1, "", "cannot mount 'tank/none': no mountpoint set\n"))
        self.zfs("create", "-u", "-o", "canmount=off", "tank/off")
        self.assertEqual(self.zfs("mount", "tank/off"),
                         (1, "", "cannot mount 'tank/off': 'canmount' property is set to 'off'\n"))
        self.assertEqual(self.zfs("mount", "tank/nope"), (1, "", "cannot open 'tank/nope': dataset does not exist\n"))

    def test_not_root(self):
        self.pool()
        with mock.patch("os.geteuid", return_value=1001):
            self.assertEqual(self.zfs("create", "tank/db"), (1, "", "cannot create 'tank/db': permission denied\n"))
        self.assertEqual(self.zfs("get", "-H", "-o", "value", "atime", "tank"), (0, "off\n", ""))

    def test_sizes_as_zfs_nicestrtonum_reads_them(self):
        self.assertEqual([files.nicestrtonum(t) for t in ("16k", "1KiB", "1.5K", ".5K", "15E")],
                         [16384, 1024, 1536, 512, 15 << 60])
        for text, why in (("16E", "numeric value is too large"), ("1BB", "invalid numeric suffix 'BB'"),
                          ("k1", "bad numeric value 'k1'"), (".K", "invalid numeric suffix '.K'")):
            with self.assertRaises(ValueError) as e:
                files.nicestrtonum(text)
            self.assertEqual(str(e.exception), why)
        self.assertEqual([files.nicebytes(n) for n in (512, 131072, 1536, 10737418240)], ["512B", "128K", "1.50K", "10G"])

    def test_a_freshly_installed_host(self):
        # bsdinstall's zfsboot: compression and atime set on the pool, the pool mounted at /zroot.
        self.assertEqual(self.zfs("get", "-H", "-o", "name,property,value,source", "compression,atime,mountpoint",
                                  "zroot", "zroot/jails/template"),
                         (0, "zroot\tcompression\ton\tlocal\nzroot\tatime\toff\tlocal\nzroot\tmountpoint\t/zroot\tlocal\n"
                          "zroot/jails/template\tcompression\ton\tinherited from zroot\n"
                          "zroot/jails/template\tatime\toff\tinherited from zroot\n"
                          "zroot/jails/template\tmountpoint\t/zroot/jails/template\tinherited from zroot\n", ""))


if __name__ == "__main__":
    unittest.main()
