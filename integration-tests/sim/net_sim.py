"""route(8) and sysctl(8) of the simulated FreeBSD host: the network stack's state. route works on
the real routing table of the current stack (the host's or a jail's VNET), and routing_start is
rc.d/routing's static_inet at boot; sysctl's one value with a Linux twin is the stack's IP
forwarding, the others are bookkeeping."""
import json
import os
import re
import sys

from freebsd_sim import State, fail, fbsd_name, getopt, linux_name, out, read_state, run

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



# ---------------------------------------------------------------- route(8)
# FreeBSD 14's route: sbin/route/route.c (main, newroute, getaddr) over its netlink backend,
# sbin/route/route_netlink.c (rtmsg_nl_int, print_getmsg), on Linux's main routing table.

ROUTE_USAGE = "usage: route [-j jail] [-46dnqtv] command [[modifiers] args]"
EX_USAGE, EX_DATAERR, EX_NOHOST, EX_NOPERM = 64, 65, 68, 77  # include/sysexits.h
# The kernel's errors (sys/net/route/route_ctl.c, sys/netlink/route/rt.c): the text newroute
# prints after the failed route, and strerror for rtmsg_nl_int's warnc.
ESRCH = ("not in table", None)
EEXIST = ("route already in table", "File exists")
EINVAL = ("Invalid argument", "Invalid argument")
# Keywords of sbin/route/keywords that newroute takes and the simulator does not model.
ROUTE_UNMODELLED = {"link", "6", "inet6", "sa", "nostatic", "lock", "lockrest", "reject", "blackhole", "proto1",
                    "proto2", "proxy", "xresolve", "sticky", "nostick", "fib", "ifa", "ifp", "genmask", "gateway",
                    "dst", "netmask", "prefixlen", "mtu", "hopcount", "expire", "recvpipe", "sendpipe", "ssthresh",
                    "rtt", "rttvar", "weight"}


def route_usage(keyword=None):
    """route.c usage: warnx("bad keyword: %s") for a keyword it does not know, then errx(EX_USAGE)."""
    if keyword is not None:
        sys.stderr.write("route: bad keyword: %s\n" % keyword)
    fail("route: " + ROUTE_USAGE, EX_USAGE)


def inet_aton(text):
    """The dotted quad uirig writes; inet_aton's other forms (10.1, hex) are not simulated. None
    when the text is no address at all (getaddr then asks gethostbyname, which finds no such host)."""
    import ipaddress
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        if re.fullmatch(r"[0-9a-fA-FxX.]+", text) and re.match(r"[0-9]", text):
            fail("route: address '%s': only dotted quads are simulated" % text)
        return None


class Request:
    """What newroute made of its arguments: the destination (a network the kernel masks, as
    sys/net/route/route_ctl.c fill_pxmask_family does), host or net, whether a mask was given, and
    the gateway: an address, or an interface with -interface (F_INTERFACE)."""

    def __init__(self, cmd, words):
        import ipaddress
        self.cmd, self.dest, self.gateway, self.via_dev = cmd, None, None, None
        forcehost = forcenet = interface = ishost = False
        address, masklen = None, None
        for word in words:
            if word.startswith("-"):
                key = word[1:]
                if key == "net":
                    forcenet = True
                elif key == "host":
                    forcehost = True
                elif key in ("interface", "iface"):
                    interface = True
                elif key in ("inet", "4", "static"):
                    pass  # AF_INET is the default; RTF_STATIC is always set
                elif key in ROUTE_UNMODELLED:
                    fail("route: -%s: not simulated (uirig-sim models -net, -host and -interface)" % key)
                else:
                    route_usage(key)
            elif self.dest is None:
                self.dest = word
                address, masklen, ishost = self.destination(word)
            elif self.gateway is None:
                self.gateway = word
                if interface:
                    # getaddr with F_INTERFACE: the interface's link address, from getifaddrs.
                    if run(["ip", "link", "show", "dev", linux_name(word)], check=False).returncode != 0:
                        fail("route: interface '%s' does not exist" % word, EX_DATAERR)
                    self.via_dev = linux_name(word)
                elif inet_aton(word) is None:
                    fail("route: bad address: %s" % word, EX_NOHOST)
            else:
                fail("route: a netmask after the gateway: not simulated")
        if self.dest is None:
            sys.stderr.write("route: destination parameter required\n")
            route_usage()
        self.host = (ishost or forcehost) and not forcenet
        # rtmsg_nl_int: a host route, or one without a mask, is a /32.
        plen = 32 if self.host or masklen is None else masklen
        self.prefix = ipaddress.IPv4Network((int(address), plen), strict=False)
        self.masked = masklen is not None
        self.address = address

    @staticmethod
    def destination(word):
        """getaddr(RTAX_DST): "default" is net 0.0.0.0/0; A.B.C.D/N a network (its mask set);
        a bare address a host."""
        import ipaddress
        if word == "default":
            return ipaddress.IPv4Address(0), 0, False
        if "/" in word:
            text, length = word.split("/", 1)
            address = inet_aton(text)
            if address is None:
                fail("route: bad address: %s" % text, EX_NOHOST)
            masklen = int(re.match(r"-?\d*", length).group() or 0)  # strtol(q + 1, NULL, 10)
            if not 0 <= masklen <= 32:
                fail("route: bad mask length: %s" % length, EX_NOHOST)
            return address, masklen, False
        address = inet_aton(word)
        if address is None:
            fail("route: bad address: %s" % word, EX_NOHOST)
        return address, None, True

    def line(self):
        """newroute's "add net 10.30.0.0: gateway 192.168.56.1": the destination as typed, cut at
        the '/' (getaddr writes a NUL there and never puts the '/' back for IPv4)."""
        text = "%s %s %s" % (self.cmd, "host" if self.host else "net", self.dest.split("/")[0])
        return text + (": gateway %s" % self.gateway if self.gateway else "")

    def nexthop(self):
        return ["dev", self.via_dev] if self.via_dev else ["via", self.gateway]

    def matches(self, route):
        """Whether a route goes the way asked: through the gateway, or out of the interface."""
        if self.via_dev:
            return "gateway" not in route and route.get("dev") == self.via_dev
        return route.get("gateway") == self.gateway


