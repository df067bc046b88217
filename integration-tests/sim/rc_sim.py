"""Services of the simulated FreeBSD host: /etc/rc and /etc/rc.shutdown of a jail, service(8),
daemon(8), and the programs the simulated packages' rc.d scripts run (Debian's nginx and
PostgreSQL 15 under the jail's root). The rc.d scripts themselves are shell scripts using the
simulated rc.subr (sim/rc.subr, installed as /etc/rc.subr).
"""
import fcntl
import glob
import os
import pwd
import re
import signal
import subprocess
import sys
import tempfile
import time

import freebsd_sim as fs

LOCAL_STARTUP = "/usr/local/etc/rc.d"
RC_DIRS = ("/etc/rc.d", LOCAL_STARTUP)


# ---------------------------------------------------------------- rc.d scripts and rcorder

def scripts():
    """The executable rc.d scripts of the root, by name (a local one does not hide a base one
    in rcorder, but service(8) looks in /etc/rc.d first)."""
    found = []
    for d in RC_DIRS:
        try:
            names = sorted(os.listdir(fs.in_root(d)))
        except OSError:
            continue
        for n in names:
            path = fs.in_root(d + "/" + n)
            if os.path.isfile(path) and os.access(path, os.X_OK) and not re.search(r"[~#]$|\.(OLD|bak|orig)$", n):
                found.append(d + "/" + n)
    return found


def rc_header(path):
    """The rcorder(8) lines of a script: PROVIDE, REQUIRE, BEFORE and KEYWORD words."""
    head = {"PROVIDE": [], "REQUIRE": [], "BEFORE": [], "KEYWORD": []}
    try:
        with open(fs.in_root(path), errors="replace") as f:
            for line in f:
                m = re.match(r"#\s*(PROVIDE|REQUIRE|BEFORE|KEYWORD):(.*)", line)
                if m:
                    head[m.group(1)] += m.group(2).split()
    except OSError:
        pass
    return head


def rcorder(paths, skip=()):
    """sbin/rcorder/rcorder.c: a script runs after every script that PROVIDEs what it REQUIREs
    and before those it names in BEFORE; ties and unknown names keep the listing order.
    Scripts with a KEYWORD in skip are left out (rcorder -s)."""
    heads = {p: rc_header(p) for p in paths}
    paths = [p for p in paths if not set(heads[p]["KEYWORD"]) & set(skip)]
    providers = {}
    for p in paths:
        for name in heads[p]["PROVIDE"] or [os.path.basename(p)]:
            providers.setdefault(name, []).append(p)
    after = {p: set() for p in paths}
    for p in paths:
        for req in heads[p]["REQUIRE"]:
            after[p].update(q for q in providers.get(req, []) if q != p)
        for before in heads[p]["BEFORE"]:
            for q in providers.get(before, []):
                if q != p:
                    after[q].add(p)
    order, done = [], set()

    def visit(p, stack):
        if p in done or p in stack:
            return  # rcorder reports a circular dependency and breaks it
        stack.add(p)
        for q in sorted(after[p], key=paths.index):
            visit(q, stack)
        done.add(p)
        order.append(p)

    for p in paths:
        visit(p, set())
    return order


