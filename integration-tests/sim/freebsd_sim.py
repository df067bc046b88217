#!/usr/bin/python3
"""Simulated FreeBSD commands for uirig's integration tests.

One program, called under the name of the FreeBSD command it stands for (ifconfig, jail, jls,
jexec, pfctl, kldload, kldunload, kldstat, sysrc, service, sysctl, route, pkg, zfs, sha256, stat).
Each prints what FreeBSD prints, with FreeBSD's exit codes, on top of real Linux objects:
interfaces are real links (veth pairs for epairs, Linux bridges for if_bridge), a VNET jail is a
network namespace, spiped runs for real, pf filters with nftables (pf_sim.py). What has no Linux
twin here is bookkeeping in /var/run/uirig-sim: sysctl values, the package database.

A command run inside a jail (through jexec) sees UIRIG_JAIL and UIRIG_JAIL_ROOT: paths are then
resolved under the jail's root, as a chrooted process would see them.

This file is the dispatcher (COMMANDS, main, the root server) and what every area shares (paths,
State, fail/out/run, the jail root). The commands live in one module per area, imported only by
the commands that need them (from_module): ifconfig_sim.py (ifconfig, the interface model),
jail_sim.py (jail, jls, jexec, jail.conf), net_sim.py (route, sysctl), sysrc_sim.py (sysrc,
rc.conf), files_sim.py (zfs, sha256, stat, lockf), cron_sim.py (cronlines), pf_sim.py (pfctl,
kldload/kldunload/kldstat), rc_sim.py (rc, service, daemon, the packages' programs), pkg_sim.py
(pkg).
"""
# Every command is a new process: modules only a few commands need are imported where used
# (ipaddress, hashlib, socket, the area modules), and the launcher imports this file so its
# bytecode is cached.
import fcntl
import json
import os
import signal
import subprocess
import sys
import time

STATE = os.environ.get("UIRIG_SIM_STATE", "/var/run/uirig-sim")
LINUX = "/usr/lib/uirig-sim/linux"
SIM = "/usr/lib/uirig-sim/freebsd-sim"
SKELETON = "/usr/lib/uirig-sim/jail-skeleton"
JAIL = os.environ.get("UIRIG_JAIL", "")
JROOT = os.environ.get("UIRIG_JAIL_ROOT", "")
NETNS_PREFIX = "uj-"


def out(text=""):
    sys.stdout.write(text)


def fail(message, code=1):
    sys.stderr.write(message + "\n")
    sys.exit(code)


def getopt(prog, args, spec, usage):
    """getopt(3) as FreeBSD's libc has it (lib/libc/stdlib/getopt.c): flags until the first operand
    or "--", clustered flags, an option's argument attached or next; its messages for a letter not
    in spec and a missing argument, after which usage prints the command's usage and exits."""
    opts, i = [], 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        word, i = args[i], i + 1
        if word == "--":
            break
        j = 1
        while j < len(word):
            ch, pos = word[j], spec.find(word[j])
            if ch == ":" or pos < 0:
                sys.stderr.write("%s: illegal option -- %s\n" % (prog, ch))
                usage()
            if spec[pos + 1:pos + 2] == ":":
                if j + 1 < len(word):
                    opts.append((ch, word[j + 1:]))
                elif i < len(args):
                    opts.append((ch, args[i]))
                    i += 1
                else:
                    sys.stderr.write("%s: option requires an argument -- %s\n" % (prog, ch))
                    usage()
                break
            opts.append((ch, None))
            j += 1
    return opts, args[i:]


SERVED = False  # True in a fork of the server, which must report the command's status itself


def become(program, argv):
    """Hands the rest of the command to another program, as exec does (a served command runs it
    as a child instead, to send back its status)."""
    if SERVED:
        import shutil
        return subprocess.run(argv, executable=program if "/" in program else shutil.which(program)).returncode
    os.execvp(program, argv)


def run(args, check=True, capture=True):
    r = subprocess.run(args, capture_output=capture, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), (r.stderr or "").strip()))
    return r


def in_root(path):
    """A path as the current (possibly jailed) process sees it."""
    return JROOT + path if JROOT and path.startswith("/") else path


# ---------------------------------------------------------------- state

def state_path(name):
    return os.path.join(STATE, name + ".json")


class State:
    """A JSON document under /var/run/uirig-sim, locked while it is changed."""

    def __init__(self, name, default):
        os.makedirs(STATE, exist_ok=True)
        self.path = state_path(name)
        self.default = default

    def __enter__(self):
        self.lock = open(self.path + ".lock", "w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        try:
            with open(self.path) as f:
                self.data = json.load(f)
        except (FileNotFoundError, ValueError):
            self.data = json.loads(json.dumps(self.default))
        return self

    def __exit__(self, kind, value, tb):
        if kind is None:
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.data, f)
            os.replace(tmp, self.path)
        fcntl.flock(self.lock, fcntl.LOCK_UN)
        self.lock.close()