def linux_routes(*selector):
    """The main table's unicast routes (ip -j route show SELECTOR)."""
    r = run(["ip", "-j", "route", "show"] + list(selector), check=False)
    routes = json.loads(r.stdout or "[]") if r.returncode == 0 else []
    return [x for x in routes if x.get("type", "unicast") == "unicast"]


def prefix_of(route):
    import ipaddress
    return ipaddress.IPv4Network("0.0.0.0/0" if route["dst"] == "default" else route["dst"])


def exact_route(prefix):
    """The route to exactly this prefix (rib_lookup_prefix_plen), or None."""
    found = linux_routes("exact", str(prefix))
    return found[0] if found else None


def best_route(address):
    """The longest prefix that covers the address (the radix tree's rnh_matchaddr), or None."""
    return max(linux_routes("match", str(address)), key=lambda r: prefix_of(r).prefixlen, default=None)


def route_failed(req, error, qflag):
    """rtmsg_nl_int warns on standard error (warnx "route has not been found" for ESRCH, else
    warnc "message indicates error"), then newroute prints the route with " fib 0" (the default fib)
    and the reason on standard output, and exits 1."""
    text, strerror = error
    sys.stderr.write("route: %s\n" % ("route has not been found" if strerror is None
                                      else "message indicates error: " + strerror))
    if not qflag:
        out("%s fib 0: %s\n" % (req.line(), text))
    return 1


def gateway_problem(req):
    """The kernel's nexthop for a gateway (sys/netlink/route/rt.c finalize_nhop): the interface
    comes from sys/net/route.c ifa_ifwithroute, which finds the gateway's subnet and dismisses a
    gateway reachable only through the default route: EINVAL, before the table is looked at."""
    if req.via_dev or req.gateway is None:
        return None
    to = best_route(req.gateway)
    if to is None or prefix_of(to).prefixlen == 0:
        return EINVAL
    if "gateway" in to:
        fail("route: gateway %s behind the route to %s: not simulated" % (req.gateway, to["dst"]))
    return None


def linux_route(verb, req):
    r = run(["ip", "route", verb, str(req.prefix)] + req.nexthop(), check=False)
    if r.returncode != 0:
        fail("route: uirig-sim: ip route %s %s failed: %s" % (verb, req.prefix, r.stderr.strip()))


def route_change(req, qflag):
    """add, change, delete as the kernel's netlink handlers do them (sys/netlink/route/rt.c
    rtnl_handle_newroute, rtnl_handle_delroute; sys/net/route/route_ctl.c): add with
    NLM_F_CREATE|NLM_F_APPEND (EEXIST for the same way), change with NLM_F_REPLACE (ESRCH when the
    prefix has no route), delete of the prefix (ESRCH when none goes the way asked)."""
    verb = {"a": "add", "c": "change", "d": "delete"}[req.cmd[0]]
    if verb == "delete":
        found = exact_route(req.prefix)
        if found is None or (req.gateway and not req.matches(found)):
            return route_failed(req, ESRCH, qflag)
        run(["ip", "route", "del", str(req.prefix)], check=False)
    else:
        if req.gateway is None:
            fail("route: %s without a gateway: not simulated" % req.cmd)
        problem = gateway_problem(req)
        if problem:
            return route_failed(req, problem, qflag)
        found = exact_route(req.prefix)
        if verb == "change" and found is None:
            return route_failed(req, ESRCH, qflag)
        if verb == "add" and found is not None:
            if req.matches(found):
                return route_failed(req, EEXIST, qflag)
            # With GENERIC's ROUTE_MPATH, NLM_F_APPEND adds the second way to a multipath route
            # (route_ctl.c add_route_flags_mpath): the simulator keeps one way per prefix.
            fail("route: add of a second way to %s: not simulated (FreeBSD 14 appends it as a multipath route)"
                 % req.prefix)
        linux_route(verb, req)
    if not qflag:
        out(req.line() + "\n")
    return 0


