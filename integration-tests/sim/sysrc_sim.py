"""sysrc(8) and rc.conf(5) as the simulated FreeBSD host reads them (also for rc_sim.py's /etc/rc
and service)."""
import os
import re
import sys

import freebsd_sim as fs
from freebsd_sim import fail, in_root, out

def rc_parse(text):
    """Assignments of an rc.conf, quotes removed, backquotes kept literal (as sysrc shows them)."""
    values = {}
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n;":
            i += 1
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        m = re.match(r"[A-Za-z_][A-Za-z0-9_]*=", text[i:])
        if not m:
            while i < n and text[i] != "\n":
                i += 1
            continue
        name = m.group(0)[:-1]
        i += len(m.group(0))
        value = []
        while i < n and text[i] not in " \t\n;":
            ch = text[i]
            if ch in "\"'":
                close = text.find(ch, i + 1)
                close = n if close < 0 else close
                value.append(text[i + 1:close])
                i = close + 1
            elif ch == "`":
                close = text.find("`", i + 1)
                close = n - 1 if close < 0 else close
                value.append(text[i:close + 1])
                i = close + 1
            else:
                value.append(ch)
                i += 1
        values[name] = "".join(value)
    return values


def rc_read(path):
    try:
        with open(path) as f:
            return rc_parse(f.read())
    except FileNotFoundError:
        return {}


def rc_conf_path():
    return in_root("/etc/rc.conf")


def writable(path):
    target = path if os.path.exists(path) else (os.path.dirname(path) or "/")
    return os.access(target, os.W_OK)


def set_rc(path, name, value):
    if not writable(path):
        # sysrc's f_sysrc_set: the file cannot be written (sed/mv fail): "sysrc: FILE: Permission denied".
        fail("sysrc: %s: Permission denied" % path[len(fs.JROOT):] if fs.JROOT and path.startswith(fs.JROOT) else
             "sysrc: %s: Permission denied" % path)
    try:
        with open(path) as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
    except FileNotFoundError:
        lines = []
    new = '%s="%s"' % (name, value)
    for i, l in enumerate(lines):
        if re.match(r"\s*%s=" % re.escape(name), l):
            lines[i] = new
            break
    else:
        lines.append(new)
    os.makedirs(os.path.dirname(path) or "/", exist_ok=True)
    tmp = path + ".sysrc-tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def remove_rc(path, name):
    if not writable(path):
        fail("sysrc: %s: Permission denied" % path)
    with open(path) as f:
        lines = [l for l in f.read().split("\n") if not re.match(r"\s*%s=" % re.escape(name), l)]
    with open(path, "w") as f:
        f.write("\n".join(lines).rstrip("\n") + "\n" if any(lines) else "")


def cmd_sysrc(args):
    """sysrc(8), after usr.sbin/sysrc/sysrc (-f, -j, -n, -c, -x, -a, NAME[+|-]=VALUE)."""
    path = rc_conf_path()
    only_value = check = remove = dump = False
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        a = args[i]
        if a == "-f":
            path = in_root(args[i + 1])
            i += 2
            continue
        if a == "-j":
            return fs.module("jail_sim").cmd_jexec([args[i + 1], "sysrc"] + args[i + 2:])
        only_value |= "n" in a
        check |= "c" in a
        remove |= "x" in a
        dump |= "a" in a
        i += 1
    values = rc_read(path)
    code = 0
    if dump:
        for k, v in values.items():
            out("%s: %s\n" % (k, v))
        return 0
    for item in args[i:]:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(\+=|-=|=)?(.*)", item, re.S)
        if not m:
            continue
        name, op, value = m.group(1), m.group(2), m.group(3)
        old = values.get(name)
        if op is None:
            if remove:
                if old is None:
                    sys.stderr.write("sysrc: unknown variable '%s'\n" % name)
                    code = 1
                else:
                    remove_rc(path, name)
                continue
            if old is None:
                sys.stderr.write("sysrc: unknown variable '%s'\n" % name)
                code = 1
            elif not check:
                out(old + "\n" if only_value else "%s: %s\n" % (name, old))
            continue
        current = old or ""
        if op == "+=":
            items = current.split()
            new = " ".join(items + ([value] if value not in items else []))
        elif op == "-=":
            new = " ".join(x for x in current.split() if x != value)
        else:
            new = value
        if check:
            code |= 0 if old is not None and new == old else 1
            continue
        set_rc(path, name, new)
        values[name] = new
        out("%s: %s -> %s\n" % (name, current, new))
    return code
