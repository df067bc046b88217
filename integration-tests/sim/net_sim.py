"""route(8) and sysctl(8) of the simulated FreeBSD host: the network stack's state. route works on
the real routing table of the current stack (the host's or a jail's VNET); sysctl's one value
with a Linux twin is the stack's IP forwarding, the others are bookkeeping."""
import json
import os
import sys

from freebsd_sim import State, fail, fbsd_name, out, read_state, run

SYSCTL_DEFAULTS = {"net.inet.ip.forwarding": "0", "kern.ostype": "FreeBSD", "kern.osrelease": "14.1-RELEASE",
                   "security.jail.jailed": "0"}


# FreeBSD sysctls whose Linux twin is a real setting of the current network stack.
SYSCTL_LINUX = {"net.inet.ip.forwarding": "/proc/sys/net/ipv4/ip_forward"}


def sysctl_get(data, name):
    try:
        with open(SYSCTL_LINUX[name]) as f:
            return f.read().strip()
    except (KeyError, OSError):
        return data[name]


def sysctl_set(data, name, value):
    data[name] = value
    if name in SYSCTL_LINUX:
        try:
            with open(SYSCTL_LINUX[name], "w") as f:
                f.write(value + "\n")
        except OSError:
            pass  # /proc/sys read-only (the benchmark's hosts): bookkeeping only


def cmd_sysctl(args):
    """sysctl(8), after sbin/sysctl/sysctl.c (NAME, NAME=VALUE, -n; "sysctl: unknown oid")."""
    only_value = False
    names = []
    for a in args:
        if a == "-n":
            only_value = True
        elif not a.startswith("-"):
            names.append(a)
    code = 0
    if os.geteuid() != 0:
        for item in names:
            if "=" in item:
                # sysctl(3) set needs privilege (sys/kern/kern_sysctl.c sysctl_root: EPERM).
                fail("sysctl: %s: Operation not permitted" % item.split("=")[0])
        data = dict(SYSCTL_DEFAULTS, **read_state("sysctl", {}))
        for item in names:
            if item not in data:
                sys.stderr.write("sysctl: unknown oid '%s'\n" % item)
                code = 1
            else:
                out(sysctl_get(data, item) + "\n" if only_value else "%s: %s\n" % (item, sysctl_get(data, item)))
        return code
    with State("sysctl", SYSCTL_DEFAULTS) as st:
        for item in names:
            name, _, value = item.partition("=")
            if name not in st.data:
                sys.stderr.write("sysctl: unknown oid '%s'\n" % name)
                code = 1
                continue
            if _:
                out("%s: %s -> %s\n" % (name, sysctl_get(st.data, name), value))
                sysctl_set(st.data, name, value)
            else:
                current = sysctl_get(st.data, name)
                out(current + "\n" if only_value else "%s: %s\n" % (name, current))
    return code


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
