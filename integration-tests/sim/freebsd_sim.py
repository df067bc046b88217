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
"""
# Every command is a new process: modules only a few commands need are imported where used
# (ipaddress, hashlib, socket), and the launcher imports this file so its bytecode is cached.
import fcntl
import grp
import json
import os
import pwd
import re
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


# ---------------------------------------------------------------- rc.conf

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


# ---------------------------------------------------------------- ifconfig

FLAG_BITS = [("UP", 0x1), ("BROADCAST", 0x2), ("LOOPBACK", 0x8), ("RUNNING", 0x40), ("PROMISC", 0x100),
             ("SIMPLEX", 0x800), ("MULTICAST", 0x8000), ("LOWER_UP", 0x1000000)]


def links():
    data = json.loads(run(["ip", "-d", "-j", "addr", "show"]).stdout or "[]")
    return sorted(data, key=lambda l: l.get("ifindex", 0))


EPAIR_ALIAS = "uirig-sim:epair"


def kind(link):
    """loopback, bridge, veth (an epair made by this simulator) or ether (a NIC, Docker's veth included)."""
    if link.get("link_type") == "loopback":
        return "loopback"
    k = (link.get("linkinfo") or {}).get("info_kind", "ether")
    if k == "veth" and link.get("ifalias") != EPAIR_ALIAS:
        return "ether"
    return k if k in ("bridge", "veth", "dummy") else "ether"


def group_of(link):
    return {"loopback": "lo", "veth": "epair", "bridge": "bridge"}.get(kind(link))


def flags_of(link):
    lf = set(link.get("flags", []))
    names = []
    up = "UP" in lf
    for name, _ in FLAG_BITS:
        if name == "UP" and up:
            names.append(name)
        elif name == "BROADCAST" and "BROADCAST" in lf:
            names.append(name)
        elif name == "LOOPBACK" and kind(link) == "loopback":
            names.append(name)
        elif name == "RUNNING" and up:
            names.append(name)
        elif name == "PROMISC" and (link.get("master") or "PROMISC" in lf):
            names.append(name)
        elif name == "SIMPLEX" and kind(link) != "loopback":
            names.append(name)
        elif name == "MULTICAST" and "MULTICAST" in lf:
            names.append(name)
        elif name == "LOWER_UP" and up and ("LOWER_UP" in lf or kind(link) == "loopback"):
            names.append(name)
    bits = sum(b for n, b in FLAG_BITS if n in names)
    return "flags=%x<%s>" % (bits, ",".join(names))


def netmask_hex(prefix):
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF if prefix else 0
    return "0x%08x" % mask


def show(link, members_of):
    import ipaddress
    name = link["ifname"]
    k = kind(link)
    lines = ["%s: %s metric 0 mtu %d" % (fbsd_name(name), flags_of(link), link.get("mtu", 16384 if k == "loopback" else 1500))]
    if descriptions().get(name):
        lines.append("\tdescription: " + descriptions()[name])
    if k == "loopback":
        lines.append("\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>")
    elif k == "veth":
        lines.append("\toptions=8<VLAN_MTU>")
    elif k == "bridge":
        lines.append("\toptions=0")
    else:
        lines.append("\toptions=80008<VLAN_MTU,LINKSTATE>")
    if k != "loopback" and link.get("address"):
        lines.append("\tether " + link["address"])
    for a in link.get("addr_info", []):
        if a.get("family") == "inet":
            net = ipaddress.ip_network("%s/%d" % (a["local"], a["prefixlen"]), strict=False)
            line = "\tinet %s netmask %s" % (a["local"], netmask_hex(a["prefixlen"]))
            if k != "loopback":
                line += " broadcast %s" % a.get("broadcast", net.broadcast_address)
            lines.append(line)
        elif a.get("family") == "inet6" and k == "loopback":
            lines.append("\tinet6 %s prefixlen %d" % (a["local"], a["prefixlen"]))
    if k == "bridge":
        lines.append("\tid 00:00:00:00:00:00 priority 32768 hellotime 2 fwddelay 15")
        lines.append("\tmaxage 20 holdcnt 6 proto rstp maxaddr 2000 timeout 1200")
        lines.append("\troot id 00:00:00:00:00:00 priority 32768 ifcost 0 port 0")
        for member in reversed(members_of.get(name, [])):
            lines.append("\tmember: %s flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>" % member["ifname"])
            lines.append("\t        ifmaxaddr 0 port %d priority 128 path cost 2000" % member["ifindex"])
    group = group_of(link)
    if group:
        lines.append("\tgroups: " + group)
    if k in ("veth", "ether", "dummy"):
        lines.append("\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)")
        lines.append("\tstatus: " + ("active" if "UP" in link.get("flags", []) else "no carrier"))
    lines.append("\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>")
    return "\n".join(lines) + "\n"


def fbsd_name(linux_name):
    return "lo0" if linux_name == "lo" else linux_name


def linux_name(name):
    return "lo" if name == "lo0" else name


def ifconfig_list(only=None, group=None):
    all_links = links()
    members_of = {}
    for l in all_links:
        if l.get("master"):
            members_of.setdefault(l["master"], []).append(l)
    for l in all_links:
        if l["ifname"].endswith("-wire"):
            continue  # the unplugged end of a simulated NIC's cable
        if only and l["ifname"] != only:
            continue
        if group and group_of(l) != group:
            continue
        out(show(l, members_of))


def link_exists(name):
    return run(["ip", "link", "show", "dev", name], check=False).returncode == 0


def is_up(name):
    r = run(["ip", "-j", "link", "show", "dev", name], check=False)
    return r.returncode == 0 and "UP" in json.loads(r.stdout)[0].get("flags", [])


def rename(old, new):
    """ifconfig IF name NEW (SIOCSIFNAME) renames in place: addresses and routes stay. Linux can
    rename only a link that is down, and taking it down drops its routes: they are put back."""
    was_up = is_up(old)
    routes = json.loads(run(["ip", "-j", "route", "show", "dev", old]).stdout or "[]") if was_up else []
    if was_up:
        run(["ip", "link", "set", old, "down"])
    run(["ip", "link", "set", old, "name", new])
    if was_up:
        run(["ip", "link", "set", new, "up"])
        for r in routes:
            if r.get("gateway"):
                run(["ip", "route", "replace", r["dst"], "via", r["gateway"], "dev", new], check=False)


def jail_netns(jail):
    return NETNS_PREFIX + jail


# sbin/ifconfig's command tables (ifconfig.c basic_cmds, ifclone.c, af_inet.c, ifbridge.c,
# ifvlan.c, ifgroup.c, ifmedia.c): the keywords that take no argument and those that take one.
# A word that is neither is an address (ifconfig.c main's loop: setifaddr for the first,
# setifdstaddr for the next ones).
IF_NOARG = set("""up down alias -alias delete destroy create plumb unplumb -description -descr
    vlanhwtag -vlanhwtag vlanmtu -vlanmtu vlanhwcsum -vlanhwcsum vlanhwtso -vlanhwtso
    vlanhwfilter -vlanhwfilter rxcsum -rxcsum txcsum -txcsum rxcsum6 -rxcsum6 txcsum6 -txcsum6
    tso -tso tso4 -tso4 tso6 -tso6 lro -lro wol -wol vlandev -vlandev promisc -promisc monitor
    -monitor arp -arp staticarp -staticarp debug -debug link0 -link0 link1 -link1 link2 -link2
    -ifdisabled ifdisabled auto_linklocal -auto_linklocal accept_rtadv -accept_rtadv
    nd6 -nd6 stp -stp""".split()) - {"vlandev"}
IF_ONEARG = set("""mtu description descr name vnet -vnet addm deletem netmask broadcast metric media
    mediaopt -mediaopt mode ether lladdr vlan vlandev group -group vlanpcp
    edge -edge autoedge -autoedge ptp -ptp autoptp -autoptp priority""".split())
IF_FAMILIES = ("inet", "inet6", "link", "ether", "lladdr")


class IfconfigError(Exception):
    pass


def inet_aton(text):
    """inet_aton(3) (lib/libc/inet/inet_addr.c): one to four parts, each decimal, octal (0...)
    or hex (0x...); the last part fills the remaining bytes. None when it is no address."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        m = re.fullmatch(r"0[xX]([0-9a-fA-F]*)|0([0-7]*)|([1-9][0-9]*)", part)
        if not m:
            return None
        values.append(int(m.group(1) or "0", 16) if m.group(1) is not None
                      else int(m.group(2) or "0", 8) if m.group(2) is not None else int(m.group(3)))
    *head, last = values
    if any(v > 255 for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    n = last
    for i, v in enumerate(head):
        n |= v << (24 - 8 * i)
    return "%d.%d.%d.%d" % (n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def classful_prefix(addr):
    """The mask the kernel guesses for an address given without one (sys/netinet/in.c
    in_aifaddr_ioctl: the class A/B/C network), which af_inet.c in_postproc warns about."""
    first = int(addr.split(".")[0])
    return 8 if first < 128 else 16 if first < 192 else 24 if first < 224 else 32


def in_getaddr(word, which):
    """af_inet.c in_getaddr: ADDR may carry /WIDTH; anything inet_aton rejects is looked up as a
    host name, and fails with 'WORD: bad value' (host names are not resolved here)."""
    prefix = None
    text = word
    if which == "addr" and "/" in word:
        text, _, width = word.rpartition("/")
        if not width.isdigit() or int(width) > 32:
            raise IfconfigError("%s: bad value (width %s)" % (text, "invalid" if not width.isdigit() else "too large"))
        prefix = int(width)
    addr = inet_aton(text)
    if addr is None:
        raise IfconfigError("%s: bad value" % word)
    return addr, prefix


def parse_ifconfig(words):
    """The words after the interface name, as ifconfig.c main and ifconfig() take them: an
    address family first (default inet), then keywords with their argument, and bare words as
    addresses. Returns (actions, address) where actions are (keyword, argument) in order and
    address is a dict (addr, prefix, dst, mask, alias, delete, family) or None."""
    family = "inet"
    if words and words[0] in IF_FAMILIES:
        family, words = words[0], words[1:]
    actions, address = [], {"addr": None, "prefix": None, "dst": None, "mask": None, "broadcast": None,
                             "alias": False, "delete": False, "family": family}
    i = 0
    while i < len(words):
        w = words[i]
        if w in IF_ONEARG:
            if i + 1 >= len(words):
                raise IfconfigError("'%s' requires argument" % w)
            value = words[i + 1]
            if w == "netmask":
                address["mask"] = netmask_prefix(value)
            elif w == "broadcast":
                address["broadcast"] = in_getaddr(value, "dst")[0]
            else:
                actions.append((w, value))
            i += 2
            continue
        if w in IF_NOARG:
            if w == "alias":
                address["alias"] = True
            elif w in ("-alias", "delete"):
                address["delete"] = True
            else:
                actions.append((w, None))
            i += 1
            continue
        if family != "inet":
            i += 1  # inet6 and link-level addresses are not modelled
            continue
        if address["addr"] is None:
            address["addr"], address["prefix"] = in_getaddr(w, "addr")
        else:
            address["dst"] = in_getaddr(w, "dst")[0]  # setifdstaddr: the last one wins
        i += 1
    return actions, (address if address["addr"] else None)


def netmask_prefix(value):
    """af_inet.c in_getaddr(MASK): a dotted or 0x hex mask."""
    if value.lower().startswith("0x"):
        n = int(value, 16)
    else:
        a = inet_aton(value)
        if a is None:
            raise IfconfigError("%s: bad value" % value)
        n = sum(int(x) << (24 - 8 * i) for i, x in enumerate(a.split(".")))
    return bin(n).count("1")


# The ioctl each change needs, and how FreeBSD's ifconfig reports it failing for a user who is
# not root (EPERM): err(3) texts, or Perror's 'ioctl (...): permission denied' for addresses.
IF_DENIED = {"create": "SIOCIFCREATE2: Operation not permitted", "destroy": "SIOCIFDESTROY: Operation not permitted",
             "name": "ioctl SIOCSIFNAME (set name): Operation not permitted",
             "mtu": "ioctl SIOCSIFMTU (set mtu): Operation not permitted",
             "description": "ioctl (set descr): Operation not permitted",
             "vnet": "SIOCSIFVNET: Operation not permitted", "-vnet": "SIOCSIFRVNET: Operation not permitted",
             "addm": "BRDGADD %s: Operation not permitted", "deletem": "BRDGDEL %s: Operation not permitted",
             "address": "ioctl (SIOCAIFADDR): permission denied", "delete": "ioctl (SIOCDIFADDR): permission denied",
             "flags": "SIOCSIFFLAGS: Operation not permitted", "caps": "SIOCSIFCAP: Operation not permitted"}


def if_denied(actions, address, creating):
    if creating:
        return IF_DENIED["create"]
    for word, value in actions:
        key = {"descr": "description"}.get(word, word)
        if key in IF_DENIED:
            return IF_DENIED[key] % value if "%s" in IF_DENIED[key] else IF_DENIED[key]
        if word in ("up", "down", "promisc", "-promisc", "arp", "-arp", "debug", "-debug", "monitor", "-monitor"):
            return IF_DENIED["flags"]
        return IF_DENIED["caps"]
    if address:
        return IF_DENIED["delete" if address["delete"] else "address"]
    return None


def descriptions():
    return read_state("ifdescr", {})


def cmd_ifconfig(args):
    """ifconfig(8), after sbin/ifconfig/ifconfig.c (main, ifconfig(), the cloner and option tables
    of ifclone.c, af_inet.c, ifbridge.c, ifepair.c, ifvlan.c)."""
    if not args or args[0] == "-a":
        ifconfig_list()
        return 0
    if args[0] == "-l":
        out(" ".join(fbsd_name(l["ifname"]) for l in links() if not l["ifname"].endswith("-wire")) + "\n")
        return 0
    if args[0] in ("-g", "-ag") or (args[0] == "-a" and len(args) > 2 and args[1] == "-g"):
        group = args[-1]
        if args[0] == "-g":
            for l in links():
                if group_of(l) == group:
                    out(fbsd_name(l["ifname"]) + "\n")
        else:
            ifconfig_list(group=group)
        return 0
    name = linux_name(args[0])
    rest = args[1:]
    creating = bool(rest) and rest[0] in ("create", "plumb")
    try:
        actions, address = parse_ifconfig(rest[1:] if creating else rest)
    except IfconfigError as e:
        fail("ifconfig: %s" % e)
    if (creating or actions or address) and os.geteuid() != 0:
        fail("ifconfig: " + if_denied(actions, address, creating))
    if creating:
        name = if_create(name, actions)
        if not actions and not address:
            return 0
    if not link_exists(name):
        fail("ifconfig: interface %s does not exist" % fbsd_name(name))
    if not actions and not address:
        ifconfig_list(only=name)
        return 0
    for word, value in actions:
        name = if_action(name, word, value)
        if name is None:
            return 0
    if address:
        if_address(name, address)
    return 0


def if_create(name, actions):
    """ifclone.c clone_create: 'ifconfig epairN|bridgeN create' prints the new interface's name
    (with 'name X' following, the final name)."""
    m = re.fullmatch(r"(epair|bridge)(\d*)", name)
    if not m:
        fail("ifconfig: SIOCIFCREATE2: Invalid argument")
    cloner, unit = m.group(1), m.group(2)
    first = cloner + "%s" + ("a" if cloner == "epair" else "")
    if unit == "":
        unit = 0
        while link_exists(first % unit):
            unit += 1
    if link_exists(first % unit):
        fail("ifconfig: SIOCIFCREATE2 (%s%s): File exists" % (cloner, unit))
    if cloner == "epair":
        run(["ip", "link", "add", "epair%sa" % unit, "type", "veth", "peer", "name", "epair%sb" % unit])
        for end in ("a", "b"):
            run(["ip", "link", "set", "epair%s%s" % (unit, end), "alias", EPAIR_ALIAS])
    else:
        run(["ip", "link", "add", "bridge%s" % unit, "type", "bridge"])
    created = first % unit
    if actions and actions[0][0] == "name":
        rename(created, actions[0][1])
        created = actions.pop(0)[1]
    out(created + "\n")
    return created


def if_action(name, word, value):
    """One keyword's callback, in command-line order (ifconfig.c ifconfig(): cmd->c_u.c_func).
    Returns the interface's (possibly new) name, or None when it left this stack."""
    if word == "destroy":
        run(["ip", "link", "del", name])
        return None
    if word == "name":
        if value != name and link_exists(name):
            rename(name, value)
            out(value + "\n")
        return value
    if word == "up":
        run(["ip", "link", "set", name, "up"])
    elif word == "down":
        run(["ip", "link", "set", name, "down"])
    elif word == "mtu":
        if not value.isdigit():
            fail("ifconfig: mtu %s: bad value" % value)
        r = run(["ip", "link", "set", name, "mtu", value], check=False)
        if r.returncode != 0:
            fail("ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument")
    elif word in ("description", "descr"):
        with State("ifdescr", {}) as st:
            st.data[name] = value
    elif word in ("-description", "-descr"):
        with State("ifdescr", {}) as st:
            st.data.pop(name, None)
    elif word == "addm":
        if not link_exists(value):
            fail("ifconfig: BRDGADD %s: No such file or directory" % value)
        run(["ip", "link", "set", value, "master", name])
        run(["ip", "link", "set", value, "up"])
    elif word == "deletem":
        run(["ip", "link", "set", value, "nomaster"])
    elif word == "vnet":
        if not os.path.exists("/var/run/netns/" + jail_netns(value)):
            fail("ifconfig: SIOCSIFVNET: Invalid argument")
        run(["ip", "link", "set", name, "netns", jail_netns(value)])
        return None
    elif word == "-vnet":
        run(["ip", "-n", jail_netns(value), "link", "set", name, "netns", "1"])
        return None
    elif word in ("ether", "lladdr"):
        run(["ip", "link", "set", name, "address", value])
    # Capabilities (vlanhwtag, rxcsum, ...), groups, media and metric: accepted, not modelled.
    return name


def if_address(name, address):
    """ifconfig.c ifconfig(): after the keywords, SIOCDIFADDR of the first address unless
    'alias' (or of the given one with -alias/delete), then SIOCAIFADDR. For a broadcast
    interface the destination address is the broadcast address (struct in_aliasreq: ifra_dstaddr
    and ifra_broadaddr are one field); without a mask the kernel guesses the class's."""
    addr = address["addr"]
    current = [a for l in links() if l["ifname"] == name for a in l.get("addr_info", []) if a.get("family") == "inet"]
    if address["delete"]:
        for a in current:
            if a["local"] == addr:
                run(["ip", "addr", "del", "%s/%d" % (a["local"], a["prefixlen"]), "dev", name])
                return
        fail("ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address")
    prefix = address["prefix"] if address["prefix"] is not None else address["mask"]
    if prefix is None:
        sys.stderr.write("ifconfig: WARNING: setting interface address without mask is deprecated,\n"
                         "default mask may not be correct.\n")
        prefix = classful_prefix(addr)
    broadcast = address["broadcast"] or address["dst"]
    cidr = "%s/%d" % (addr, prefix)
    same = [a for a in current if "%s/%d" % (a["local"], a["prefixlen"]) == cidr
            and (not broadcast or a.get("broadcast") == broadcast)]
    if not address["alias"] and current and not same:
        first = current[0]
        run(["ip", "addr", "del", "%s/%d" % (first["local"], first["prefixlen"]), "dev", name])
    if not same:
        extra = ["broadcast", broadcast] if broadcast and name != "lo" else (["broadcast", "+"] if name != "lo" else [])
        r = run(["ip", "addr", "add", cidr] + extra + ["dev", name], check=False)
        if r.returncode != 0 and "File exists" in r.stderr:
            fail("ifconfig: ioctl (SIOCAIFADDR): File exists")
        elif r.returncode != 0:
            raise RuntimeError(r.stderr.strip())
    run(["ip", "link", "set", name, "up"])


# ---------------------------------------------------------------- jails

# jail.conf(5) as usr.sbin/jail reads it: jaillex.l's tokens, jailparse.y's grammar (FreeBSD 14:
# nested jails, parameters outside a block go to the "*" pseudo-jail) and config.c load_config's
# merging of wildcard/global parameters and variable substitution.

JC_ATOM = r"[A-Za-z0-9_!%&()\-.:<>?@\[\]^`|~]+|\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.|\n)|[$*+/\\]"
JC_VAR = r"\$[A-Za-z_][A-Za-z_0-9]*"
# jaillex.l's rules per start condition, in its order (flex: longest match, then first rule).
JC_RULES = {
    "_": [(r"[ \t\r\n]+", "space"), (r"#.*", "space"), (r"//.*", "space"),
          (r"/\*(?:[^*]|\*+[^*/])*\*+/", "space"), (r"\+=", "PLEQ"), (r"[,;={}]", "char"),
          (JC_ATOM, "atom"), (r"'(?:[^'\\]|\\(?:.|\n))*'", "squote"), (r'"(?:[^"\\]|\\(?:.|\n))*"', "dquote"),
          (JC_VAR, "var"), (r"\$\{(?:\\(?:.|\n)|[^\n{}])*\}", "bvar"),
          (r"/\*(?:[^*]|\*+[^*/])*\**", "unterminated comment"),
          (r"'(?:[^\n'\\]|\\.)*|\"(?:[^\n\"\\]|\\.)*", "unterminated string"),
          (r"\$\{(?:\\.|[^\n{}])*", "unterminated variable"), (r".", "char")],
    "DQ": [(JC_ATOM, "atom"), (r'[^"$\\](?:[^"\\]|\\(?:.|\n))*"', "dquote"), (r'"', "close"),
           (JC_VAR, "var"), (r'\$\{(?:\\(?:.|\n)|[^\n"{}])*\}', "bvar"),
           (r'\$\{(?:\\.|[^\n"{}])*', "unterminated variable"), (r"(?:.|\n)", "leave")],
}
JC_COMPILED = {state: [(re.compile(p), kind) for p, kind in rules] for state, rules in JC_RULES.items()}
JC_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def jc_unescape(text, tovar=False):
    """jaillex.l text2lval: backslash escapes (octal, \\x hex, C letters, \\newline dropped);
    with tovar, stop at a '$'. Returns (value, index of the '$' or None)."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            if tovar and c == "$":
                return "".join(out), i
            out.append(c)
            i += 1
            continue
        i += 1
        e = text[i] if i < len(text) else "\0"
        octal = re.match(r"[0-7]{1,3}", text[i:])
        hexa = re.match(r"x([0-9A-Fa-f]{0,2})", text[i:])
        if octal:
            out.append(chr(int(octal.group(), 8) & 0xff))
            i += len(octal.group())
        elif hexa:
            out.append(chr(int(hexa.group(1) or "0", 16)))
            i += len(hexa.group())
        else:
            out.append("" if e == "\n" else JC_ESCAPES.get(e, e))
            i += 1
    return "".join(out), None


def c_string(value):
    """A jail.conf string is a C string: it ends at its first NUL."""
    return value.split("\0", 1)[0]


class JailConfLexer:
    """jaillex.l: yields (kind, value, raw text, line); kinds STR STR1 VAR VAR1 PLEQ , ; = { } EOF,
    or the character itself for anything else. Complaints go to warn() and make the file fail."""

    def __init__(self, text, cfname, warn):
        self.text, self.cfname, self.warn = text, cfname, warn
        self.pos, self.state, self.instr, self.error = 0, "_", False, False

    def line(self):
        return self.text.count("\n", 0, self.pos) + 1

    def longest(self):
        best, kind = None, None
        for rx, k in JC_COMPILED[self.state]:
            m = rx.match(self.text, self.pos)
            if m and (best is None or len(m.group()) > len(best.group())):
                best, kind = m, k
        return best, kind

    def piece(self, value, var=False):
        kind = ("VAR" if var else "STR") + ("1" if self.instr else "")
        self.instr = True
        return kind, c_string(value)

    def next(self):
        while self.pos < len(self.text):
            start = self.pos
            m, kind = self.longest()
            raw = m.group()
            self.pos = m.end()
            token = self.action(kind, raw, start)
            if token:
                return token + (self.text[start:self.pos], self.line())
        return "EOF", "", "", self.line()

    def action(self, kind, raw, start):
        if kind == "space":
            self.instr = False
        elif kind in ("PLEQ", "char") and (kind == "PLEQ" or raw in ",;={}"):
            self.instr = False
            return (kind if kind == "PLEQ" else raw), raw
        elif kind == "char":
            return raw, raw
        elif kind == "atom":
            return self.piece(jc_unescape(raw)[0])
        elif kind == "squote":
            return self.piece(jc_unescape(raw[1:-1])[0])
        elif kind == "dquote":
            return self.dquote(raw, start)
        elif kind == "close":
            self.state = "_"
        elif kind == "var":
            return self.piece(raw[1:], var=True)
        elif kind == "bvar":
            return self.piece(jc_unescape(raw[2:-1])[0], var=True)
        elif kind == "leave":
            self.state, self.pos = "_", start
        else:
            self.warn("%s line %d: %s" % (self.cfname, self.line(), kind))
            self.error = True
        return None

    def dquote(self, raw, start):
        skip = 1 if raw.startswith('"') else 0
        value, at = jc_unescape(raw[skip:-1], tovar=True)
        if at is None:
            self.state = "_"
        else:
            # A variable inside the string: back up to the '$' (yyless) and go on in DQ mode.
            self.state, self.pos = "DQ", start + skip + at
        return self.piece(value)


class JailConfSyntax(Exception):
    pass


class JailConfAbort(Exception):
    pass


class JailConfParser:
    """jailparse.y by recursive descent, with yacc's recovery (the 'param: error' rule):
    after a syntax error, tokens are dropped up to a ';', and a new error is reported only once
    three tokens have been shifted since. Jails are [name, params]; a param is
    {name, var, append, values: [[text, [[var, pos], ...]], ...]}."""

    def __init__(self, text, cfname, warn):
        self.lex = JailConfLexer(text, cfname, warn)
        self.cfname, self.warn = cfname, warn
        self.look = self.lex.next()
        self.errflag, self.syntax_errors, self.aborted = 0, 0, False
        self.jails, self.glob = [], None

    def shift(self):
        token = self.look
        self.errflag = max(0, self.errflag - 1)
        self.look = self.lex.next()
        return token

    def report(self):
        kind, _, raw, line = self.look
        if self.errflag == 0:
            self.syntax_errors += 1
            if kind == "EOF":
                self.warn("%s: unexpected EOF" % self.cfname)
            else:
                self.warn("%s line %d: %s: syntax error" % (self.cfname, line, raw))
        self.errflag = 3

    def recover(self):
        """Drops tokens up to the ';' that ends the bad parameter; yacc aborts at the end of file."""
        while self.look[0] != ";":
            if self.look[0] == "EOF":
                raise JailConfAbort()
            self.look = self.lex.next()
        self.shift()

    def parse(self):
        try:
            self.conf(None)
        except JailConfAbort:
            self.aborted = True
        return self.jails

    def conf(self, jail):
        while True:
            kind = self.look[0]
            if kind == "EOF" and jail is None or kind == "}" and jail is not None:
                return
            try:
                self.item(jail)
            except JailConfSyntax:
                self.report()
                self.recover()

    def item(self, jail):
        kind = self.look[0]
        if kind == ";":
            self.shift()
            return
        if kind not in ("STR", "VAR"):
            raise JailConfSyntax()
        name = self.shift()
        if name[0] == "STR" and self.look[0] == "{":
            return self.block(jail, name[1])
        param = self.param(name)
        if self.look[0] != ";":
            raise JailConfSyntax()
        self.shift()
        target = jail if jail is not None else self.global_jail()
        target[1].append(param)

    def global_jail(self):
        if self.glob is None:
            self.glob = ["*", []]
            self.jails.append(self.glob)
        return self.glob

    def block(self, parent, name):
        jail = [name if parent is None else parent[0] + "." + name, []]
        self.jails.append(jail)
        self.shift()
        self.conf(jail)
        self.shift()

    def param(self, name):
        param = {"name": name[1], "var": name[0] == "VAR", "append": False, "values": []}
        if self.look[0] in ("=", "PLEQ"):
            param["append"] = self.shift()[0] == "PLEQ"
            param["values"] = self.value()
        elif self.look[0] in ("STR", "VAR"):
            param["values"] = self.value()
        return param

    def value(self):
        values = [self.string()]
        while self.look[0] == ",":
            self.shift()
            values.append(self.string())
        return values

    def string(self):
        """A string is a STR or VAR, then the STR1/VAR1 pieces glued to it (no space between)."""
        if self.look[0] not in ("STR", "VAR"):
            raise JailConfSyntax()
        text, variables = "", []
        while True:
            kind, value = self.shift()[:2]
            if kind.startswith("VAR"):
                variables.append([value, len(text)])
            else:
                text += value
            if self.look[0] not in ("STR1", "VAR1"):
                return [text, variables]


# config.c intparams: names jail(8) knows; a $variable may not take one of them.
JC_INTERNAL = ("allow.dying", "command", "depend", "exec.clean", "exec.consolelog", "exec.fib",
               "exec.jail_user", "exec.poststart", "exec.poststop", "exec.prepare", "exec.prestart",
               "exec.prestop", "exec.release", "exec.created", "exec.start", "exec.stop",
               "exec.system_jail_user", "exec.system_user", "exec.timeout", "interface", "ip_hostname",
               "mount", "mount.devfs", "mount.fdescfs", "mount.procfs", "mount.fstab", "stop.timeout",
               "vnet.interface", "ip4.addr", "ip6.addr", "allow.chflags", "allow.mount",
               "allow.raw_sockets", "allow.set_hostname", "allow.socket_af", "allow.sysvipc",
               "devfs_ruleset", "host.hostname", "jid", "name", "path", "persist", "securelevel", "vnet")


def equalopts(a, b):
    """config.c equalopts: "opt" and "noopt" (also after a dotted prefix) name one parameter."""
    if a == b or a.startswith("no") and a[2:] == b or b.startswith("no") and b[2:] == a:
        return True
    while "." in a:
        prefix = a[:a.index(".") + 1]
        if not b.startswith(prefix):
            return False
        a, b = a[len(prefix):], b[len(prefix):]
        if a.startswith("no") and a[2:] == b or b.startswith("no") and b[2:] == a:
            return True
    return False


def wild_jail_name(name):
    """config.c wild_jail_name: a '*' that is a whole dot-separated component."""
    return "*" in name.split(".")


def wild_jail_match(name, wild):
    """config.c wild_jail_match: a non-final '*' matches one component, a final one the rest."""
    jparts, wparts = name.split("."), wild.split(".")
    for i, w in enumerate(wparts):
        if i == len(wparts) - 1:
            return w == "*" or ".".join(jparts[i:]) == w
        if i >= len(jparts) - 1 or w not in ("*", jparts[i]):
            return False
    return False


class JailConfJail:
    """One jail's parameters as config.c load_config builds them."""

    def __init__(self, name, warn):
        self.name, self.warn, self.failed, self.params = name, warn, False, []

    def complain(self, message):
        self.warn("%s: %s" % (self.name, message))
        self.failed = True

    def add(self, param, immutable=False):
        """config.c add_param: a parameter named again replaces (or with += extends) the first."""
        values = [[t, [list(v) for v in vs]] for t, vs in param["values"]]
        for p in self.params:
            if not equalopts(p["name"], param["name"]):
                continue
            if p["var"] != param["var"]:
                return self.complain('variable "$%s" cannot have the same name as a parameter.' % param["name"])
            if p.get("immutable"):
                return self.complain('cannot redefine parameter "%s".' % p["name"])
            p["name"] = param["name"]
            p["values"] = (p["values"] if param["append"] and values else []) + values
            return None
        if param["var"] and any(equalopts(param["name"], n) for n in JC_INTERNAL):
            return self.complain('variable "$%s" cannot have the same name as a parameter.' % param["name"])
        self.params.append({"name": param["name"], "var": param["var"], "values": values,
                            "immutable": immutable, "gen": 0, "bad": False})
        return None

    def resolve(self):
        """config.c load_config: substitutes each $variable with that parameter's value,
        resolving a variable's own variables first; then drops the variables."""
        pgen, i = 0, 0
        while i < len(self.params):
            pgen += 1
            p = self.params[i]
            p["gen"] = pgen
            while p is not None:
                p = self.resolve_param(p, pgen, i)
            i += 1
        self.params = [p for p in self.params if not p["var"]]

    def resolve_param(self, p, pgen, index):
        """Substitutes p's variables; returns the parameter to resolve first, if any."""
        for s in p["values"]:
            while s[1]:
                var, pos = s[1][0]
                vp = next((q for q in self.params if q["name"] == var), None)
                if vp is None or not vp["values"]:
                    self.complain('%s: variable "%s" not found' % (p["name"], var))
                elif vp["bad"]:
                    self.failed = True
                elif vp["gen"] == pgen:
                    self.complain("%s: variable loop" % var)
                elif any(vs[1] for vs in vp["values"]):
                    vp["gen"] = pgen
                    self.params.remove(vp)
                    self.params.insert(index, vp)
                    return vp
                elif len(vp["values"]) > 1 and (s[0] or len(s[1]) > 1):
                    self.complain("%s: array cannot be substituted inline" % p["name"])
                else:
                    self.substitute(p, s, vp)
                    continue
                for q in self.params:
                    q["bad"] = q["bad"] or q["gen"] == pgen
                s[1].pop(0)
        return None

    def substitute(self, p, s, vp):
        var, pos = s[1].pop(0)
        first = vp["values"][0][0]
        s[0] = s[0][:pos] + first + s[0][pos:]
        for v in s[1]:
            v[1] += len(first)
        at = p["values"].index(s)
        p["values"][at + 1:at + 1] = [[t, []] for t, _ in vp["values"][1:]]

    def flat(self):
        """The simulator's view: {param: value}; several values joined by ", ", "true" for none.
        The file was read byte for byte (latin-1); values go back to UTF-8 text here."""
        def text(t):
            return t.encode("latin-1").decode("utf-8", "surrogateescape")
        return {p["name"]: ", ".join(text(t) for t, _ in p["values"]) if p["values"] else "true"
                for p in self.params}


def load_jail_conf(text, cfname, warn):
    """config.c load_config: parse, then give each jail the global and matching wildcard
    parameters (those written before the jail first, its own, then those after) and resolve
    variables. Returns ({jail: JailConfJail} in order, False if the file is unusable)."""
    parser = JailConfParser(text, cfname, warn)
    jails = parser.parse()
    if parser.aborted or parser.syntax_errors or parser.lex.error:
        return {}, False
    wild = [(seq, j) for seq, j in enumerate(jails) if wild_jail_name(j[0])]
    result = {}
    for seq, (name, own) in enumerate(jails):
        if wild_jail_name(name):
            continue
        jail = JailConfJail(name, warn)
        numeric = re.fullmatch(r"\s*[+-]?\d+", name) and int(name) != 0
        jail.add({"name": "jid" if numeric else "name", "var": False, "append": True,
                  "values": [[name, []]]}, immutable=True)
        done = False
        for wseq, (wname, wparams) in wild:
            if seq < wseq and not done:
                done = [jail.add(p) for p in own] or True
            if wild_jail_match(name, wname):
                for p in wparams:
                    jail.add(p)
        if not done:
            for p in own:
                jail.add(p)
        jail.resolve()
        result[name] = jail
    return result, True


def jails_state():
    return read_state("jails", {"next": 1, "jails": {}})


def run_in_jail(jail, path, argv, env_extra=None):
    env = ["env", "UIRIG_JAIL=" + jail, "UIRIG_JAIL_ROOT=" + path, "PATH=" + jail_search_path(path)]
    return subprocess.run(["ip", "netns", "exec", jail_netns(jail)] + env + argv, text=True)


def cmd_jail(args):
    """jail(8), after usr.sbin/jail/jail.c (-c/-r/-m on jail.conf(5) entries; "NAME: created"/"removed")."""
    conf_file = "/etc/jail.conf"
    quiet = False
    action = None
    names = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-f":
            conf_file = args[i + 1]
            i += 2
            continue
        if a.startswith("-") and len(a) > 1:
            for ch in a[1:]:
                if ch in "crm":
                    action = (action or "") + ch
                elif ch == "q":
                    quiet = True
            i += 1
            continue
        names.append(a)
        i += 1
    if not action or not names:
        fail("usage: jail [-dhilqv] [-J jid_file] [-u username] [-U username] -[cmr] param=value ... [command=command ...]")
    conf = read_jail_conf(conf_file)  # jail.c main: load_config comes before any jail_set(2)
    if os.geteuid() != 0:
        # jail_set(2)/jail_remove(2) need PRIV_JAIL_SET/REMOVE (sys/kern/kern_jail.c): EPERM.
        fail("jail: jail_remove: Operation not permitted" if action == "r" else "jail: jail_set: Operation not permitted")
    code = 0
    for name in names:
        if name in conf and conf[name].failed:
            # jail.c main loop: a jail that failed in load_config is neither created nor removed.
            code = 1
            continue
        params = conf[name].flat() if name in conf else {}
        if "r" in action:
            code |= jail_remove(name, params, quiet)
        if "c" in action:
            if name not in conf:
                fail('jail: "%s" not found' % name)
            code |= jail_create(name, params, quiet)
    return code


def warn_bytes(message):
    """warnx(3) of text read byte for byte (latin-1 here): the bytes go out as they came in."""
    line = ("jail: %s\n" % message).encode("latin-1")
    sys.stderr.flush()
    if hasattr(sys.stderr, "buffer"):
        sys.stderr.buffer.write(line)
        sys.stderr.flush()
    else:
        sys.stderr.write(line.decode("utf-8", "replace"))


def read_jail_conf(conf_file):
    """config.c load_config: err(1) if the file cannot be opened; exit(1) after any complaint
    about its syntax (each printed by warnx, "jail: FILE line N: ...")."""
    try:
        with open(conf_file, "rb") as f:
            text = f.read().decode("latin-1")
    except FileNotFoundError:
        fail("jail: %s: No such file or directory" % conf_file)
    conf, ok = load_jail_conf(text, conf_file, warn_bytes)
    if not ok:
        sys.exit(1)
    return conf


def jail_create(name, params, quiet):
    with State("jails", {"next": 1, "jails": {}}) as st:
        if name in st.data["jails"]:
            sys.stderr.write('jail: "%s" already exists\n' % name)
            return 1
        path = params.get("path", "")
        if not os.path.isdir(path):
            sys.stderr.write("jail: %s: path %s: No such file or directory\n" % (name, path))
            return 1
        ns = jail_netns(name)
        run(["ip", "netns", "add", ns])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        for iface in [x.strip() for x in params.get("vnet.interface", "").split(",") if x.strip()]:
            r = run(["ip", "link", "set", iface, "netns", ns], check=False)
            if r.returncode != 0:
                run(["ip", "netns", "del", ns], check=False)
                sys.stderr.write("jail: %s: vnet.interface %s: No such file or directory\n" % (name, iface))
                return 1
        jid = st.data["next"]
        st.data["next"] = jid + 1
        st.data["jails"][name] = {"jid": jid, "path": path, "params": params}
    start = params.get("exec.start", "")
    if start:
        run_in_jail(name, path, ["/bin/sh", "-c", start.replace("/bin/sh /etc/rc", SIM + " rc start")])
    if not quiet:
        out("%s: created\n" % name)
    return 0


def jail_remove(name, params, quiet):
    st = jails_state()
    if name not in st["jails"]:
        sys.stderr.write('jail: "%s" not found\n' % name)
        return 1
    info = st["jails"][name]
    stop = info["params"].get("exec.stop", "")
    if stop:
        run_in_jail(name, info["path"], ["/bin/sh", "-c", stop.replace("/bin/sh /etc/rc.shutdown", SIM + " rc stop")])
    ns = jail_netns(name)
    pids = run(["ip", "netns", "pids", ns], check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass
    deadline = time.time() + 10
    while run(["ip", "netns", "pids", ns], check=False).stdout.split() and time.time() < deadline:
        time.sleep(0.1)
    for pid in run(["ip", "netns", "pids", ns], check=False).stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    # VNET interfaces return to the host when the jail dies.
    data = json.loads(run(["ip", "-n", ns, "-j", "link", "show"]).stdout or "[]")
    for l in data:
        if l.get("link_type") != "loopback":
            run(["ip", "-n", ns, "link", "set", l["ifname"], "netns", "1"], check=False)
    run(["ip", "netns", "del", ns], check=False)
    with State("jails", {"next": 1, "jails": {}}) as s:
        s.data["jails"].pop(name, None)
    if not quiet:
        out("%s: removed\n" % name)
    return 0


def cmd_jls(args):
    """jls(8), after usr.sbin/jls/jls.c (the default table, -j, and --libxo json through libxo)."""
    st = jails_state()
    jails = sorted(st["jails"].items(), key=lambda kv: kv[1]["jid"])
    if "--libxo" in args and "json" in args:
        items = []
        for name, info in jails:
            entry = {"jid": str(info["jid"]), "name": name, "path": info["path"], "vnet": "new",
                     "host.hostname": info["params"].get("host.hostname", name)}
            for k, v in info["params"].items():
                if k.startswith("exec.") or k.startswith("mount.") or k in ("path", "vnet", "vnet.interface") or v == "true":
                    continue
                entry[k] = v
            items.append(entry)
        # libxo's layout: spaced envelope, compact jail objects.
        out('{"__version": "2", "jail-information": {"jail": [' + ", ".join(json.dumps(j, separators=(",", ":")) for j in items)
            + "]}}\n")
        return 0
    if "-j" in args:
        name = args[args.index("-j") + 1]
        info = st["jails"].get(name)
        if not info:
            fail("jls: jail \"%s\" not found" % name)
        out("%d\n" % info["jid"])
        return 0
    out("   JID  IP Address      Hostname                      Path\n")
    for name, info in jails:
        out("%6d  %-15s %-29s %s\n" % (info["jid"], "", info["params"].get("host.hostname", name)[:29], info["path"]))
    return 0


def cmd_jexec(args):
    """jexec(8), after usr.sbin/jexec/jexec.c: runs the command in the jail (here its network namespace and root)."""
    if not args:
        fail("usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]")
    name = args[0]
    st = jails_state()
    info = st["jails"].get(name)
    if info is None:
        for n, i in st["jails"].items():
            if str(i["jid"]) == name:
                name, info = n, i
    if info is None:
        fail('jexec: jail "%s" not found' % args[0])
    if os.geteuid() != 0:
        # jail_attach(2) needs PRIV_JAIL_ATTACH (usr.sbin/jexec/jexec.c: err(1, "jail_attach(%d)")).
        fail("jexec: jail_attach(%d): Operation not permitted" % info["jid"])
    argv = args[1:] or ["/bin/sh"]
    return become("ip", ["ip", "netns", "exec", jail_netns(name), "env", "UIRIG_JAIL=" + name,
                         "UIRIG_JAIL_ROOT=" + info["path"], "PATH=" + jail_search_path(info["path"])] + argv)


def jail_search_path(root):
    """PATH for a jailed command: a jailed process finds its commands in the jail's root. With
    no chroot here, each PATH directory the jail's root has comes first, under that root (so a
    package's /usr/local/bin/node is found only in the jail that installed it)."""
    dirs = []
    for d in os.environ.get("PATH", "/sbin:/bin:/usr/sbin:/usr/bin").split(":"):
        if d.startswith("/") and os.path.isdir(root + d) and d not in ("/bin", "/sbin", "/usr/bin", "/usr/sbin"):
            dirs.append(root + d)
        dirs.append(d)
    return ":".join(dirs)


# Services, daemon(8) and the packages' programs are in rc_sim.py, pkg(8) in pkg_sim.py.

def module(name):
    """A sibling module, imported once (no __pycache__ is written into the source tree:
    image/build.sh hashes every file of sim/)."""
    sys.modules.setdefault("freebsd_sim", sys.modules[__name__])
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    return __import__(name)


def from_module(name, function, *bound):
    def command(args):
        f = getattr(module(name), function)
        return (f(*bound) if bound else f)(args)
    return command


def remove_quietly(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


# ---------------------------------------------------------------- cron (harness only)

CRON_SPECIAL = ("@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
                "@every_minute", "@every_second")
CRON_FIELD = re.compile(r"[0-9A-Za-z*,/-]+")


def cron_entry(line, system):
    """usr.sbin/cron/lib/entry.c load_entry, reduced: five time fields or an @keyword (or
    @N seconds), then the user in a system crontab, then a command. False when cron would
    reject the line."""
    words = line.split()
    if not words:
        return False
    if words[0].startswith("@"):
        if words[0] not in CRON_SPECIAL and not words[0][1:].isdigit():
            return False
        need = 1
    else:
        if len(words) < 5 or not all(CRON_FIELD.fullmatch(w) for w in words[:5]):
            return False
        need = 5
    return len(words) > need + (1 if system else 0)


def cron_files():
    """The crontabs cron loads (usr.sbin/cron/cron/database.c load_database): /etc/crontab, the
    files of the system crontab directories /etc/cron.d and /usr/local/etc/cron.d whose names
    do not start with a dot (and that are regular files), and the spool /var/cron/tabs."""
    found = [("/etc/crontab", True)]
    for d, system in (("/etc/cron.d", True), ("/usr/local/etc/cron.d", True), ("/var/cron/tabs", False)):
        try:
            names = sorted(os.listdir(in_root(d)))
        except OSError:
            continue
        for n in names:
            if n.startswith(".") or not os.path.isfile(in_root(d + "/" + n)):
                continue
            found.append((d + "/" + n, system))
    return found


def cron_lines(files=None):
    """(file, line) for every job line cron would run; environment settings and comments are
    not jobs (entry.c load_env)."""
    lines = []
    for path, system in (files or cron_files()):
        try:
            with open(in_root(path), errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or re.match(r"[A-Za-z_][A-Za-z0-9_]*\s*=", stripped):
                continue
            if cron_entry(stripped, system):
                lines.append((path, stripped))
    return lines


def cmd_cronlines(args):
    """Not a FreeBSD command (the tests' probe): the job lines FreeBSD's cron would load, each
    as 'FILE: LINE'."""
    out("".join("%s: %s\n" % fl for fl in cron_lines()))
    return 0


# ---------------------------------------------------------------- sysrc

def writable(path):
    target = path if os.path.exists(path) else (os.path.dirname(path) or "/")
    return os.access(target, os.W_OK)


def set_rc(path, name, value):
    if not writable(path):
        # sysrc's f_sysrc_set: the file cannot be written (sed/mv fail): "sysrc: FILE: Permission denied".
        fail("sysrc: %s: Permission denied" % path[len(JROOT):] if JROOT and path.startswith(JROOT) else
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
            return cmd_jexec([args[i + 1], "sysrc"] + args[i + 2:])
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


# ---------------------------------------------------------------- small commands

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
            run(["cp", "-a", SKELETON + "/.", mountpoint] if os.path.isdir(mountpoint)
                else ["cp", "-a", SKELETON, mountpoint])
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
    return become(LINUX + "/stat", ["stat"] + args)


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


SOCKET_PATH = "/run/uirig-sim.sock"


def cmd_serve(args):
    """Not a FreeBSD command: the simulator's server (see client.c), forking once per command, so that
    a command costs a fork of this warm process instead of a Python start-up."""
    import socket
    import struct
    import ipaddress  # noqa: F401 (imported once here rather than in every command)
    import hashlib  # noqa: F401
    pf_sim()
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


COMMANDS = {"lockf": cmd_lockf, "ifconfig": cmd_ifconfig, "jail": cmd_jail, "jls": cmd_jls, "jexec": cmd_jexec, "pfctl": cmd_pfctl,
            "sysrc": cmd_sysrc, "sysctl": cmd_sysctl, "route": cmd_route,
            "zfs": cmd_zfs, "sha256": cmd_sha256, "stat": cmd_stat,
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
            "cron-lines": cmd_cronlines, "cronlines": cmd_cronlines}
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
