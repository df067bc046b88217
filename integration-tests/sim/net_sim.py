"""route(8) and sysctl(8) of the simulated FreeBSD host: the network stack's state. route works on
the real routing table of the current stack (the host's or a jail's VNET); sysctl's one value
with a Linux twin is the stack's IP forwarding, the others are bookkeeping."""
import json
import os
import re
import sys

from freebsd_sim import State, fail, fbsd_name, out, read_state, run

# The oids the simulator knows: name -> (default, type, writable). Types and flags as the kernel
# declares them: net.inet.ip.forwarding SYSCTL_INT CTLFLAG_VNET|CTLFLAG_RW (sys/netinet/ip_input.c);
# kern.ostype and kern.osrelease SYSCTL_STRING CTLFLAG_RD (sys/kern/kern_mib.c);
# security.jail.jailed SYSCTL_PROC CTLTYPE_INT|CTLFLAG_RD (sys/kern/kern_jail.c).
SYSCTLS = {"net.inet.ip.forwarding": ("0", "integer", True), "kern.ostype": ("FreeBSD", "string", False),
           "kern.osrelease": ("14.1-RELEASE", "string", False), "security.jail.jailed": ("0", "integer", False)}
SYSCTL_DEFAULTS = {name: oid[0] for name, oid in SYSCTLS.items()}


# FreeBSD sysctls whose Linux twin is a real setting of the current network stack.
SYSCTL_LINUX = {"net.inet.ip.forwarding": "/proc/sys/net/ipv4/ip_forward"}

SYSCTL_USAGE = ("usage: sysctl [-bdehiNnoqTtWx] [ -B <bufsize> ] [-f filename] name[=value] ...\n"
                "       sysctl [-bdehNnoqTtWx] [ -B <bufsize> ] -a")
# sysctl.c main's getopt string: the flags modelled here, and the others FreeBSD takes (-B and -f
# with an argument), which the simulator refuses rather than ignores.
SYSCTL_FLAGS, SYSCTL_UNMODELLED, SYSCTL_WITH_ARG = "eiNnqw", "AabdhotTWxX", "Bf"


def sysctl_get(data, name):
    try:
        with open(SYSCTL_LINUX[name]) as f:
            return f.read().strip()
    except (KeyError, OSError):
        return data.get(name, SYSCTL_DEFAULTS[name])


def sysctl_set(data, name, value):
    data[name] = value
    if name in SYSCTL_LINUX:
        try:
            with open(SYSCTL_LINUX[name], "w") as f:
                f.write(value + "\n")
        except OSError:
            pass  # /proc/sys read-only (the benchmark's hosts): bookkeeping only


def sysctl_warn(message):
    """warnx(3): "sysctl: MESSAGE" on stderr; sysctl.c sets stdout unbuffered, so what it printed
    before comes first."""
    sys.stdout.flush()
    sys.stderr.write("sysctl: %s\n" % message)