def read_state(name, default):
    try:
        with open(state_path(name)) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return default


# ---------------------------------------------------------------- names shared by the areas

def fbsd_name(linux_name):
    """An interface's FreeBSD name: Linux's lo is lo0 (ifconfig, route, pf show and take it so)."""
    return "lo0" if linux_name == "lo" else linux_name


def linux_name(name):
    return "lo" if name == "lo0" else name


def jail_netns(jail):
    return NETNS_PREFIX + jail


# ---------------------------------------------------------------- the area modules

# The modules of the commands (besides pf_sim.py), all imported by the server before it forks.
AREAS = ("ifconfig_sim", "jail_sim", "net_sim", "sysrc_sim", "files_sim", "cron_sim")


def module(name):
    """A sibling module, imported once (no __pycache__ is written into the source tree:
    image/build.sh hashes every file of sim/)."""
    sys.modules.setdefault("freebsd_sim", sys.modules[__name__])
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    return __import__(name)


def from_module(name, function, *bound):
    """A command that imports its module only when it runs (the module and function are kept on
    it for the tests' check that every command resolves)."""
    def command(args):
        f = getattr(module(name), function)
        return (f(*bound) if bound else f)(args)
    command.module, command.function = name, function
    return command


def remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


# ---------------------------------------------------------------- pf (pf_sim.py)

def pf_sim():
    """The pf module (pf_sim.py), imported once; install.sh compiles it, nothing writes a
    __pycache__ into the source tree (image/build.sh hashes every file of sim/)."""
    sys.modules.setdefault("freebsd_sim", sys.modules[__name__])
    sys.dont_write_bytecode = True
    import pf_sim as module
    return module


def cmd_pfctl(args):
    """pfctl(8): sbin/pfctl/pfctl.c main, in pf_sim.py. /dev/pf is root's (crw------- in
    /etc/devfs.conf's defaults): another user's open fails, except that -n opens it only if it
    can (pfctl.c main: 'if (opts & PF_OPT_NOACTION) ... optional')."""
    if os.geteuid() != 0 and not any(a.startswith("-") and not a.startswith("--") and "n" in a[1:] for a in args):
        if os.path.exists("/dev/pf"):
            fail("pfctl: /dev/pf: Permission denied")
    return pf_sim().cmd_pfctl(args)


def cmd_kld(name):
    """kldload(8), kldunload(8), kldstat(8) (sbin/kldload/kldload.c, sbin/kldunload/kldunload.c,
    sbin/kldstat/kldstat.c), in pf_sim.py."""
    def command(args):
        # kldload(2)/kldunload(2) need PRIV_KLD_LOAD/UNLOAD (sys/kern/kern_linker.c): EPERM.
        if os.geteuid() != 0 and name != "kldstat":
            words = [a for a in args if not a.startswith("-")]
            fail("kldload: can't load %s: Operation not permitted" % (words[0] if words else "")
                 if name == "kldload" else "kldunload: can't unload file: Operation not permitted")
        return pf_sim().cmd_kld(name, args)
    return command


def cmd_pfwatch(args):
    """Not a FreeBSD command: the simulated kernel's overload task (sys/netpfil/pf/pf.c pf_overload_task), in pf_sim.py."""
    return pf_sim().pfwatch(args)


# ---------------------------------------------------------------- the server

SOCKET_PATH = "/run/uirig-sim.sock"


def cmd_serve(args):
    """Not a FreeBSD command: the simulator's server (see client.c), forking once per command, so that
    a command costs a fork of this warm process instead of a Python start-up."""
    import socket
    import struct
    import ipaddress  # noqa: F401 (imported once here rather than in every command)
    import hashlib  # noqa: F401
    pf_sim()
    for name in AREAS:
        module(name)
    try:
        os.unlink(SOCKET_PATH)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(SOCKET_PATH + ".new")
    server.listen(128)
    os.rename(SOCKET_PATH + ".new", SOCKET_PATH)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the forks are never waited for
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os._exit(serve_one(conn, struct, socket))
        conn.close()


