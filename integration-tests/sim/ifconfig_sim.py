"""ifconfig(8) of the simulated FreeBSD host and its interface model: FreeBSD interfaces are
real Linux links (veth pairs for epairs, Linux bridges for if_bridge, bonds for lagg, Linux 802.1Q
links for vlan(4), the container's NICs), shown as sbin/ifconfig prints them. Imported by
freebsd_sim.py's dispatcher for ifconfig, by rc_sim.py (/etc/rc's ifconfig_IF lines) and pf_addr.py
(the interfaces pf sees)."""
import json
import os
import re
import sys

from freebsd_sim import State, fail, fbsd_name, jail_netns, linux_name, out, read_state, run

FLAG_BITS = [("UP", 0x1), ("BROADCAST", 0x2), ("LOOPBACK", 0x8), ("RUNNING", 0x40), ("PROMISC", 0x100),
             ("SIMPLEX", 0x800), ("MULTICAST", 0x8000), ("LOWER_UP", 0x1000000)]


def links():
    data = json.loads(run(["ip", "-d", "-j", "addr", "show"]).stdout or "[]")
    return sorted(data, key=lambda l: l.get("ifindex", 0))


EPAIR_ALIAS = "uirig-sim:epair"
# A vlan(4) interface's Linux alias: "uirig-sim:vlan UNIT" (UNIT "-" for a PARENT.TAG name, which
# takes no unit: sys/net/if_vlan.c vlan_clone_create, IF_DUNIT_NONE), then, for the untagged
# stand-in below, "TAG PROTO".
VLAN_ALIAS = "uirig-sim:vlan"
# HARNESS SWITCH, not FreeBSD: a kernel built without 802.1Q (CONFIG_VLAN_8021Q unset: 'ip link add
# ... type vlan' fails with "Unknown device type") cannot make vlan(4)'s Linux twin. While this file
# exists, such a vlan is a macvlan on its parent instead, which carries its frames UNTAGGED; ifconfig
# shows it as the vlan it stands for. Without the file, ifconfig refuses to create it.
VLAN_UNTAGGED = "/run/uirig-sim-vlan-untagged"


def kind(link):
    """loopback, lagg, bridge, veth (an epair made by this simulator), vlan (a vlan(4) interface) or
    ether (a NIC, Docker's veth included)."""
    if link.get("link_type") == "loopback":
        return "loopback"
    if lagg_state(link) is not None:
        return "lagg"
    k = (link.get("linkinfo") or {}).get("info_kind", "ether")
    if k == "veth" and link.get("ifalias") != EPAIR_ALIAS:
        return "ether"
    if k == "macvlan" and (link.get("ifalias") or "").startswith(VLAN_ALIAS + " "):
        return "vlan"
    return k if k in ("bridge", "veth", "dummy", "vlan") else "ether"


def group_of(link):
    # if_clone.c if_clone_addif: a cloned interface joins its cloner's group (vlan's is "vlan").
    return {"loopback": "lo", "veth": "epair", "bridge": "bridge", "lagg": "lagg", "vlan": "vlan"}.get(kind(link))


def vlan_of(link):
    """A vlan(4) interface's (unit or None, tag, vlanproto, parent or ""): from the Linux 802.1Q
    link, or from the alias of its untagged stand-in."""
    words = (link.get("ifalias") or "").split()
    unit = int(words[1]) if len(words) > 1 and words[1].isdigit() else None
    parent = link.get("link") or ""
    if (link.get("linkinfo") or {}).get("info_kind") == "vlan":
        data = link["linkinfo"].get("info_data") or {}
        return unit, int(data.get("id", 0)), str(data.get("protocol", "802.1Q")).lower(), parent
    return unit, int(words[2]), words[3], parent


def flags_of(link, parent=None):
    """if.c's IFF_ flags as ifconfig prints them. A vlan(4) interface is RUNNING once it has a parent
    and takes its link state, so LOWER_UP, from the parent (sys/net/if_vlan.c vlan_config)."""
    lf = set(link.get("flags", []))
    names = []
    up = "UP" in lf
    vlan = kind(link) == "vlan"
    lower = set(parent.get("flags", [])) if vlan and parent else lf
    for name, _ in FLAG_BITS:
        if name == "UP" and up:
            names.append(name)
        elif name == "BROADCAST" and "BROADCAST" in lf:
            names.append(name)
        elif name == "LOOPBACK" and kind(link) == "loopback":
            names.append(name)
        elif name == "RUNNING" and (up or vlan):
            names.append(name)
        elif name == "PROMISC" and ((link.get("master") and not is_lagg_port(link)) or "PROMISC" in lf):
            names.append(name)
        elif name == "SIMPLEX" and kind(link) != "loopback":
            names.append(name)
        elif name == "MULTICAST" and "MULTICAST" in lf:
            names.append(name)
        elif name == "LOWER_UP" and (up or vlan) and ("LOWER_UP" in lower or kind(link) == "loopback"):
            names.append(name)
    bits = sum(b for n, b in FLAG_BITS if n in names)
    return "flags=%x<%s>" % (bits, ",".join(names))


