"""Commands on files and datasets of the simulated FreeBSD host: zfs(8) clone/list, sha256(1),
stat(1) -f and lockf(1)."""
import fcntl
import grp
import os
import pwd
import subprocess
import sys
import time

import freebsd_sim as fs
from freebsd_sim import State, become, fail, out, read_state, run

def cmd_zfs(args):
    """zfs(8) clone and list (sys/contrib/openzfs/cmd/zfs/zfs_main.c), on a recorded dataset list."""
    if args[:1] == ["clone"] and os.geteuid() != 0:
        fail("cannot create '%s': permission denied" % args[-1])
    if args[:1] == ["clone"]:
        mountpoint = None
        rest = args[1:]
        if rest[:1] == ["-o"]:
            mountpoint = rest[1].split("=", 1)[1]
            rest = rest[2:]
        snapshot, dataset = rest[0], rest[1]
        with State("zfs", {"datasets": {}}) as st:
            if dataset in st.data["datasets"]:
                fail("cannot create '%s': dataset already exists" % dataset)
            mountpoint = mountpoint or "/" + dataset
            run(["cp", "-a", fs.SKELETON + "/.", mountpoint] if os.path.isdir(mountpoint)
                else ["cp", "-a", fs.SKELETON, mountpoint])
            st.data["datasets"][dataset] = {"origin": snapshot, "mountpoint": mountpoint}
        return 0
    if args[:1] == ["list"]:
        st = read_state("zfs", {"datasets": {}})
        out("NAME USED AVAIL REFER MOUNTPOINT\n")
        for name, d in st["datasets"].items():
            out("%s 1M 10G 1M %s\n" % (name, d["mountpoint"]))
        return 0
    fail("usage: zfs command args ...")


def cmd_sha256(args):
    """sha256(1), after sbin/md5/md5.c (-q prints the digest alone; "SHA256 (FILE) = ..." otherwise)."""
    import hashlib
    quiet = "-q" in args
    code = 0
    for path in [a for a in args if not a.startswith("-")]:
        try:
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except (FileNotFoundError, IsADirectoryError):
            sys.stderr.write("sha256: %s: No such file or directory\n" % path)
            code = 1
            continue
        out(digest + "\n" if quiet else "SHA256 (%s) = %s\n" % (path, digest))
    return code


def cmd_stat(args):
    """stat(1) -f FORMAT, after usr.bin/stat/stat.c (%Lp, %Su, %Sg, %z, %N); anything else is Linux stat."""
    if len(args) >= 3 and args[0] == "-f":
        fmt = args[1]
        code = 0
        for path in args[2:]:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                sys.stderr.write("stat: %s: stat: No such file or directory\n" % path)
                code = 1
                continue
            text = (fmt.replace("%Lp", "%o" % (st.st_mode & 0o7777))
                    .replace("%Su", pwd.getpwuid(st.st_uid).pw_name)
                    .replace("%Sg", grp.getgrgid(st.st_gid).gr_name)
                    .replace("%z", str(st.st_size)).replace("%N", path))
            out(text + "\n")
        return code
    return become(fs.LINUX + "/stat", ["stat"] + args)


def cmd_lockf(args):
    """lockf(1) [-ks] [-t seconds] file command... (usr.bin/lockf/lockf.c): runs the command while
    holding an exclusive lock; exit 75 (EX_TEMPFAIL) when -t runs out."""
    silent, timeout, i = False, None, 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-t":
            timeout = float(args[i + 1])
            i += 2
            continue
        silent |= "s" in args[i]
        i += 1
    path, command = args[i], args[i + 1:]
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = None if timeout is None else time.time() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if deadline is not None and time.time() >= deadline:
                if not silent:
                    sys.stderr.write("lockf: %s: already locked\n" % path)
                return 75
            time.sleep(0.05)
    return subprocess.run(command).returncode