def serve_one(conn, struct, socket):
    """Runs one command as the client asked for it and sends back its exit status."""
    def exactly(n):
        data = b""
        while len(data) < n:
            more = conn.recv(n - len(data))
            if not more:
                raise EOFError("the client went away")
            data += more
        return data

    global JAIL, JROOT, SERVED
    SERVED = True
    try:
        _, fds, _, _ = socket.recv_fds(conn, 1, 3)
        fields = [f.decode("utf-8", "surrogateescape") for f in exactly(struct.unpack("I", exactly(4))[0]).split(b"\0")[:-1]]
    except (OSError, EOFError, struct.error):
        return 1
    for target, fd in enumerate(fds):
        if fd != target:
            os.dup2(fd, target)
            os.close(fd)
    argc = int(fields[0])
    sys.argv = fields[1:1 + argc]
    cwd = fields[1 + argc]
    os.environ.clear()
    os.environ.update(e.split("=", 1) for e in fields[2 + argc:] if "=" in e)
    JAIL = os.environ.get("UIRIG_JAIL", "")
    JROOT = os.environ.get("UIRIG_JAIL_ROOT", "")
    try:
        os.chdir(cwd)
    except OSError:
        os.chdir("/")
    status = 0
    try:
        main()
    except SystemExit as e:
        if isinstance(e.code, int):
            status = e.code
        elif e.code is not None:
            sys.stderr.write("%s\n" % e.code)
            status = 1
    except BaseException:
        import traceback
        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            pass
    try:
        conn.sendall(struct.pack("i", status))
    except OSError:
        pass
    return 0


COMMANDS = {"lockf": from_module("files_sim", "cmd_lockf"), "ifconfig": from_module("ifconfig_sim", "cmd_ifconfig"),
            "jail": from_module("jail_sim", "cmd_jail"), "jls": from_module("jail_sim", "cmd_jls"),
            "jexec": from_module("jail_sim", "cmd_jexec"), "pfctl": cmd_pfctl,
            "sysrc": from_module("sysrc_sim", "cmd_sysrc"), "sysctl": from_module("net_sim", "cmd_sysctl"),
            "route": from_module("net_sim", "cmd_route"),
            "zfs": from_module("files_sim", "cmd_zfs"), "sha256": from_module("files_sim", "cmd_sha256"),
            "stat": from_module("files_sim", "cmd_stat"),
            "serve": cmd_serve, "kldload": cmd_kld("kldload"), "kldunload": cmd_kld("kldunload"),
            "kldstat": cmd_kld("kldstat"), "pfwatch": cmd_pfwatch,
            # pkg_sim.py: the stub /usr/sbin/pkg, the installed pkg and pkg-static, and the
            # installed pkg run inside a jail for pkg -j (not a FreeBSD command name).
            "pkg": from_module("pkg_sim", "cmd_pkg"), "pkg-static": from_module("pkg_sim", "cmd_real"),
            "pkgreal": from_module("pkg_sim", "cmd_real"),
            # rc_sim.py: rc(8) of a jail, service(8), daemon(8), su for rc scripts (runas, not a
            # FreeBSD command name), and the programs of the nginx and postgresql packages.
            "rc": from_module("rc_sim", "cmd_rc"), "service": from_module("rc_sim", "cmd_service"),
            "daemon": from_module("rc_sim", "cmd_daemon"), "runas": from_module("rc_sim", "cmd_runas"),
            "nginx": from_module("rc_sim", "cmd_nginx"),
            # Not a FreeBSD command: the tests' view of what cron would run.
            "cron-lines": from_module("cron_sim", "cmd_cronlines"), "cronlines": from_module("cron_sim", "cmd_cronlines")}
for _tool in ("pg_ctl", "initdb", "postgres"):
    COMMANDS[_tool] = from_module("rc_sim", "cmd_pgbin", _tool)
for _tool in ("psql", "pg_dump", "createdb", "createuser"):
    COMMANDS[_tool] = from_module("rc_sim", "cmd_pgclient", _tool)


HOLD = "/run/uirig-sim-hold"


def hold(name, args):
    """Not FreeBSD: a test harness switch. While HOLD exists and this command line contains the text
    on its first line, the command waits before it runs (120 s at most), with HOLD.held naming it, so
    that a test can end uirig while that command is under way on the host. A number on the second
    line lets that many matching commands pass first."""
    try:
        with open(HOLD) as f:
            lines = f.read().split("\n")
    except OSError:
        return
    text = lines[0].strip()
    line = " ".join([name] + list(args))
    if not text or text not in line:
        return
    skip = lines[1].strip() if len(lines) > 1 else ""
    if skip.isdigit() and int(skip) > 0:
        with open(HOLD, "w") as f:
            f.write("%s\n%d\n" % (text, int(skip) - 1))
        return
    with open(HOLD + ".held", "w") as f:
        f.write(line + "\n")
    deadline = time.time() + 120
    while os.path.exists(HOLD) and time.time() < deadline:
        time.sleep(0.05)
    try:
        os.unlink(HOLD + ".held")
    except OSError:
        pass


def main():
    name = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if name in ("freebsd_sim.py", "freebsd-sim"):
        name, args = args[0], args[1:]
    command = COMMANDS.get(name)
    if command is None:
        fail("freebsd-sim: unknown command " + name)
    hold(name, args)
    try:
        sys.exit(command(args) or 0)
    except RuntimeError as e:
        fail("%s: %s" % (name, e))


if __name__ == "__main__":
    main()
