"""Addresses as pfctl reads them: sbin/pfctl/pfctl_parser.c host() and host_if(), the interface
table (ifa_load, ifa_lookup, ifa_skip_if, ifa_exists, ifa_add_groups_to_map), table entries
(append_addr, append_addr_host), pfctl_radix.c pfr_next_token, and the entry keys pfctl_table.c
print_addrx prints. inet_pton(3) and inet_net_pton(3) stand behind v4, v4_net and v6.

interfaces() is the host's getifaddrs(3): tests replace pf_addr.interfaces, which Interfaces reads
through this module's global, so the replacement reaches every caller.
"""
import ipaddress
import socket

import freebsd_sim as sim
from pf_lex import IFNAMSIZ, PFI_AFLAG_BROADCAST, PFI_AFLAG_NETWORK, PFI_AFLAG_NOALIAS, PFI_AFLAG_PEER, err


# ---------------------------------------------------------------- addresses (pfctl_parser.c host(), ifa_*)

def v4(text):
    """inet_pton(AF_INET): a dotted quad of decimals without leading zeros."""
    try:
        return int(ipaddress.IPv4Address(text))
    except (ipaddress.AddressValueError, ValueError):
        return None


def v4_net(text):
    """inet_net_pton(AF_INET, "a[.b[.c[.d]]]/bits"): the bits and the (unmasked) address."""
    addr, _, bits = text.rpartition("/")
    parts = addr.split(".")
    if not bits.isdigit() or int(bits) > 32 or not 1 <= len(parts) <= 4 or \
            not all(p.isdigit() and int(p) <= 255 for p in parts):
        return None
    value = 0
    for p in parts + ["0"] * (4 - len(parts)):
        value = value << 8 | int(p)
    return value, int(bits)


def v6(text):
    try:
        return int(ipaddress.IPv6Address(text))
    except (ipaddress.AddressValueError, ValueError):
        return None


def masked(addr, bits, af):
    width = 32 if af == 4 else 128
    return addr & (((1 << width) - 1) ^ ((1 << (width - bits)) - 1)) if bits < width else addr


def addr_text(addr, af):
    return str(ipaddress.IPv4Address(addr)) if af == 4 else str(ipaddress.IPv6Address(addr))


def node(kind, af=0, addr=0, bits=0, **extra):
    n = {"type": kind, "af": af, "addr": addr, "bits": bits, "not": 0}
    n.update(extra)
    return n


def interfaces():
    """getifaddrs() of the simulated host: [{name, af: link|4|6, addr, bits, loopback, broadcast}], the
    addresses the simulated ifconfig shows (inet on every interface, inet6 on lo0 only)."""
    table = []
    ifconfig = sim.module("ifconfig_sim")
    for link in ifconfig.links():
        if link["ifname"].endswith("-wire"):
            continue
        name = sim.fbsd_name(link["ifname"])
        loop = ifconfig.kind(link) == "loopback"
        base = {"name": name, "loopback": loop, "broadcast": "BROADCAST" in link.get("flags", []),
                "group": ifconfig.group_of(link)}
        table.append(dict(base, af="link", addr=0, bits=0))
        for a in link.get("addr_info", []):
            if a.get("family") == "inet":
                table.append(dict(base, af=4, addr=v4(a["local"]), bits=a["prefixlen"]))
            elif a.get("family") == "inet6" and loop:
                table.append(dict(base, af=6, addr=v6(a["local"].split("%")[0]), bits=a["prefixlen"]))
    return table


class Interfaces:
    """pfctl_parser.c iftab (loaded once, ifa_load) and the interface-group map."""

    def __init__(self):
        self._tab = None

    @property
    def tab(self):
        if self._tab is None:
            self._tab = interfaces()
        return self._tab

    def groups(self):
        # ifa_add_groups_to_map: every group but "all"
        return {e["group"] for e in self.tab if e["af"] == "link" and e["group"]}

    def is_group(self, name):
        return name in self.groups()

    def exists(self, name):
        """ifa_exists: a group, or an interface with a link-level address."""
        return self.is_group(name) or any(e["af"] == "link" and e["name"] == name for e in self.tab)

    def is_loopback(self, name):
        return any(e["af"] == "link" and e["name"] == name and e["loopback"] for e in self.tab)

    def members(self, group):
        return [e["name"] for e in self.tab if e["af"] == "link" and e["group"] == group]

    @staticmethod
    def skip_if(filt, e):
        """ifa_skip_if: exact name, or a name prefix not ending in a digit followed by a unit number."""
        if e["af"] not in (4, 6):
            return True
        if not filt:
            return False
        if e["name"] == filt:
            return False
        n = len(filt)
        if n < 1 or n >= IFNAMSIZ or filt[-1].isdigit() or not e["name"].startswith(filt):
            return True
        return not e["name"][n:n + 1].isdigit()

    def lookup(self, name, flags):
        """ifa_lookup: the addresses of an interface (or group, or "self": all), one node each."""
        if self.is_group(name):
            out = []
            for m in self.members(name):
                out += self.lookup(m, flags)
            return out
        filt = None if name == "self" else name
        out = []
        last, got4, got6 = None, False, False
        for e in self.tab:
            if self.skip_if(filt, e):
                continue
            if flags & PFI_AFLAG_BROADCAST and (e["af"] != 4 or not e["broadcast"]):
                continue
            if flags & PFI_AFLAG_PEER:
                continue  # no point-to-point interfaces here
            if last != e["name"]:
                got4 = got6 = False
            last = e["name"]
            if flags & PFI_AFLAG_NOALIAS and e["af"] == 4 and got4:
                continue
            if flags & PFI_AFLAG_NOALIAS and e["af"] == 6 and (got6 or e["addr"] >> 118 == 0x3fa):
                continue
            if e["af"] == 4:
                got4 = True
            else:
                got6 = True
            addr, width = e["addr"], 32 if e["af"] == 4 else 128
            if flags & PFI_AFLAG_BROADCAST:
                addr = e["addr"] | ((1 << (32 - e["bits"])) - 1)
            bits = e["bits"] if flags & PFI_AFLAG_NETWORK else width
            out.append(node("addrmask", e["af"], masked(addr, bits, e["af"]), bits, ifname=e["name"]))
        return out


