"""Commands on files and datasets of the simulated FreeBSD host: zfs(8) clone/list, sha256(1),
stat(1) -f and lockf(1)."""
import fcntl
import grp
import os
import pwd
import re
import signal
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


STAT_USAGE = "usage: stat [-FLnq] [-f format | -l | -r | -s | -x] [-t timefmt] [file ...]"


def strmode(mode):
    """strmode(3) (lib/libc/string/strmode.c): the type letter, rwx three times with s/S and t/T
    for set-id and sticky bits (the trailing ACL space stat drops)."""
    kind = {0o040000: "d", 0o020000: "c", 0o060000: "b", 0o100000: "-", 0o120000: "l", 0o140000: "s",
            0o010000: "p"}.get(mode & 0o170000, "?")
    text = kind
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = (mode >> shift) & 7
        text += "r" if bits & 4 else "-"
        text += "w" if bits & 2 else "-"
        x = bits & 1
        text += (letter if x else letter.upper()) if mode & special else ("x" if x else "-")
    return text


def stat_format1(st, path, spec, flags, size, prec, ofmt, hilo, what):
    """format1 of usr.bin/stat/stat.c for the data simulated here: the datum's number and string,
    its default output form, then printf with the flags, size and precision."""
    sdata = None
    if what == "p":
        data, smode = st.st_mode, strmode(st.st_mode)
        # The pieces: H the file type (mode >> 12), M the set-id and sticky bits ((mode >> 9) & 07),
        # L the permission bits alone (mode & 0777: no setuid, setgid or sticky bit).
        if hilo == "H":
            data, smode, hilo = data >> 12, smode[1:4], ""
        elif hilo == "M":
            data, smode, hilo = (data >> 9) & 0o7, smode[4:7], ""
        elif hilo == "L":
            data, smode, hilo = data & 0o777, smode[7:10], ""
        sdata, formats, default = smode, "DOUXS", "O"
    elif what in "ug":
        ident = st.st_uid if what == "u" else st.st_gid
        try:
            sdata = pwd.getpwuid(ident).pw_name if what == "u" else grp.getgrgid(ident).gr_name
        except KeyError:
            sdata = "(%d)" % ident
        data, formats, default = ident, "DOUXS", "U"
    elif what in "zli":
        data, formats, default = {"z": st.st_size, "l": st.st_nlink, "i": st.st_ino}[what], "DOUX", "U"
    elif what == "N":
        data, sdata, formats, default = 0, path, "S", "S"
    else:
        fail("stat: %s: not simulated (uirig-sim knows %%p %%u %%g %%z %%l %%i %%N)" % spec)
    ofmt = ofmt or default
    if hilo or ofmt not in formats:
        fail("stat: %s: bad format" % spec)
    if ofmt == "S":
        return ("%" + flags.replace("#", "") + ("" if size < 0 else str(size)) + ("" if prec < 0 else ".%d" % prec)
                + "s") % sdata
    if ofmt == "D":
        return ("%" + flags.replace("#", "") + ("" if size < 0 else str(size)) + ("" if prec < 0 else ".%d" % prec)
                + "d") % data
    return c_unsigned(data & 0xFFFFFFFFFFFFFFFF, {"O": "o", "U": "u", "X": "x"}[ofmt], flags, size, prec)


def c_unsigned(data, conv, flags, size, prec):
    """printf(3)'s %o, %u and %x with the flags #, - and 0, a width and a precision (# gives
    octal a leading 0 and hex a 0x prefix, for a value other than 0)."""
    digits = ("%o" if conv == "o" else "%x" if conv == "x" else "%d") % data
    if prec >= 0:
        digits = "" if prec == 0 and data == 0 else digits.zfill(prec)
    prefix = ""
    if "#" in flags and conv == "o" and not digits.startswith("0"):
        digits = "0" + digits
    if "#" in flags and conv == "x" and data:
        prefix = "0x"
    pad = max(size - len(prefix) - len(digits), 0)
    if "-" in flags:
        return prefix + digits + " " * pad
    if "0" in flags and prec < 0:
        return prefix + "0" * pad + digits
    return " " * pad + prefix + digits