def route_name(address, prefixlen):
    """routename: 0.0.0.0 as "default" (as the simulator has always shown it), else dotted."""
    return "default" if prefixlen == 0 and int(address) == 0 else str(address)


def route_get(req):
    """get: with a mask the exact prefix (rtmsg_nl_int sets RTM_F_PREFIX), else the best match;
    print_getmsg's lines. Not found: warnx, and newroute exits with rtmsg's -1 (255)."""
    import ipaddress
    found = exact_route(req.prefix) if req.masked else best_route(req.address)
    if found is None:
        sys.stderr.write("route: route has not been found\n")
        return 255
    prefix = prefix_of(found)
    dev = found.get("dev", "")
    flags = ["UP"] + (["GATEWAY"] if "gateway" in found else []) + (["HOST"] if prefix.prefixlen == 32 else [])
    flags += ["DONE", "PINNED" if found.get("protocol") == "kernel" else "STATIC"]
    lines = ["   route to: %s" % route_name(req.address, req.prefix.prefixlen if req.masked else 32),
             "destination: %s" % route_name(prefix.network_address, prefix.prefixlen)]
    if prefix.prefixlen != 32:  # get_netmask: none for a host route
        lines.append("       mask: %s" % ("default" if prefix.prefixlen == 0 else
                                          ipaddress.IPv4Network("0.0.0.0/%d" % prefix.prefixlen).netmask))
    if "gateway" in found:
        lines.append("    gateway: %s" % found["gateway"])
    try:
        with open("/sys/class/net/%s/mtu" % dev) as f:
            mtu = int(f.read())
    except (OSError, ValueError):
        mtu = 1500
    lines += ["        fib: 0", "  interface: %s" % fbsd_name(dev), "      flags: <%s>" % ",".join(flags),
              " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire",
              "%8d  %8d  %8d  %8d  %8d  %8d  %8d " % (0, 0, 0, 0, mtu, 1, 0)]
    out("\n".join(lines) + "\n")
    return 0


def cmd_route(args):
    """route(8) add, change, delete and get of -net and -host routes, through a gateway or
    -interface, on the current stack's routing table, after sbin/route/route.c and
    sbin/route/route_netlink.c (FreeBSD 14 builds route with netlink). main's getopt "46nqdtvj:" (-n and -q
    modelled: every address is printed numerically anyway), then newroute; changes need root
    (newroute: errx(EX_NOPERM), before the arguments are read; get sets uid = 0 first)."""
    opts, words = getopt("route", args, "46nqdtvj:", route_usage)
    for opt, _ in opts:
        if opt not in "nq4":
            fail("route: -%s: not simulated (uirig-sim models -n and -q)" % opt)
    qflag = any(opt == "q" for opt, _ in opts)
    if not words:
        route_usage()
    cmd = words[0]
    if cmd not in ("add", "change", "delete", "del", "get"):
        if cmd in ("show", "flush", "monitor"):
            fail("route: %s: not simulated (uirig-sim models add, change, delete and get)" % cmd)
        route_usage(cmd)
    if cmd != "get" and os.geteuid() != 0:
        fail("route: must be root to alter routing table", EX_NOPERM)
    req = Request(cmd, words[1:])
    return route_get(req) if cmd == "get" else route_change(req, qflag)


def routing_start(rc):
    """libexec/rc/rc.d/routing static_inet at boot: each word of static_routes (a "NAME:IF" word
    is cut at the ':'), its route_NAME looked up as network.subr get_if_var does (. - / + read as
    _), run as "route add ROUTE_ARGS"; a missing one warned about; defaultrouter last, as the route
    _default. (Its _loopback route, 127.0.0.1 to lo0, is Linux's own: not added.) rc sources the
    script (rc.subr run_rc_script), so warn names /etc/rc."""
    words = (rc.get("static_routes") or "").split()
    routes = [w.rsplit(":", 1)[0] for w in words]
    args = {name: rc.get("route_" + re.sub(r"[.\-/+]", "_", name), "") for name in routes}
    if (rc.get("defaultrouter") or "").upper() not in ("", "NO"):
        routes.append("_default")
        args["_default"] = "default " + rc["defaultrouter"]
    for name in routes:
        if not args[name].split():
            sys.stderr.write("/etc/rc: WARNING: route_%s not found.\n" % name)
            continue
        try:
            cmd_route(["add"] + args[name].split())
        except SystemExit:
            pass  # route's own messages are printed; rc goes on