def netmask_hex(prefix):
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF if prefix else 0
    return "0x%08x" % mask


def show(link, members_of, by_name=None):
    import ipaddress
    name = link["ifname"]
    k = kind(link)
    parent = (by_name or {}).get(link.get("link")) if k == "vlan" else None
    lines = ["%s: %s metric 0 mtu %d" % (fbsd_name(name), flags_of(link, parent),
                                         link.get("mtu", 16384 if k == "loopback" else 1500))]
    if descriptions().get(name):
        lines.append("\tdescription: " + descriptions()[name])
    if k == "loopback":
        lines.append("\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>")
    elif k == "veth":
        lines.append("\toptions=8<VLAN_MTU>")
    elif k == "bridge":
        lines.append("\toptions=0")
    elif k == "lagg":
        lines.append(lagg_options(members_of.get(name, [])))
    elif k == "vlan":
        # if_vlan.c vlan_capabilities: of the simulated NIC's capabilities only LINKSTATE passes to a vlan.
        lines.append("\toptions=80000<LINKSTATE>" if parent and kind(parent) == "ether" else "\toptions=0")
    else:
        lines.append("\toptions=80008<VLAN_MTU,LINKSTATE>")
    if k == "vlan" and parent and parent.get("address"):
        # if_vlan.c vlan_config copies the parent's link-level address (the untagged stand-in has its own).
        lines.append("\tether " + parent["address"])
    elif k != "loopback" and link.get("address"):
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
    if k == "lagg":
        lines.extend(lagg_status(link, members_of.get(name, [])))
    group = group_of(link)
    if group:
        lines.append("\tgroups: " + group)
    if k == "vlan":
        _, tag, proto, vlandev = vlan_of(link)
        # sbin/ifconfig/ifvlan.c vlan_status (af_other_status, after the groups line).
        lines.append("\tvlan: %d vlanproto: %s vlanpcp: 0 parent interface: %s" % (tag, proto, fbsd_name(vlandev) or "<none>"))
    if k in ("veth", "ether", "dummy", "vlan"):
        # A vlan shows its parent's media (if_vlan.c vlan_ioctl SIOCGIFMEDIA) and link state.
        lines.append("\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)")
        lines.append("\tstatus: " + ("active" if "UP" in (parent or link).get("flags", []) else "no carrier"))
    elif k == "lagg":
        lines.extend(lagg_media(members_of.get(name, [])))
    lines.append("\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>")
    return "\n".join(lines) + "\n"



def ifconfig_list(only=None, group=None):
    all_links = links()
    members_of = {}
    for l in all_links:
        if l.get("master"):
            members_of.setdefault(l["master"], []).append(l)
    by_name = {l["ifname"]: l for l in all_links}
    for l in all_links:
        if l["ifname"].endswith("-wire"):
            continue  # the unplugged end of a simulated NIC's cable
        if only and l["ifname"] != only:
            continue
        if group and group_of(l) != group:
            continue
        out(show(l, members_of, by_name))


def link_exists(name):
    return run(["ip", "link", "show", "dev", name], check=False).returncode == 0


def is_up(name):
    r = run(["ip", "-j", "link", "show", "dev", name], check=False)
    return r.returncode == 0 and "UP" in json.loads(r.stdout)[0].get("flags", [])


def rename(old, new):
    """ifconfig IF name NEW (SIOCSIFNAME) renames in place: addresses and routes stay. Linux can
    rename only a link that is down."""
    down_for(old, lambda: run(["ip", "link", "set", old, "name", new]), new)


def down_for(name, change, after=None):
    """Runs change with link name down, as Linux needs it for some changes (a rename, a bond's
    mode), and gives it back as it was: up, with its gateway routes (taking it down drops them).
    after is the link's name once changed."""
    after = after or name
    was_up = is_up(name)
    routes = json.loads(run(["ip", "-j", "route", "show", "dev", name]).stdout or "[]") if was_up else []
    if was_up:
        run(["ip", "link", "set", name, "down"])
    change()
    if was_up:
        run(["ip", "link", "set", after, "up"])
        for r in routes:
            if r.get("gateway"):
                run(["ip", "route", "replace", r["dst"], "via", r["gateway"], "dev", after], check=False)


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
    mediaopt -mediaopt mode ether lladdr vlan vlandev vlanproto group -group vlanpcp
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