class HostError(Exception):
    pass


def host_if(ifs, s, mask, say=err):
    """pfctl_parser.c host_if: IF[:network|:broadcast|:peer|:0], the addresses at load time."""
    flags = 0
    name = s
    while ":" in name:
        name, _, mod = name.rpartition(":")
        flags |= {"network": PFI_AFLAG_NETWORK, "broadcast": PFI_AFLAG_BROADCAST, "peer": PFI_AFLAG_PEER,
                  "0": PFI_AFLAG_NOALIAS}.get(mod, -1)
        if flags < 0:
            return None
    if flags & (flags - 1) & (PFI_AFLAG_NETWORK | PFI_AFLAG_BROADCAST | PFI_AFLAG_PEER):
        say("illegal combination of interface modifiers")
        return None
    if flags & (PFI_AFLAG_NETWORK | PFI_AFLAG_BROADCAST) and mask > -1:
        say("network or broadcast lookup, but extra netmask given")
        return None
    if ifs.exists(name) or name == "self":
        hosts = ifs.lookup(name, flags)
        for h in hosts:
            if mask > -1:
                h["bits"] = mask
                h["addr"] = masked(h["addr"], min(mask, 32 if h["af"] == 4 else 128), h["af"])
        return hosts
    return None


def host(ifs, s, say=err):
    """pfctl_parser.c host(): an IPv4 or IPv6 address (with /mask), an interface, or a DNS name.
    Returns a list of nodes; on failure prints what host() prints and raises HostError."""
    if "/" in s:
        head, _, tail = s.rpartition("/")
        try:
            mask = int(tail, 0)
        except ValueError:
            mask = None
        if mask is None or mask > 128:
            say("invalid netmask '/%s'" % tail)
            raise HostError(s)
        ps = head
    else:
        ps, mask = s, -1
    if mask >= 0:
        got = v4_net(s)
        if got:
            addr, bits = got
            return [node("addrmask", 4, masked(addr, bits, 4), bits)]
    elif v4(s) is not None:
        return [node("addrmask", 4, v4(s), 32)]
    a6 = v6(ps)
    if a6 is not None:
        bits = 128 if mask < 0 else mask
        return [node("addrmask", 6, masked(a6, bits, 6), bits)]
    hosts = host_if(ifs, ps, mask, say)
    if hosts:
        return hosts
    try:
        name, noalias = (ps[:-2], True) if ps.endswith(":0") else (ps, False)
        infos = socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        infos = []
    out, got = [], set()
    for fam, _, _, _, sa in infos:
        af = 4 if fam == socket.AF_INET else 6 if fam == socket.AF_INET6 else 0
        if not af or (noalias and af in got):
            continue
        got.add(af)
        bits = (32 if af == 4 else 128) if mask < 0 else mask
        addr = v4(sa[0]) if af == 4 else v6(sa[0])
        out.append(node("addrmask", af, masked(addr, min(bits, 32 if af == 4 else 128), af), bits))
    if not out:
        say("no IP address found for %s" % s)
        raise HostError(s)
    return out


def table_entry(n, neg):
    """pfctl_parser.c append_addr_host: a table entry {af, addr, net, not}."""
    return {"af": n["af"], "addr": n["addr"], "net": n["bits"], "not": int(bool(n["not"]) ^ bool(neg))}


def entry_key(e):
    """An entry's address as pfctl_table.c print_addrx prints it: addr[/net] (the key of pf's
    radix lookup, pfr_lookup_addr with exact=1)."""
    text = addr_text(e["addr"], e["af"])
    if e["net"] < (32 if e["af"] == 4 else 128):
        text += "/%d" % e["net"]
    return text


def entry_from_key(key, neg=0):
    addr, _, net = key.partition("/")
    af = 6 if ":" in addr else 4
    value = v4(addr) if af == 4 else v6(addr)
    return {"af": af, "addr": value, "net": int(net) if net else (32 if af == 4 else 128), "not": int(neg)}


def entry_order(item):
    """pfr_get_addrs walks the IPv4 radix tree, then the IPv6 one: by address, then most specific."""
    e = entry_from_key(item[0])
    return (e["af"], e["addr"], -e["net"])


def load_addresses(ifs, tokens, say=err):
    """append_addr() for each word: '!' negates, then host(). Raises HostError."""
    entries = []
    for word in tokens:
        neg = False
        while word.startswith("!"):
            neg, word = not neg, word[1:]
        for n in host(ifs, word, say):
            if n["bits"] > (32 if n["af"] == 4 else 128):
                raise HostError(word)
            entries.append(table_entry(n, neg))
    return entries


def file_tokens(text):
    """pfctl_radix.c pfr_next_token: words split on white space, '#' starts a comment at a word's start."""
    words = []
    for line in text.split("\n"):
        for w in line.split():
            if w.startswith("#"):
                break
            words.append(w)
    return words