def stat_output(st, path, fmt, no_newline):
    """output() of stat.c: plain characters as they are, %n %t %% %@, and the form
    %[-# +0][size][.prec][DOUXFS][HML]datum; the newline at the end unless the output ended
    with one or -n."""
    text, i = "", 0
    while i < len(fmt):
        if fmt[i] != "%":
            text += fmt[i]
            i += 1
            continue
        begin, i = i, i + 1
        simple = {"n": "\n", "t": "\t", "%": "%", "@": "1"}.get(fmt[i:i + 1])
        if simple is not None:
            text, i = text + simple, i + 1
            continue
        flags = ""
        while i < len(fmt) and fmt[i] in "# +0-":
            flags, i = flags + fmt[i], i + 1
        size = prec = -1
        m = re.match(r"[0-9]+", fmt[i:])
        if m:
            size, i = int(m.group()), i + m.end()
        if fmt[i:i + 1] == ".":
            m = re.match(r"[0-9]*", fmt[i + 1:])
            prec, i = int(m.group() or 0), i + 1 + m.end()
        ofmt = hilo = ""
        if fmt[i:i + 1] and fmt[i] in "DOUXFS":
            ofmt, i = fmt[i], i + 1
        if fmt[i:i + 1] and fmt[i] in "HML":
            hilo, i = fmt[i], i + 1
        if not fmt[i:i + 1] or fmt[i] not in "RdipluglramcBzbkfvYTNZ":
            out(text)
            fail("stat: %s: bad format" % fmt[begin:i + 1])
        what, i = fmt[i], i + 1
        text += stat_format1(st, path, fmt[begin:i], flags, size, prec, ofmt, hilo, what)
    if text and not text.endswith("\n") and not no_newline:
        text += "\n"
    out(text)


def cmd_stat(args):
    """stat(1) -f FORMAT [-Lnq] [file ...], after usr.bin/stat/stat.c (main, output, format1):
    lstat(2) unless -L (stat(2), then lstat for a dangling link), standard input's fstat
    without a file, "stat: FILE: stat: ERR" (not with -q) and status 1 for a file it cannot
    stat. The other output forms (no -f, -l, -r, -s, -x) are Debian's stat."""
    opts, files = fs.getopt("stat", args, "f:FlLnqrst:x", lambda: fs.fail(STAT_USAGE))
    given = dict(opts)
    if "f" not in given or any(c in given for c in "lrsxFt"):
        return become(fs.LINUX + "/stat", ["stat"] + args)
    code = 0
    for path in files or [None]:
        try:
            if path is None:
                st, path = os.fstat(0), "(stdin)"
            elif "L" in given:
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    st = os.lstat(path)
            else:
                st = os.lstat(path)
        except OSError as e:
            code = 1
            if "q" not in given:
                sys.stdout.flush()
                sys.stderr.write("stat: %s: stat: %s\n" % (path, e.strerror))
            continue
        stat_output(st, path, given["f"], "n" in given)
    return code


# sysexits.h
EX_USAGE, EX_UNAVAILABLE, EX_SOFTWARE, EX_OSERR, EX_CANTCREAT, EX_TEMPFAIL = 64, 69, 70, 71, 73, 75
LOCKF_USAGE = ("usage: lockf [-knsw] [-t seconds] file command [arguments]\n"
               "       lockf [-s] [-t seconds] fd")


def lockf_open(path, flags):
    """acquire_lock's open(2) with O_EXLOCK|O_NONBLOCK: the fd, or None when the file is locked.
    Linux has no O_EXLOCK: open, then flock(2) (the same BSD-style lock O_EXLOCK takes). Between
    the two another lockf may unlink the file (its cleanup) and release it; a lock then taken on
    the unlinked file would lock nothing, so a lock on a file the path no longer names is given
    up and the open done again (O_EXLOCK takes the lock inside open, leaving FreeBSD no such gap
    worth the name)."""
    while True:
        fd = os.open(path, flags, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            now = os.stat(path)
        except FileNotFoundError:
            now = None
        held = os.fstat(fd)
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)
        if not flags & os.O_CREAT and now is None:
            raise FileNotFoundError(2, os.strerror(2))