def if_denied(actions, address, creating, name=""):
    if creating:
        return IF_DENIED["create"]
    for word, value in actions:
        key = {"descr": "description"}.get(word, word)
        if key in IF_DENIED:
            text = IF_DENIED[key]
            return text % {"name": name, "value": value} if "%(" in text else text % value if "%s" in text else text
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
    EXIT["code"] = 0
    creating = bool(rest) and rest[0] in ("create", "plumb")
    if creating and link_exists(name):
        # ifconfig.c main: "create" of an interface that exists is dropped, the other words apply to it.
        if len(rest) == 1:
            fail("ifconfig: interface %s already exists" % fbsd_name(name))
        creating, rest = False, rest[1:]
    clone = {}
    words = rest[1:] if creating else rest
    try:
        if creating and is_vlan_clone(name):
            clone, words = vlan_clone_words(words)
        actions, address = parse_ifconfig(words)
    except IfconfigError as e:
        fail("ifconfig: %s" % e)
    if (creating or actions or address) and os.geteuid() != 0:
        fail("ifconfig: " + if_denied(actions, address, creating, fbsd_name(name)))
    SETVLAN.clear()
    SETVLAN.update(clone)
    if creating and is_vlan_clone(name):
        requested = name
        name = vlan_create(name, dict(clone))
        # ifclone.c ifclonecreate: a name the kernel chose is printed at exit, unless renamed later.
        if name != requested and not any(word == "name" for word, _ in actions):
            out(name + "\n")
        if not actions and not address:
            return 0
    elif creating:
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
            return EXIT["code"]
    if address:
        if_address(name, address)
    # ifvlan.c vlan_cb, run once the words are done.
    if ("tag" in SETVLAN) != ("parent" in SETVLAN):
        fail("ifconfig: both vlan and vlandev must be specified")
    return EXIT["code"]


def if_create(name, actions):
    """ifclone.c clone_create: 'ifconfig epairN|bridgeN create' prints the new interface's name
    (with 'name X' following, the final name)."""
    if re.fullmatch(r"lagg\d*", name):
        return lagg_create(name, actions)
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


# ---------------------------------------------------------------- vlan(4)

# ifvlan.c's clone parameters (params: vlr_tag, vlr_parent, vlr_proto) as this command set them.
SETVLAN = {}
VLAN_CLONE_WORDS = ("vlan", "vlandev", "vlanproto")
EVL_VLID_MASK = 0xFFF
LINUX_VLAN_PROTO = {"802.1q": "802.1Q", "802.1ad": "802.1ad"}


def is_vlan_clone(name):
    """ifclone.c ifclonecreate: the callback found by filter (ifvlan.c vlan_match_ethervid: a '.' in
    the name), then by prefix ("vlan")."""
    return "." in name or name.startswith("vlan")


def vlan_clone_words(words):
    """ifconfig.c ifconfig(): while creating, a word is looked up among the clone commands only
    (cmd_lookup with iscreate); the first other word creates the interface. Returns the parameters
    the clone words set (ifvlan.c setvlantag, setvlandev, setvlanproto) and the words left."""
    params = {}
    while words and words[0] in VLAN_CLONE_WORDS + ("create", "plumb"):
        word = words[0]
        if word in ("create", "plumb"):
            words = words[1:]
            continue
        if len(words) < 2:
            raise IfconfigError("'%s' requires argument" % word)
        params.update(vlan_param(word, words[1]))
        words = words[2:]
    return params, words


def strtoul0(text):
    """strtoul(3) with base 0 and nothing left over (*endp == '\\0'), or None: leading white space and
    a sign, then 0x hex, 0 octal or decimal; no digits at all is 0, and allowed only for an empty text."""
    if text == "":
        return 0
    m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", text)
    if not m:
        return None
    digits = m.group(2)
    n = int(digits, 16) if digits[:2].lower() == "0x" else int(digits, 8) if digits.startswith("0") else int(digits)
    return (2 ** 64 - n) % 2 ** 64 if m.group(1) == "-" else n


def vlan_param(word, value):
    """ifvlan.c: setvlantag ("invalid value for vlan", "value for vlan out of range": vlr_tag is a
    u_short), setvlandev, setvlanproto (802.1q; 802.1ad or qinq, compared as prefixes, any case)."""
    if word == "vlan":
        tag = strtoul0(value)
        if tag is None:
            raise IfconfigError("invalid value for vlan")
        if tag > 0xFFFF:
            raise IfconfigError("value for vlan out of range")
        return {"tag": tag}
    if word == "vlandev":
        return {"parent": value[:15]}  # strlcpy into vlr_parent[IFNAMSIZ]
    if value.lower().startswith("802.1q"):
        return {"proto": "802.1q"}
    if value.lower().startswith("802.1ad") or value.lower().startswith("qinq"):
        return {"proto": "802.1ad"}
    raise IfconfigError("invalid value for vlanproto")


def vlan_links():
    return [l for l in links() if kind(l) == "vlan"]


def ifc_name2unit(name):
    """sys/net/if_clone.c ifc_name2unit: the digits from the first digit on, without a leading zero;
    -1 when there are none; None (EINVAL) otherwise."""
    m = re.search(r"[0-9]", name)
    if not m:
        return -1
    digits = name[m.start():]
    if not digits.isdigit() or (digits[0] == "0" and len(digits) > 1) or int(digits) > 2 ** 31 - 1:
        return None
    return int(digits)