def c_integer(text):
    """strtol(3) with base 0 over the whole text (sysctl.c parse_numeric: nothing may follow the
    number, errno ERANGE fails), then the (int) cast of CTLTYPE_INT; None if it is no number."""
    m = re.fullmatch(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", text)
    if not m:
        return None
    digits = m.group(2)
    value = int(digits, 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") else 10)
    value = -value if m.group(1) == "-" else value
    if not -2 ** 63 <= value < 2 ** 63:
        return None
    return (value + 2 ** 31) % 2 ** 32 - 2 ** 31


def sysctl_parse(string, data, flags, root):
    """sysctl.c parse() for one argument: 0 when it is shown or set, 1 when it fails (main adds
    these up into the exit status). The name ends at the first '=' or ':' (strsep "=:"), white
    space after it is skipped and a pair of quotes stripped; trailing white space of the name is
    trimmed."""
    name, sep, value = string, "", None
    cut = min([i for i in (string.find("="), string.find(":")) if i >= 0], default=-1)
    if cut >= 0:
        name, value = string[:cut], string[cut + 1:].lstrip()
        if value[:1] in ("'", '"'):
            value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
    name = name.rstrip()
    if name not in SYSCTLS:
        # name2oid fails with ENOENT: -i ignores it, -q fails quietly, else warnx.
        if "i" in flags:
            return 0
        if "q" not in flags:
            sysctl_warn("unknown oid '%s'" % name)
        return 1

    def show(name, value, only_value):
        # show_var: the name (-N alone), else NAME, ": " (or "=" with -e) and the value (-n: the value alone).
        if "N" in flags:
            return name
        return value if only_value else "%s%s%s" % (name, "=" if "e" in flags else ": ", value)

    _, kind, writable = SYSCTLS[name]
    old = sysctl_get(data, name)
    if value is None:
        out(show(name, old, "n" in flags) + "\n")
        return 0
    if not writable:
        # CTLFLAG_WR unset (and no CTLFLAG_TUN for these): warnx, checked before the kernel is asked.
        sysctl_warn("oid '%s' is read only" % name)
        return 1
    if kind == "integer":
        if value == "":
            sysctl_warn("empty numeric value")
            return 1
        numbers = []
        for word in [w for w in re.split("[ ,]", value) if w]:
            number = c_integer(word)
            if number is None:
                sysctl_warn("invalid %s '%s'" % (kind, word))
                return 1
            numbers.append(number)
        # sysctl_handle_int (sys/kern/kern_sysctl.c) reads one int of what it is given.
        value = str(numbers[0]) if numbers else old
    out(show(name, old, "n" in flags))
    if not root:
        # The write needs PRIV_SYSCTL_WRITE (sys/kern/kern_sysctl.c sysctl_root): EPERM, after
        # which parse ends the value line and warn()s with the argument as given.
        out("\n")
        sysctl_warn("%s: Operation not permitted" % string)
        return 1
    sysctl_set(data, name, value)
    # " -> " and the new value shown as with -n, whatever the flags.
    out(" -> " + ("%s" % name if "N" in flags else value) + "\n")
    return 0


def cmd_sysctl(args):
    """sysctl(8) NAME[=VALUE]..., after sbin/sysctl/sysctl.c (main, parse, show_var): getopt
    flags -e -i -N -n -q -w; each argument shown or set; the exit status is the number of
    arguments that failed (main sums parse's results)."""
    flags, i = "", 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        if args[i] == "--":
            i += 1
            break
        word, i = args[i], i + 1
        for j, c in enumerate(word[1:]):
            if c in SYSCTL_FLAGS:
                flags += c
            elif c in SYSCTL_UNMODELLED or c in SYSCTL_WITH_ARG:
                fail("sysctl: -%s: not simulated (uirig-sim models -e -i -N -n -q -w)" % c)
            else:
                # getopt(3)'s message for a letter not in the option string (lib/libc/stdlib/getopt.c).
                sys.stderr.write("sysctl: illegal option -- %s\n" % c)
                fail(SYSCTL_USAGE)
    names = args[i:]
    if ("N" in flags and "n" in flags) or not names:
        fail(SYSCTL_USAGE)
    if os.geteuid() != 0:
        data = read_state("sysctl", {})
        return sum(sysctl_parse(item, data, flags, False) for item in names)
    with State("sysctl", {}) as st:
        return sum(sysctl_parse(item, st.data, flags, True) for item in names)


def cmd_route(args):
    """route(8) on the real routing table of the current stack (the host's or a jail's VNET).
    Messages as sbin/route/route.c prints them (rtmsg, newroute): 'add net default: gateway G'
    on success; on failure 'route: writing to routing socket: ERR' then the same line with the
    reason (errno EEXIST 'route already in table', ESRCH 'not in table')."""
    words = [a for a in args if a not in ("-n", "-q")]
    if words[:1] in (["add"], ["change"], ["delete"]) and os.geteuid() != 0:
        # Routing socket writes need PRIV_NET_ROUTE (sys/net/rtsock.c route_output): EPERM.
        fail("route: writing to routing socket: Operation not permitted")
    if words[:1] in (["add"], ["change"]) and words[1:2] == ["default"] and len(words) >= 3:
        verb, gateway = words[0], words[2]
        r = run(["ip", "route", "add" if verb == "add" else "change", "default", "via", gateway], check=False)
        if r.returncode != 0:
            if "File exists" in r.stderr:
                fail("route: writing to routing socket: File exists\n%s net default: gateway %s fib 0: route already in table"
                     % (verb, gateway))
            if "No such" in r.stderr:
                fail("route: writing to routing socket: No such process\n%s net default: gateway %s fib 0: not in table"
                     % (verb, gateway))
            fail("route: writing to routing socket: Network is unreachable\n%s net default: gateway %s fib 0: "
                 "Network is unreachable" % (verb, gateway))
        out("%s net default: gateway %s\n" % (verb, gateway))
        return 0
    if words[:2] == ["delete", "default"]:
        if run(["ip", "route", "del", "default"], check=False).returncode != 0:
            fail("route: writing to routing socket: No such process\ndelete net default: not in table")
        out("delete net default\n")
        return 0
    if words[:2] != ["get", "default"]:
        fail("usage: route [-46dnqtv] command [[modifiers] args]")
    routes = json.loads(run(["ip", "-j", "route", "show", "default"]).stdout or "[]")
    if not routes or "gateway" not in routes[0]:
        fail("route: route has not been found")
    out("   route to: default\ndestination: default\n       mask: default\n    gateway: %s\n        fib: 0\n"
        "  interface: %s\n      flags: <UP,GATEWAY,DONE,STATIC>\n"
        " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire\n"
        "       0         0         0         0      1500         1         0 \n"
        % (routes[0]["gateway"], fbsd_name(routes[0].get("dev", ""))))
    return 0