def run_script(path, args):
    """Runs an rc.d script as service.sh does ('env -i HOME=/ PATH=... SCRIPT ARGS'), keeping
    the simulator's own variables. $0 is the script's path in the jail (rc.subr's messages
    name it); the file read is the one under the jail's root."""
    env = ["HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "UIRIG_RC_SCRIPT=" + fs.in_root(path)]
    env += ["%s=%s" % (k, v) for k, v in os.environ.items() if k.startswith("UIRIG_")]
    return ["env", "-i"] + env + ["/bin/sh", "-c", '. "$UIRIG_RC_SCRIPT"', path] + list(args)


def cmd_rc(args):
    """A jail's /etc/rc (libexec/rc/rc: the network from rc.conf, network.subr ifconfig_up,
    rc.d/routing's routes, then every script in rcorder order with 'quietstart', skipping the
    nostart, nojail and nojailvnet keywords) and /etc/rc.shutdown ('faststop' of the scripts with
    the shutdown keyword, in reverse order)."""
    if args and args[0] == "stop":
        for path in reversed([p for p in rcorder(scripts()) if "shutdown" in rc_header(p)["KEYWORD"]]):
            subprocess.run(run_script(path, ["faststop"]))
        return 0
    sysrc, ifconfig = fs.module("sysrc_sim"), fs.module("ifconfig_sim")
    rc = sysrc.rc_read(sysrc.rc_conf_path())
    fs.run(["ip", "link", "set", "lo", "up"], check=False)
    for key, value in rc.items():
        m = re.fullmatch(r"ifconfig_(.+)", key)
        if m and not key.endswith("_name") and not re.search(r"_alias\d+$|_ipv6$", key) and ifconfig.link_exists(m.group(1)):
            # network.subr ifconfig_getargs drops the words rc handles itself (DHCP, WPA, ...).
            words = [w for w in value.split() if w.upper() not in ("DHCP", "SYNCDHCP", "NOSYNCDHCP", "WPA", "NOAUTO", "HOSTAP")]
            if words:
                ifconfig.cmd_ifconfig([m.group(1)] + words)
            fs.run(["ip", "link", "set", m.group(1), "up"], check=False)
    # rc.d/routing (REQUIRE: netif): static routes, then the default route.
    fs.module("net_sim").routing_start(rc)
    for path in rcorder(scripts(), skip=("nostart", "nojail", "nojailvnet")):
        subprocess.run(run_script(path, ["quietstart"]))
    return 0


def cmd_service(args):
    """service(8), after usr.sbin/service/service.sh: -j JAIL, -e (enabled scripts), -l (all
    scripts), NAME COMMAND... through the script found in /etc/rc.d or /usr/local/etc/rc.d."""
    if args[:1] == ["-j"] and len(args) > 1:
        return fs.module("jail_sim").cmd_jexec([args[1], "service"] + args[2:])
    if args[:1] == ["-l"]:
        fs.out("".join(os.path.basename(p) + "\n" for p in sorted(scripts(), key=os.path.basename)))
        return 0
    if args[:1] == ["-e"]:
        for p in rcorder(scripts()):
            if subprocess.run(run_script(p, ["enabled"])).returncode == 0:
                fs.out(p + "\n")
        return 0
    if args[:1] == ["-v"]:
        args = args[1:]
    if len(args) < 2 or args[0].startswith("-"):
        fs.fail("usage: service [-j jail] -e\n       service [-j jail] -R\n       service [-j jail] [-v] -l | -r\n"
                "       service [-j jail] [-v] <rc.d script> start|stop|etc.\n       service -h")
    for d in RC_DIRS:
        path = d + "/" + args[0]
        if os.path.isfile(fs.in_root(path)) and os.access(fs.in_root(path), os.X_OK):
            return fs.become("env", run_script(path, args[1:]))
    fs.fail("%s does not exist in /etc/rc.d or the local startup directories (%s), or is not executable"
            % (args[0], LOCAL_STARTUP))


# ---------------------------------------------------------------- daemon(8)

DAEMON_OPTS = "cfHSp:P:ru:o:s:l:t:m:R:T:h"
DAEMON_LONG = {"change-dir": "c", "close-fds": "f", "sighup": "H", "syslog": "S", "output-file": "o",
               "output-mask": "m", "child-pidfile": "p", "supervisor-pidfile": "P", "restart": "r",
               "restart-delay": "R", "title": "t", "user": "u", "syslog-priority": "s",
               "syslog-facility": "l", "syslog-tag": "T", "help": "h"}
DAEMON_USAGE = ("usage: daemon [-cfHrS] [-p child_pidfile] [-P supervisor_pidfile]\n"
                "              [-u user] [-o output_file] [-t title]\n"
                "              [-l syslog_facility] [-s syslog_priority]\n"
                "              [-T syslog_tag] [-m output_mask] [-R restart_delay_secs]\n"
                "command arguments ...")


def getopt_plus(args, spec, longs):
    """getopt_long with a leading '+': options until the first operand. Returns (options, rest)
    or raises ValueError for an unknown option or a missing argument."""
    takes = {c: spec[i + 1:i + 2] == ":" for i, c in enumerate(spec) if c != ":"}
    opts, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return opts, args[i + 1:]
        if a.startswith("--"):
            key, eq, value = a[2:].partition("=")
            c = longs.get(key)
            if c is None:
                raise ValueError(a)
            if takes[c] and not eq:
                i += 1
                if i >= len(args):
                    raise ValueError(a)
                value = args[i]
            opts.append((c, value if takes[c] else None))
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                c = a[j]
                if c not in takes:
                    raise ValueError(a)
                if takes[c]:
                    value = a[j + 1:]
                    if not value:
                        i += 1
                        if i >= len(args):
                            raise ValueError(a)
                        value = args[i]
                    opts.append((c, value))
                    break
                opts.append((c, None))
                j += 1
        else:
            break
        i += 1
    return opts, args[i:]


def jail_path(path):
    """A path the jailed command names, as the host sees it: always under the jail's root, as
    jail(2)'s chroot makes it; a path the jail lacks is missing (ENOENT), never the host's.
    Two host trees stand in for something the jail has: the simulator's own programs (its
    FreeBSD commands), and /dev when the jail mounts devfs (jail(8) mount.devfs)."""
    if not path.startswith("/") or not fs.JROOT:
        return path
    if path == fs.SIM or path.startswith(os.path.dirname(fs.SIM) + "/") or path.startswith("/dev/") and jail_devfs():
        return path
    return fs.in_root(path)


def jail_devfs():
    """Whether the current jail was created with mount.devfs (jail(8): devfs on PATH/dev)."""
    info = fs.module("jail_sim").jails_state()["jails"].get(fs.JAIL) or {}
    value = str(info.get("params", {}).get("mount.devfs", "false")).lower()
    return value == "true" or value.lstrip("+-").isdigit() and int(value) != 0


def find_program(name):
    if "/" in name:
        return jail_path(name)
    for d in os.environ.get("PATH", "/usr/bin:/bin").split(":"):
        for candidate in (fs.in_root(d + "/" + name) if fs.JROOT else None, d + "/" + name):
            if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return name


def open_pidfile(path, what):
    """lib/libutil/pidfile.c pidfile_open: created 0600 and locked; a lock held by another
    process means it runs ('process already running, pid: N', exit 3)."""
    try:
        fd = os.open(jail_path(path), os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as e:
        fs.fail("daemon: %s ``%s'': %s" % (what, path, e.strerror), 2)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            with open(jail_path(path)) as f:
                other = f.read().strip()
        except OSError:
            other = "0"
        fs.fail("daemon: process already running, pid: %s" % (other or "0"), 3)
    return fd


def write_pid(fd, pid):
    if fd is not None:
        os.ftruncate(fd, 0)
        os.pwrite(fd, ("%d\n" % pid).encode(), 0)


def restrict_process(user):
    """daemon.c restrict_process: getpwnam, then setusercontext(LOGIN_SETALL), which only root
    may do (setlogin(2), setgroups(2)); then USER, HOME and SHELL."""
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        sys.stderr.write("daemon: unknown user: %s\n" % user)
        os._exit(1)
    if os.geteuid() != 0:
        sys.stderr.write("daemon: failed to set user environment\n")
        os._exit(1)
    os.initgroups(pw.pw_name, pw.pw_gid)
    os.setgid(pw.pw_gid)
    os.setuid(pw.pw_uid)
    os.environ.update(USER=pw.pw_name, HOME=pw.pw_dir, SHELL=pw.pw_shell or "/bin/sh")


def cmd_daemon(args):
    """daemon(8), after usr.sbin/daemon/daemon.c main: -o opened first (err 7), then the pid
    files (pidfile_open, errors 2 and 3), daemon(3) (detach; -f puts /dev/null on 0, 1 and 2;
    -c chdir to /), the supervisor's pid file, then with -p/-P/-r/-R/-o/-S a supervisor that
    forks the child, writes the child's pid file, relays its output to -o and passes SIGTERM
    on, restarting it after -R seconds (1 for -r) unless told to stop. -u drops to the user in
    the child. Paths are the jail's. Not modelled: syslog (-S, -l, -s, -T: output dropped),
    -H, -m, and -t (the supervisor's title)."""
    try:
        opts, command = getopt_plus(args, DAEMON_OPTS, DAEMON_LONG)
    except ValueError:
        fs.fail(DAEMON_USAGE)
    o = dict(opts)
    if "h" in o:
        fs.out(DAEMON_USAGE + "\n")
        return 0
    if not command:
        fs.fail(DAEMON_USAGE)
    supervise = any(c in o for c in "pPrRoSlsT")
    restart = float(o["R"]) if "R" in o else (1 if "r" in o else None)
    output = None
    if "o" in o:
        try:
            output = os.open(jail_path(o["o"]), os.O_CREAT | os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC, 0o600)
        except OSError as e:
            fs.fail("daemon: open: %s" % e.strerror, 7)
    child_fd = open_pidfile(o["p"], "pidfile") if "p" in o else None
    parent_fd = open_pidfile(o["P"], "ppidfile") if "P" in o else None
    if os.fork() > 0:
        return 0  # daemon(3): the caller's process returns at once
    try:
        os.setsid()
        if "c" in o:
            os.chdir(fs.in_root("/"))
        if "f" in o:
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
        write_pid(parent_fd, os.getpid())
        program = find_program(command[0])
        argv = [command[0]] + [jail_path(a) for a in command[1:]]
        if not supervise:
            if "u" in o:
                restrict_process(o["u"])
            exec_or_die(program, argv)
        supervisor(program, argv, o, output, child_fd, parent_fd, restart)
    finally:
        os._exit(1)


def exec_or_die(program, argv):
    try:
        os.execv(program, argv)
    except OSError as e:
        sys.stderr.write("daemon: %s: %s\n" % (argv[0], e.strerror))
    os._exit(1)


def supervisor(program, argv, o, output, child_fd, parent_fd, restart):
    state = {"child": 0, "terminate": False}

    def on_term(signo, frame):
        state["terminate"] = True
        if state["child"]:
            try:
                os.kill(state["child"], signo)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    while True:
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            write_pid(child_fd, os.getpid())
            if "u" in o:
                restrict_process(o["u"])
            os.close(rfd)
            os.dup2(wfd, 1)
            os.dup2(wfd, 2)
            exec_or_die(program, argv)
        state["child"] = pid
        os.close(wfd)
        while True:
            try:
                data = os.read(rfd, 4096)
            except InterruptedError:
                continue
            if not data:
                break
            if output is not None:
                os.write(output, data)
            elif "f" not in o and not any(c in o for c in "SlsT"):
                os.write(1, data)
        os.close(rfd)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        state["child"] = 0
        if state["terminate"] or restart is None:
            break
        time.sleep(restart)
        if state["terminate"]:
            break
    for fd, name in ((child_fd, "p"), (parent_fd, "P")):
        if fd is not None:
            fs.remove_quietly(jail_path(o[name]))
    os._exit(1 if state["terminate"] else 0)


# ---------------------------------------------------------------- su for rc scripts

def cmd_runas(args):
    """Not a FreeBSD command: su(1) as rc.subr (su -m USER -c CMD: the environment kept) and
    postgresql.in (su -l USER -c 'exec CMD': a login environment, the home as working
    directory) use it (usr.bin/su/su.c). Root only; others get su's 'Sorry'."""
    mode, user, command = args[0], args[1], args[2:]
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        fs.fail("su: unknown login: %s" % user)
    if os.geteuid() != 0 and os.geteuid() != pw.pw_uid:
        fs.fail("su: Sorry")
    # The port's postgres account has the home /var/db/postgres (ports' UIDs file); Debian's
    # differs, so the jail's FreeBSD home is used when it is there.
    home = fs.in_root("/var/db/postgres") if user == "postgres" and os.path.isdir(fs.in_root("/var/db/postgres")) \
        else pw.pw_dir
    if mode == "-l":
        keep = {k: v for k, v in os.environ.items() if k.startswith("UIRIG_")}
        os.environ.clear()
        os.environ.update(keep, HOME=home, USER=pw.pw_name, LOGNAME=pw.pw_name, SHELL=pw.pw_shell or "/bin/sh",
                          PATH="/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin")
        try:
            os.chdir(home)
        except OSError:
            os.chdir("/")
    if os.geteuid() != pw.pw_uid:
        os.initgroups(pw.pw_name, pw.pw_gid)
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    if command and command[0] in PG_TOOLS:
        return cmd_pgbin(command[0])(command[1:])
    return fs.become(command[0], command)


# ---------------------------------------------------------------- PostgreSQL (Debian's 15)

PG_BIN = "/usr/lib/postgresql/15/bin"
PG_TOOLS = ("pg_ctl", "initdb", "postgres")
PG_CLIENTS = ("psql", "pg_dump", "createdb", "createuser")


def pg_translate(text):
    """Output as the FreeBSD package's programs print it: their paths, the jail's paths."""
    text = text.replace(PG_BIN + "/", "/usr/local/bin/")
    return text.replace(fs.JROOT + "/", "/") if fs.JROOT else text


def pg_socket_set(datadir):
    try:
        with open(os.path.join(datadir, "postgresql.conf")) as f:
            return re.search(r"(?m)^\s*unix_socket_directories\s*=", f.read()) is not None
    except OSError:
        return False


def cmd_pgbin(tool):
    """/usr/local/bin/pg_ctl, initdb and postgres of databases/postgresql16-server: Debian's
    PostgreSQL 15 programs with the data directory (-D, --pgdata) under the jail's root. The
    server's socket goes to the root's /tmp (FreeBSD's DEFAULT_PGSOCKET_DIR), so that jails do
    not share one, unless postgresql.conf names a directory."""
    def command(args):
        mapped, i = [], 0
        datadir = None
        while i < len(args):
            a = args[i]
            if a in ("-D", "-l") and i + 1 < len(args):
                value = jail_path(args[i + 1])
                datadir = value if a == "-D" else datadir
                mapped += [a, value]
                i += 2
                continue
            if a.startswith("--pgdata="):
                datadir = jail_path(a[9:])
                a = "--pgdata=" + datadir
            mapped.append(a)
            i += 1
        if tool == "pg_ctl" and datadir and ({"start", "restart"} & set(args)) and not pg_socket_set(datadir):
            mapped = ["-o", "-c unix_socket_directories='%s'" % fs.in_root("/tmp")] + mapped
        with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
            code = subprocess.run([PG_BIN + "/" + tool] + mapped, stdin=subprocess.DEVNULL, stdout=o, stderr=e).returncode
            for f, stream in ((o, sys.stdout), (e, sys.stderr)):
                f.seek(0)
                stream.write(pg_translate(f.read().decode("utf-8", "replace")))
        return code
    return command


def cmd_pgclient(tool):
    """psql and friends of databases/postgresql16-client: Debian's, connecting by default to the
    socket in the root's /tmp (FreeBSD's default socket directory)."""
    def command(args):
        if "PGHOST" not in os.environ and not any(a in ("-h", "--host") or a.startswith("--host=") for a in args):
            os.environ["PGHOST"] = fs.in_root("/tmp")
        return fs.become(PG_BIN + "/" + tool, [tool] + args)
    return command


# ---------------------------------------------------------------- nginx (Debian's)

NGINX_PREFIX = "/usr/local/etc/nginx/"
NGINX_SHADOW = "/var/run/uirig-sim-nginx"
NGINX_PATHS = ("root", "alias", "error_log", "access_log", "pid", "ssl_certificate", "ssl_certificate_key",
               "ssl_trusted_certificate", "ssl_client_certificate", "ssl_dhparam", "client_body_temp_path",
               "proxy_temp_path", "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path", "auth_basic_user_file")


def nginx_translate(conf, seen=None):
    """Copies a configuration file (a path in the jail) into the shadow tree with its absolute
    paths under the jail's root and its includes pointing at translated copies. Line numbers
    stay, so nginx's messages name the right line. Returns the copy's host path."""
    seen = seen if seen is not None else set()
    shadow = fs.in_root(NGINX_SHADOW + conf)
    if conf in seen:
        return shadow
    seen.add(conf)
    try:
        with open(fs.in_root(conf)) as f:
            text = f.read()
    except OSError:
        return fs.in_root(conf)  # nginx reports the missing file itself

    def include(m):
        target = m.group(3)
        path = target if target.startswith("/") else NGINX_PREFIX + target
        for match in glob.glob(fs.in_root(path)):
            nginx_translate(match[len(fs.JROOT):] if fs.JROOT else match, seen)
        return m.group(1) + m.group(2) + fs.in_root(NGINX_SHADOW + path)

    text = re.sub(r"(^|[;{]\s*)(include\s+)([^\s;]+)", include, text, flags=re.M)
    text = re.sub(r"(^|[;{]\s*)((?:%s)\s+)(/[^\s;]*)" % "|".join(NGINX_PATHS),
                  lambda m: m.group(1) + m.group(2) + fs.in_root(m.group(3)), text, flags=re.M)
    os.makedirs(os.path.dirname(shadow), exist_ok=True)
    with open(shadow, "w") as f:
        f.write(text)
    return shadow


def nginx_untranslate(text):
    text = text.replace(fs.in_root(NGINX_SHADOW), "")
    return text.replace(fs.JROOT + "/", "/") if fs.JROOT else text


def cmd_nginx(args):
    """/usr/local/sbin/nginx of www/nginx: Debian's nginx with the port's compiled-in paths
    (prefix /usr/local/etc/nginx, pid /var/run/nginx.pid, error log /var/log/nginx/error.log,
    user www) under the jail's root. Its temporary directories stay Debian's (/var/lib/nginx)."""
    conf, rest, i = NGINX_PREFIX + "nginx.conf", [], 0
    while i < len(args):
        if args[i] == "-c" and i + 1 < len(args):
            conf = args[i + 1]
            i += 2
            continue
        rest.append(args[i])
        i += 1
    shadow = nginx_translate(conf)
    try:
        with open(shadow) as f:
            text = re.sub(r"#.*", "", f.read())
    except OSError:
        text = ""
    globals_ = ""
    if not re.search(r"(^|[;{]\s*)pid\s", text, re.M):
        globals_ += "pid %s;" % fs.in_root("/var/run/nginx.pid")
    if not re.search(r"(^|[;{]\s*)user\s", text, re.M) and os.geteuid() == 0:
        globals_ += " user www www;"
    os.makedirs(fs.in_root("/var/log/nginx"), exist_ok=True)
    argv = [fs_debian("nginx", "/usr/sbin/nginx"), "-p", fs.in_root(NGINX_PREFIX), "-c", shadow,
            "-e", fs.in_root("/var/log/nginx/error.log")] + (["-g", globals_] if globals_ else []) + rest
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        code = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=o, stderr=e).returncode
        for f, stream in ((o, sys.stdout), (e, sys.stderr)):
            f.seek(0)
            stream.write(nginx_untranslate(f.read().decode("utf-8", "replace")))
    return code


def fs_debian(name, default):
    moved = fs.LINUX + "/" + name
    return moved if os.path.exists(moved) else default