def vlan_create(name, params):
    """ifvlan.c vlan_create (vlan_parse_ethervid for a PARENT.TAG name, then both parameters or
    none), then the kernel: if_clone.c finds the cloner (if_vlan.c vlan_clone_match: vlan followed
    by digits, or PARENT.TAG with an existing PARENT; else EINVAL) and if_vlan.c vlan_clone_create:
    the parent (ENXIO), the unit (ifc_name2unit, then ifc_alloc_unit: EEXIST for a unit in use), and
    vlan_config: an Ethernet parent (EPROTONOSUPPORT), a tag other than 0 and 4095 within 12 bits
    (EINVAL), one vlan per tag on a parent (vlan_inshash: EEXIST). The Linux twin is an 802.1Q link
    on the parent. Returns the new interface's name."""
    dotted = None
    if "." in name:
        prefix, _, vid = name.rpartition(".")
        if not vid or vid[0] not in "123456789":
            fail("ifconfig: invalid vlan tag")
        tag = int(vid[0])
        for ch in vid[1:]:
            if not ch.isdigit():
                fail("ifconfig: invalid vlan tag")
            tag = tag * 10 + int(ch)
            if tag >= EVL_VLID_MASK:
                fail("ifconfig: invalid vlan tag")
        if params.get("tag", tag) != tag or params.get("parent", prefix) != prefix:
            fail("ifconfig: ambiguous vlan specification")
        params.update(tag=tag, parent=prefix)
        dotted = linux_name(prefix)
    if "tag" not in params and "parent" not in params:
        fail("ifconfig: the simulated ifconfig cannot create a vlan without a parent (vlan and vlandev)")
    if "tag" not in params:
        fail("ifconfig: must specify a tag for vlan create")
    if "parent" not in params:
        fail("ifconfig: must specify a parent device for vlan create")
    tag, parent, proto = params["tag"], linux_name(params["parent"]), params.get("proto", "802.1q")

    def refused(error):
        fail("ifconfig: SIOCIFCREATE2 (%s): %s" % (name, error))

    by_name = {l["ifname"]: l for l in links()}
    subinterface = dotted is not None and dotted in by_name
    if not subinterface and not re.fullmatch(r"vlan[0-9]*", name):
        refused("Invalid argument")
    if parent not in by_name:
        refused("Device not configured")
    unit = ifc_name2unit(name)
    if unit is None and not subinterface:
        refused("Device not configured")
    vlans = vlan_links()
    units = {vlan_of(l)[0] for l in vlans}
    if unit == -1:
        unit = 0
        while unit in units or ("vlan%d" % unit) in by_name:
            unit += 1
        name = "vlan%d" % unit
    elif unit is not None and unit in units:
        refused("File exists")
    p = by_name[parent]
    # A lagg is an Ethernet interface too (if_lagg.c lagg_clone_create: if_type IFT_ETHER), so vlans go on it.
    if kind(p) not in ("ether", "veth", "vlan", "lagg") or not {"BROADCAST", "MULTICAST"} <= set(p.get("flags", [])):
        refused("Protocol not supported")
    if tag == 0 or tag >= EVL_VLID_MASK:
        refused("Invalid argument")
    if any(vlan_of(l)[3] == parent and vlan_of(l)[1] == tag for l in vlans):
        refused("File exists")
    alias = "%s %s" % (VLAN_ALIAS, "-" if unit is None else unit)
    r = run(["ip", "link", "add", "link", parent, "name", name, "type", "vlan", "id", str(tag),
             "protocol", LINUX_VLAN_PROTO[proto]], check=False)
    if r.returncode != 0 and "Unknown device type" in (r.stderr or "") and os.path.exists(VLAN_UNTAGGED):
        r = run(["ip", "link", "add", "link", parent, "name", name, "type", "macvlan", "mode", "bridge"], check=False)
        alias += " %d %s" % (tag, proto)
        if r.returncode != 0 and "busy" in (r.stderr or ""):
            # Not FreeBSD's limit (a vlan on a bridge member is fine there): Linux hands a bridge
            # port's frames to the bridge alone, so no macvlan can sit on it.
            fail("ifconfig: SIOCIFCREATE2 (%s): the simulator's untagged stand-in for vlan(4) cannot sit on %s,"
                 " which is a bridge member" % (name, fbsd_name(parent)))
    if r.returncode != 0:
        if "Unknown device type" in (r.stderr or ""):
            fail("ifconfig: SIOCIFCREATE2 (%s): this Linux kernel has no 802.1Q (CONFIG_VLAN_8021Q), so the"
                 " simulator cannot make vlan(4) here (see VLAN_UNTAGGED in ifconfig_sim.py)" % name)
        raise RuntimeError((r.stderr or "").strip())
    run(["ip", "link", "set", name, "alias", alias])
    return name