def cmd_lockf(args):
    """lockf(1) [-knsw] [-t seconds] file command [arguments], after usr.bin/lockf/lockf.c (main,
    acquire_lock, cleanup, wait_for_lock): runs the command holding an exclusive lock on the
    file, created (mode 0666 less the umask) unless -n; EX_TEMPFAIL (75) and "FILE: already
    locked" (not with -s) when the lock is not got, at once with -t 0, after the seconds of -t,
    never without -t. The file is removed when the command ends, while the lock is still held
    (cleanup: unlink), unless -k, which only unlocks it; a lockf that did not get the lock leaves
    the file alone. Without -k a waiter never blocks in the open that locks (the holder's unlink
    would leave it a lock on a file no one else sees): it waits for the lock to be free, then
    opens the path again without blocking. The fd form (lockf fd) is not simulated."""
    opts, rest = fs.getopt("lockf", args, "knst:w", lambda: fs.fail(LOCKF_USAGE, EX_USAGE))
    keep = silent = False
    flags, waitsec = os.O_CREAT | os.O_RDONLY, None
    for ch, value in opts:
        if ch == "k":
            keep = True
        elif ch == "n":
            flags &= ~os.O_CREAT
        elif ch == "s":
            silent = True
        elif ch == "w":
            flags = (flags & ~os.O_RDONLY) | os.O_WRONLY
        else:
            # strtonum(optarg, 0, UINT_MAX): decimal digits only (an optional sign), in range.
            if not re.fullmatch(r"\s*[+-]?[0-9]+", value) or not 0 <= int(value) <= 2 ** 32 - 1:
                fail('lockf: invalid timeout "%s"' % value, EX_USAGE)
            waitsec = int(value)
    if not rest:
        fail(LOCKF_USAGE, EX_USAGE)
    path, command = rest[0], rest[1:]
    if not command:
        if not path.startswith("/"):
            fail("lockf: the fd form (lockf fd) is not simulated")
        sys.stderr.write("Expected fd, got '%s'\n" % path)
        fail(LOCKF_USAGE, EX_USAGE)
    if path.startswith("/dev/fd/") and path[8:].isdigit():
        fail("lockf: the fd form (lockf /dev/fd/N) is not simulated")

    def acquire():
        try:
            return lockf_open(path, flags | os.O_NONBLOCK)
        except FileNotFoundError as e:
            if flags & os.O_CREAT:
                fail("lockf: cannot open %s: %s" % (path, e.strerror), EX_CANTCREAT)
            if not silent:  # -n and no such file: warn(), EX_UNAVAILABLE
                sys.stderr.write("lockf: %s: %s\n" % (path, e.strerror))
            sys.exit(EX_UNAVAILABLE)
        except OSError as e:
            fail("lockf: cannot open %s: %s" % (path, e.strerror), EX_CANTCREAT)

    # The alarm of -t N (whole seconds); -t 0 tries once; no -t waits for ever. The waits (for
    # the lock to be free, or with -k the blocking open) are polled here.
    deadline = None if waitsec is None else time.monotonic() + waitsec
    fd = acquire()
    while fd is None and waitsec != 0 and (deadline is None or time.monotonic() < deadline):
        time.sleep(0.05)
        fd = acquire()
    if fd is None:
        if silent:
            sys.exit(EX_TEMPFAIL)
        fail("lockf: %s: already locked" % path, EX_TEMPFAIL)

    def cleanup():
        if keep:
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass

    def killed(sig, frame):
        # SIGTERM: cleanup, then the signal again with its default action.
        cleanup()
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)

    try:
        try:
            # The lock's fd is close-on-exec here (PEP 446): the child does not hold it, as in
            # lockf.c, where the child closes it before execvp.
            child = subprocess.Popen(command)
        except OSError as e:
            # The child's execvp failed: warn() and _exit(1).
            sys.stderr.write("lockf: %s: %s\n" % (command[0], e.strerror))
            return 1
        # After the fork, the parent ignores SIGINT and SIGQUIT, and cleans up on SIGTERM.
        old = {s: signal.signal(s, h) for s, h in ((signal.SIGINT, signal.SIG_IGN),
                                                   (signal.SIGQUIT, signal.SIG_IGN), (signal.SIGTERM, killed))}
        try:
            status = child.wait()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        return status if status >= 0 else EX_SOFTWARE  # WIFEXITED ? WEXITSTATUS : EX_SOFTWARE
    finally:
        cleanup()
        os.close(fd)