def vlan_set(name, word, value):
    """ifvlan.c setvlantag, setvlandev, setvlanproto and unsetvlandev on an interface that exists:
    on a vlan, SIOCGETVLAN's answer fills in what the command did not say, and once tag and parent
    are both known SIOCSETVLAN is sent, which the kernel refuses while the vlan has its parent
    (if_vlan.c vlan_config: EBUSY). On another interface SIOCGETVLAN fails and nothing is sent."""
    link = next((l for l in links() if l["ifname"] == name), None)
    vlan = link is not None and kind(link) == "vlan"
    if word == "-vlandev":
        if not vlan:
            fail("ifconfig: SIOCGETVLAN: Invalid argument")
        fail("ifconfig: -vlandev is not supported by the simulated ifconfig (a Linux 802.1Q link always has its parent)")
    try:
        SETVLAN.update(vlan_param(word, value))
    except IfconfigError as e:
        fail("ifconfig: %s" % e)
    if vlan and (word != "vlandev" or "tag" in SETVLAN):
        fail("ifconfig: SIOCSETVLAN: Device busy")


def if_destroy(name):
    """ifclone.c clone_destroy: SIOCIFDESTROY, which if_clone.c refuses for an interface that no
    cloner made (EINVAL), and if_vlan.c vlan_clone_destroy for a vlan that is another vlan's parent
    (EBUSY)."""
    link = next((l for l in links() if l["ifname"] == name), None)
    if link is not None and kind(link) not in ("veth", "bridge", "vlan"):
        fail("ifconfig: SIOCIFDESTROY: Invalid argument")
    if link is not None and kind(link) == "vlan" and any(vlan_of(l)[3] == name for l in vlan_links()):
        fail("ifconfig: SIOCIFDESTROY: Device busy")
    run(["ip", "link", "del", name])


def if_action(name, word, value):
    """One keyword's callback, in command-line order (ifconfig.c ifconfig(): cmd->c_u.c_func).
    Returns the interface's (possibly new) name, or None when it left this stack."""
    if word in LAGG_WORDS or (word == "destroy" and lagg_state(link_of(name)) is not None):
        return lagg_action(name, word, value)
    if word == "destroy":
        if_destroy(name)
        return None
    if word in ("vlan", "vlandev", "vlanproto", "-vlandev"):
        vlan_set(name, word, value)
        return name
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


# ---------------------------------------------------------------- lagg(4)
# A lagg is a Linux bond (drivers/net/bonding) marked with an ifalias that holds what FreeBSD
# keeps in the lagg's softc and Linux has no place for: the protocol's FreeBSD name, the hash
# layers and the primary port (by interface index, which a rename keeps). sys/net/if_lagg.c
# (lagg_clone_create, lagg_port_create, lagg_port_destroy, lagg_port2req, lagg_ioctl) and
# sbin/ifconfig/iflagg.c (setlaggproto, setlaggport, unsetlaggport, setlagghash, lagg_status) are
# the models. A kernel without bonding (CONFIG_BONDING unset, as on the machines these tests run
# on: "Unknown device type") gets a Linux bridge instead whose ports are isolated from each other
# (bridge_slave isolated): frames from and to the lagg pass any port, but never from one port to
# another, as a lagg never forwards between its ports.
LAGG_ALIAS = "uirig-sim:lagg"
# The protocols and the bond modes that carry them. What does not map:
#   loadbalance hashes l2, l3 and l4 together (lagghash l2,l3,l4); balance-xor's closest policy
#     is layer3+4, and the bond ignores a changed lagghash;
#   none passes no frame at all (lagg_transmit: ENXIO; lagg_input drops): no bond mode does
#     that, the simulated lagg keeps passing frames in balance-rr;
#   lacp's partner: nothing in the simulated networks speaks LACP, so ports show no
#     COLLECTING/DISTRIBUTING unless the bond reports a partner; failover's primary is the bond's
#     primary only in active-backup.
# With the bridge stand-in every protocol passes frames on all ports, as broadcast does.
LAGG_BOND_MODE = {"failover": "active-backup", "lacp": "802.3ad", "loadbalance": "balance-xor",
                  "roundrobin": "balance-rr", "broadcast": "broadcast", "none": "balance-rr"}
LAGG_DEFAULT_PROTO = "failover"  # sys/net/if_lagg.h LAGG_PROTO_DEFAULT; LAGG_PROTOS also names it "default"
LAGG_MAX_PORTS = 32  # sys/net/if_lagg.h LAGG_MAX_PORTS
# sys/net/if_lagg.h LAGG_PORT_BITS, as printb prints them (sbin/ifconfig/ifconfig.c).
LAGG_PORT_BITS = [("MASTER", 0x1), ("STACK", 0x2), ("ACTIVE", 0x4), ("COLLECTING", 0x8), ("DISTRIBUTING", 0x10)]
# The keywords of iflagg.c's lagg_cmds (laggtype is a clone parameter; the options are accepted,
# not modelled).
LAGG_WORDS = {"laggproto", "laggport", "-laggport", "lagghash", "laggtype", "flowid_shift", "rr_limit"}
LAGG_FLAGS = {"use_flowid", "-use_flowid", "use_numa", "-use_numa", "lacp_strict", "-lacp_strict", "lacp_txtest",
              "-lacp_txtest", "lacp_rxtest", "-lacp_rxtest", "lacp_fast_timeout", "-lacp_fast_timeout"}
IF_ONEARG.update(LAGG_WORDS)
IF_NOARG.update(LAGG_FLAGS)
LAGG_WORDS |= LAGG_FLAGS
# lagg_ioctl's priv_check(PRIV_NET_LAGG) for a user who is not root: iflagg.c's err(3) and warnx texts.
IF_DENIED.update({"laggproto": "SIOCSLAGG: Operation not permitted",
                  "laggport": "%(name)s %(value)s: SIOCSLAGGPORT: Operation not permitted",
                  "-laggport": "SIOCSLAGGDELPORT: Operation not permitted",
                  "lagghash": "SIOCSLAGGHASH: Operation not permitted"})

EXIT = {"code": 0}  # sbin/ifconfig/ifconfig.c exit_code: set by a failure the command goes on after


def warn(message):
    """warnx(3), after which ifconfig goes on and exits 1 (iflagg.c setlaggport: 'Do not exit with
    an error here. Doing so permits a failed NIC to take down an entire lagg')."""
    sys.stderr.write("ifconfig: %s\n" % message)
    EXIT["code"] = 1


def link_of(name):
    """The link named name as links() gives it, or None."""
    r = run(["ip", "-d", "-j", "addr", "show", "dev", name], check=False)
    data = json.loads(r.stdout or "[]") if r.returncode == 0 else []
    return data[0] if data else None


def lagg_state(link):
    """What the lagg's alias keeps: {"proto", "hash", "primary"} (primary: an ifindex or None), or
    None for a link that is no lagg."""
    words = ((link or {}).get("ifalias") or "").split()
    if not words or words[0] != LAGG_ALIAS:
        return None
    state = {"proto": LAGG_DEFAULT_PROTO, "hash": "l2,l3,l4", "primary": None}
    for w in words[1:]:
        key, _, value = w.partition("=")
        state[key] = int(value) if key == "primary" and value.isdigit() else value
    return state


def lagg_set_state(name, state):
    alias = [LAGG_ALIAS, "proto=" + state["proto"], "hash=" + state["hash"]]
    if state.get("primary") is not None:
        alias.append("primary=%d" % state["primary"])
    run(["ip", "link", "set", name, "alias", " ".join(alias)])


def is_bond(link):
    return (link.get("linkinfo") or {}).get("info_kind") == "bond"


def is_lagg_port(link):
    """A port of a simulated lagg: a bond's slave, or an isolated port of the bridge stand-in."""
    info = link.get("linkinfo") or {}
    return info.get("info_slave_kind") == "bond" or (info.get("info_slave_kind") == "bridge"
                                                     and (info.get("info_slave_data") or {}).get("isolated") is True)


def lagg_ports(name):
    """The lagg's ports, in sc_ports' order: by interface index (lagg_port_create keeps them so)."""
    return [l for l in links() if l.get("master") == name]


def port_active(port):
    """sys/net/if_lagg.h LAGG_PORTACTIVE: link state up and IFF_UP."""
    flags = port.get("flags", [])
    return "UP" in flags and "LOWER_UP" in flags


def lagg_create(name, actions):
    """'ifconfig laggN create' (ifclone.c ifclonecreate; if_lagg.c lagg_clone_create: the default
    protocol, every hash layer, no port). ifconfig prints the name only when it differs from the
    one asked for ('lagg' makes lagg0) or a 'name' renamed it."""
    m = re.fullmatch(r"lagg(\d*)", name)
    unit = m.group(1)
    if unit == "":
        unit = 0
        while link_exists("lagg%d" % unit):
            unit += 1
    elif (unit.startswith("0") and unit != "0") or int(unit) > 0x7fff:
        fail("ifconfig: SIOCIFCREATE2: Invalid argument")  # sys/net/if_clone.c ifc_name2unit: EINVAL
    created = "lagg%s" % unit
    if link_exists(created):
        fail("ifconfig: SIOCIFCREATE2 (%s): File exists" % created)
    r = run(["ip", "link", "add", created, "type", "bond", "mode", LAGG_BOND_MODE[LAGG_DEFAULT_PROTO], "miimon", "100"],
            check=False)
    if r.returncode != 0:
        if "Unknown device type" not in (r.stderr or ""):
            raise RuntimeError(r.stderr.strip())
        run(["ip", "link", "add", created, "type", "bridge"])
    lagg_set_state(created, {"proto": LAGG_DEFAULT_PROTO, "hash": "l2,l3,l4", "primary": None})
    printed = created != name
    if actions and actions[0][0] == "name":
        rename(created, actions[0][1])
        created = actions.pop(0)[1]
        printed = True
    if printed:
        out(created + "\n")
    return created


def lagg_action(name, word, value):
    """One of iflagg.c's commands on interface name (or destroy on a lagg). Returns the name, or
    None once the lagg is destroyed."""
    link = link_of(name)
    state = lagg_state(link)
    if word == "destroy":
        # lagg_clone_destroy: every port leaves (lagg_port_destroy), then the interface goes.
        for port in lagg_ports(name):
            lagg_leave(link, port)
        run(["ip", "link", "del", name])
        return None
    if word == "laggproto":
        protos = list(LAGG_BOND_MODE) + ["default"]
        if value not in protos:
            fail("ifconfig: Invalid aggregation protocol: %s" % value)
        if state is None:
            fail("ifconfig: SIOCSLAGG: Invalid argument")  # lagg_ioctl is not this interface's
        state["proto"] = LAGG_DEFAULT_PROTO if value == "default" else value
        if is_bond(link) and (link.get("linkinfo", {}).get("info_data") or {}).get("mode") != LAGG_BOND_MODE[state["proto"]]:
            lagg_bond_mode(name, link, LAGG_BOND_MODE[state["proto"]])
        lagg_set_state(name, state)
    elif word == "laggport":
        problem = lagg_port_problem(name, link, state, linux_name(value))
        if problem == "":
            return name  # EEXIST: setlaggport ignores a port already in this lagg
        if problem:
            warn("%s %s: SIOCSLAGGPORT: %s" % (fbsd_name(name), value, problem))
            return name
        port = link_of(linux_name(value))
        if not lagg_ports(name):
            state["primary"] = port["ifindex"]  # the first port is the primary (sc_primary)
            if not is_bond(link):
                run(["ip", "link", "set", name, "address", port["address"]])  # the lagg takes its MAC
        lagg_join(link, port)
        lagg_set_state(name, state)
        lagg_bond_primary(name, link, state)
    elif word == "-laggport":
        port = link_of(linux_name(value))
        if state is None or port is None:
            fail("ifconfig: SIOCSLAGGDELPORT: Invalid argument")
        if port.get("master") != name:
            fail("ifconfig: SIOCSLAGGDELPORT: No such file or directory")
        lagg_leave(link, port)
        if state.get("primary") == port["ifindex"]:
            # lagg_port_destroy: the first port left becomes the primary.
            rest = lagg_ports(name)
            state["primary"] = rest[0]["ifindex"] if rest else None
        lagg_set_state(name, state)
        lagg_bond_primary(name, link, state)
    elif word == "lagghash":
        layers = value.split(",")
        for layer in layers:
            if layer not in ("l2", "l3", "l4"):
                fail("ifconfig: Invalid lagghash option: %s" % layer)
        if state is None:
            fail("ifconfig: SIOCSLAGGHASH: Invalid argument")
        state["hash"] = ",".join(l for l in ("l2", "l3", "l4") if l in layers)  # lagg_status prints them in this order
        lagg_set_state(name, state)
    # laggtype (a clone parameter: ethernet is all the simulator has), flowid_shift, rr_limit and
    # the lagg options: accepted, not modelled.
    return name


def lagg_port_problem(name, link, state, port_name):
    """Why SIOCSLAGGPORT fails, as strerror(3) says it: lagg_ioctl's ifunit_ref, then
    lagg_port_create's checks in their order; "" for a port already in this lagg (EEXIST), None
    when it can join."""
    if state is None:
        return "Invalid argument"  # the interface is no lagg: its driver has no SIOCSLAGGPORT
    port = link_of(port_name)
    if port is None:
        return "Invalid argument"
    if port["ifname"] == name:
        return "Invalid argument"  # "cannot add a lagg to itself as a port"
    if len(lagg_ports(name)) >= LAGG_MAX_PORTS:
        return "No space left on device"
    if port.get("master") == name:
        return ""
    if is_lagg_port(port):
        return "Device busy"  # a port of another lagg
    if kind(port) in ("loopback", "bridge"):
        return "Protocol not supported"  # only IFT_ETHER and IFT_L2VLAN ports
    if kind(port) == "lagg":
        return "Invalid argument"  # the stacked lagg check
    if port.get("master"):
        # FreeBSD lets a bridge member join a lagg; Linux enslaves a link to one master only.
        return "Device busy"
    return None


def lagg_join(link, port):
    """Linux's bond enslaves only a link that is down ("Device can not be enslaved while up"); a
    FreeBSD port keeps its IFF_UP as it joins."""
    name, was_up = link["ifname"], "UP" in port.get("flags", [])
    if is_bond(link):
        if was_up:
            run(["ip", "link", "set", port["ifname"], "down"])
        run(["ip", "link", "set", port["ifname"], "master", name])
        if was_up:
            run(["ip", "link", "set", port["ifname"], "up"])
    else:
        run(["ip", "link", "set", port["ifname"], "master", name])
        run(["ip", "link", "set", port["ifname"], "type", "bridge_slave", "isolated", "on"])


def lagg_leave(link, port):
    """lagg_port_destroy gives the port its MAC address back and leaves IFF_UP as it was; Linux's
    bond closes a released slave, so it comes up again."""
    run(["ip", "link", "set", port["ifname"], "nomaster"])
    if "UP" in port.get("flags", []):
        run(["ip", "link", "set", port["ifname"], "up"])


def lagg_bond_mode(name, link, mode):
    """SIOCSLAGG keeps the ports (lagg_proto_detach, lagg_proto_attach); Linux changes a bond's
    mode only while it is down and has no slaves: they leave and join again."""
    ports = lagg_ports(name)

    def change():
        for p in ports:
            run(["ip", "link", "set", p["ifname"], "nomaster"])
        run(["ip", "link", "set", name, "type", "bond", "mode", mode])
        for p in ports:
            lagg_join(link, dict(p, flags=[f for f in p.get("flags", []) if f != "UP"]))
            if "UP" in p.get("flags", []):
                run(["ip", "link", "set", p["ifname"], "up"])
    down_for(name, change)


def lagg_bond_primary(name, link, state):
    """A failover lagg sends on its primary while it is active (lagg_link_active): the bond's
    primary in active-backup."""
    if is_bond(link) and state["proto"] == "failover" and state.get("primary") is not None:
        primary = [p["ifname"] for p in lagg_ports(name) if p["ifindex"] == state["primary"]]
        if primary:
            run(["ip", "link", "set", name, "type", "bond", "primary", primary[0]], check=False)


def lagg_port_flags(link, state, ports, port):
    """if_lagg.c lagg_port2req: failover's primary is MASTER, and the port lagg_link_active picks
    (the primary if active, else the next one if active, else the first active one) ACTIVE;
    roundrobin, loadbalance and broadcast mark every active port; lacp marks the ports of the
    active aggregator ACTIVE, and COLLECTING and DISTRIBUTING as the LACP actor state says
    (from the bond's 802.3ad state, when it has one); none marks nothing."""
    names = []
    proto = state["proto"]
    if proto == "failover":
        primary = next((i for i, p in enumerate(ports) if p["ifindex"] == state.get("primary")), None)
        active = None
        if primary is not None and port_active(ports[primary]):
            active = ports[primary]
        elif primary is not None and primary + 1 < len(ports) and port_active(ports[primary + 1]):
            active = ports[primary + 1]
        else:
            active = next((p for p in ports if port_active(p)), None)
        if primary is not None and ports[primary] is port:
            names.append("MASTER")
        if active is port:
            names.append("ACTIVE")
    elif proto in ("roundrobin", "loadbalance", "broadcast"):
        if port_active(port):
            names.append("ACTIVE")
    elif proto == "lacp":
        slave = (port.get("linkinfo") or {}).get("info_slave_data") or {}
        aggregator = (((link.get("linkinfo") or {}).get("info_data") or {}).get("ad_info") or {}).get("aggregator")
        actor = slave.get("ad_actor_oper_port_state", 0)
        if aggregator is not None and slave.get("ad_aggregator_id") == aggregator and port_active(port):
            names.append("ACTIVE")
        if actor & 0x10:  # LACP_STATE_COLLECTING
            names.append("COLLECTING")
        if actor & 0x20:  # LACP_STATE_DISTRIBUTING
            names.append("DISTRIBUTING")
    bits = sum(b for n, b in LAGG_PORT_BITS if n in names)
    return "flags=%x<%s>" % (bits, ",".join(n for n, _ in LAGG_PORT_BITS if n in names))


def lagg_status(link, ports):
    """sbin/ifconfig/iflagg.c lagg_status (FreeBSD 14): the protocol with its hash layers, then one
    line per port."""
    state = lagg_state(link)
    lines = ["\tlaggproto %s" % state["proto"] + (" lagghash %s" % state["hash"] if state["hash"] else "")]
    for port in ports:
        lines.append("\tlaggport: %s %s" % (fbsd_name(port["ifname"]), lagg_port_flags(link, state, ports, port)))
    return lines


# The capabilities the simulated NICs have (the options lines of show()), by kind.
OPTION_BITS = {"veth": [("VLAN_MTU", 0x8)], "ether": [("VLAN_MTU", 0x8), ("LINKSTATE", 0x80000)]}


def lagg_options(ports):
    """if_lagg.c lagg_capabilities: the capabilities every port has enabled (none without ports)."""
    common = None
    for p in ports:
        bits = set(OPTION_BITS.get(kind(p), []))
        common = bits if common is None else common & bits
    common = sorted(common or [], key=lambda nb: nb[1])
    if not common:
        return "\toptions=0"
    return "\toptions=%x<%s>" % (sum(b for _, b in common), ",".join(n for n, _ in common))


def lagg_media(ports):
    """if_lagg.c lagg_media_status: Ethernet autoselect, active while one port is active."""
    return ["\tmedia: Ethernet autoselect",
            "\tstatus: " + ("active" if any(port_active(p) for p in ports) else "no carrier")]
