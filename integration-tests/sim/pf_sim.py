"""pf for the simulated FreeBSD hosts: pfctl, the pf kernel module and its enforcement.

FreeBSD is the oracle: every behaviour below follows FreeBSD 14's source, named in the comments
(sbin/pfctl/*.c, parse.y, sys/netpfil/pf/*.c, sys/net/if_bridge.c, sbin/kldload, sbin/kldstat).
Constructs the translator cannot honour fail the load loudly, in pfctl's FILE:LINE: form.

- pfctl reads pf.conf as parse.y does (lexer, grammar, expand_rule, the basic optimizer of
  pfctl_optimize.c) and prints rules as pfctl_parser.c print_rule does.
- The "kernel" is nftables in the host's own network namespace: one table inet pf (and a table
  bridge pf that tags bridged frames), rebuilt atomically (nft -f -) on every change; pf states are
  Linux conntrack entries marked with per-direction bits; pf tables are nft sets, with pfctl's
  bookkeeping (flags, insertion times) in /var/run/uirig-sim/pf.json.
- The pf module is /dev/pf: created by kldload pf, removed by kldunload pf.
"""
import ipaddress
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time

import freebsd_sim as sim

HERE = os.path.dirname(os.path.abspath(__file__))


def pf_device():
    """pfctl.c: pf_device = "/dev/pf" (a jail sees its own /dev, which devfs ruleset 4 hides pf from)."""
    return os.environ.get("UIRIG_SIM_PF_DEVICE") or sim.in_root("/dev/pf")


def module_loaded():
    return os.path.exists(pf_device())


def err(message):
    sys.stderr.write(message + "\n")


class Exit(Exception):
    """err(3)/errx(3): the message is already printed, pfctl exits with code."""

    def __init__(self, code):
        Exception.__init__(self, code)
        self.code = code


def die(message, code=1):
    err(message)
    raise Exit(code)


# ---------------------------------------------------------------- FreeBSD's databases

_services = None
_protocols = None


def _read_db(name):
    rows = []
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append(line.split())
    return rows


def services():
    """FreeBSD's /etc/services: {(port, proto): first name} and {(name, proto): port}
    (getservbyport/getservbyname over the services_mkdb database: the first entry wins)."""
    global _services
    if _services is None:
        by_port, by_name = {}, {}
        for row in _read_db("freebsd-services"):
            port, proto = row[1].split("/")
            by_port.setdefault((int(port), proto), row[0])
            for n in [row[0]] + row[2:]:
                by_name.setdefault((n, proto), int(port))
        _services = by_port, by_name
    return _services


def protocols():
    """FreeBSD's /etc/protocols: ({name or alias: number}, {number: name})."""
    global _protocols
    if _protocols is None:
        by_name, by_num = {}, {}
        for row in _read_db("freebsd-protocols"):
            for n in [row[0]] + row[2:]:
                by_name.setdefault(n, int(row[1]))
            by_num.setdefault(int(row[1]), row[0])
        _protocols = by_name, by_num
    return _protocols


def proto_name(number):
    """pfctl.c pfctl_proto2name (getprotobynumber)."""
    return protocols()[1].get(number)


TCP, UDP, ICMP, ICMP6 = 6, 17, 1, 58

# pfctl_parser.c icmp_type[] / icmp6_type[] / icmp_code[] / icmp6_code[].
ICMP_TYPES = {"echoreq": 8, "echorep": 0, "unreach": 3, "squench": 4, "redir": 5, "althost": 6, "routeradv": 9,
              "routersol": 10, "timex": 11, "paramprob": 12, "timereq": 13, "timerep": 14, "inforeq": 15,
              "inforep": 16, "maskreq": 17, "maskrep": 18, "trace": 30, "dataconv": 31, "mobredir": 32,
              "ipv6-where": 33, "ipv6-here": 34, "mobregreq": 35, "mobregrep": 36, "skip": 39, "photuris": 40}
ICMP6_TYPES = {"unreach": 1, "toobig": 2, "timex": 3, "paramprob": 4, "echoreq": 128, "echorep": 129,
               "groupqry": 130, "listqry": 130, "grouprep": 131, "listenrep": 131, "groupterm": 132,
               "listendone": 132, "routersol": 133, "routeradv": 134, "neighbrsol": 135, "neighbradv": 136,
               "redir": 137, "routrrenum": 138, "wrureq": 139, "wrurep": 140, "fqdnreq": 139, "fqdnrep": 140,
               "niqry": 139, "nirep": 140, "mtraceresp": 200, "mtrace": 201}
ICMP_CODES = [("net-unr", 3, 0), ("host-unr", 3, 1), ("proto-unr", 3, 2), ("port-unr", 3, 3), ("needfrag", 3, 4),
              ("srcfail", 3, 5), ("net-unk", 3, 6), ("host-unk", 3, 7), ("isolate", 3, 8), ("net-prohib", 3, 9),
              ("host-prohib", 3, 10), ("net-tos", 3, 11), ("host-tos", 3, 12), ("filter-prohib", 3, 13),
              ("host-preced", 3, 14), ("cutoff-preced", 3, 15), ("redir-net", 5, 0), ("redir-host", 5, 1),
              ("redir-tos-net", 5, 2), ("redir-tos-host", 5, 3), ("normal-adv", 9, 0), ("common-adv", 9, 16),
              ("transit", 11, 0), ("reassemb", 11, 1), ("badhead", 12, 0), ("optmiss", 12, 1), ("badlen", 12, 2),
              ("unknown-ind", 40, 1), ("auth-fail", 40, 2), ("decrypt-fail", 40, 3)]
ICMP6_CODES = [("admin-unr", 1, 1), ("noroute-unr", 1, 0), ("notnbr-unr", 1, 2), ("beyond-unr", 1, 2),
               ("addr-unr", 1, 3), ("port-unr", 1, 4), ("transit", 3, 0), ("reassemb", 3, 1), ("badhead", 4, 0),
               ("nxthdr", 4, 1), ("redironlink", 137, 0), ("redirrouter", 137, 1)]
RETURN_ICMP_DEFAULT = (3 << 8) | 3     # parse.y returnicmpdefault: ICMP_UNREACH, ICMP_UNREACH_PORT
RETURN_ICMP6_DEFAULT = (1 << 8) | 4    # ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT


def icmp_code_name(itype, code, af):
    for name, t, c in (ICMP6_CODES if af == 6 else ICMP_CODES):
        if t == itype and c == code:
            return name
    return None


def icmp_type_name(itype, af):
    for name, t in (ICMP6_TYPES if af == 6 else ICMP_TYPES).items():
        if t == itype:
            return name
    return None


TCPFLAGS = "FSRPAUEW"  # pfctl_parser.c tcpflags; bit i is flag TCPFLAGS[i]
NFT_TCPFLAGS = ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"]


def parse_flags(s):
    """pfctl_parser.c parse_flags: letters of FSRPAUEW; an empty set means all (PF_TH_ALL)."""
    f = 0
    for ch in s:
        if ch not in TCPFLAGS:
            return -1
        f |= 1 << TCPFLAGS.index(ch)
    return f if f else 0xff


def flags_text(f):
    return "".join(TCPFLAGS[i] for i in range(8) if f & (1 << i))


# pfvar.h constants used by the parser and the printer.
PF_OP_NONE, PF_OP_IRG, PF_OP_EQ, PF_OP_NE, PF_OP_LT, PF_OP_LE, PF_OP_GT, PF_OP_GE, PF_OP_XRG, PF_OP_RRG = range(10)
PFRULE_DROP, PFRULE_RETURNRST, PFRULE_FRAGMENT, PFRULE_RETURNICMP, PFRULE_RETURN = 0, 1, 2, 4, 8
PFRULE_NOSYNC, PFRULE_SRCTRACK, PFRULE_RULESRCTRACK, PFRULE_NODF = 0x10, 0x20, 0x40, 0x100
PFRULE_FRAGMENT_NOREASS, PFRULE_RANDOMID, PFRULE_REASSEMBLE_TCP, PFRULE_SET_TOS = 0x200, 0x800, 0x1000, 0x2000
PFRULE_IFBOUND, PFRULE_STATESLOPPY = 0x10000, 0x20000
PF_FLUSH, PF_FLUSH_GLOBAL = 1, 2
PF_POOL_NONE, PF_POOL_BITMASK, PF_POOL_RANDOM, PF_POOL_SRCHASH, PF_POOL_ROUNDROBIN = 0, 1, 2, 3, 4
PF_POOL_STICKYADDR = 0x20
PF_NAT_PROXY_PORT_LOW, PF_NAT_PROXY_PORT_HIGH = 50001, 65535
PFI_AFLAG_NETWORK, PFI_AFLAG_BROADCAST, PFI_AFLAG_PEER, PFI_AFLAG_NOALIAS = 1, 2, 4, 8
PF_THRESHOLD_MAX = 0xffffffff // 1000
PFTM_NAMES = ["tcp.first", "tcp.opening", "tcp.established", "tcp.closing", "tcp.finwait", "tcp.closed",
              "udp.first", "udp.single", "udp.multiple", "icmp.first", "icmp.error", "other.first",
              "other.single", "other.multiple", "frag", "interval", "adaptive.start", "adaptive.end",
              "src.track", "tcp.tsdiff"]  # pfctl_parser.c pf_timeouts[], in PFTM_* order
IFNAMSIZ = 16
# parse.y map_tos (names compared without case).
TOS_NAMES = {"af11": 0x28, "af12": 0x30, "af13": 0x38, "af21": 0x48, "af22": 0x50, "af23": 0x58, "af31": 0x68,
             "af32": 0x70, "af33": 0x78, "af41": 0x88, "af42": 0x90, "af43": 0x98, "critical": 0xa0, "cs0": 0,
             "cs1": 0x20, "cs2": 0x40, "cs3": 0x60, "cs4": 0x80, "cs5": 0xa0, "cs6": 0xc0, "cs7": 0xe0,
             "ef": 0xb8, "inetcontrol": 0xc0, "lowdelay": 0x10, "netcontrol": 0xe0, "reliability": 0x04,
             "throughput": 0x08, "va": 0xb0}
PF_TABLE_NAME_SIZE = 32

# parse.y lookup(): the keywords (anything else is a STRING).
KEYWORDS = set("""all allow-opts altq anchor antispoof any bandwidth binat binat-anchor bitmask block
block-policy bridge-to buckets cbq code codelq debug divert-reply divert-to dnpipe dnqueue drop dup-to
ether fail-policy fairq fastroute file fingerprints flags floating flush for fragment from global group
hfsc hogs hostid icmp-type icmp6-type if-bound in include inet inet6 interval keep keepcounters l3 label
limit linkshare load log loginterface map-e-portset match max max-mss max-src-conn max-src-conn-rate
max-src-nodes max-src-states min-ttl modulate nat nat-anchor no no-df no-route no-sync on optimization
os out overload pass port prio priority priq probability proto qlimit queue quick random random-id rdr
rdr-anchor realtime reassemble reply-to require-order return return-icmp return-icmp6 return-rst
ridentifier round-robin route route-to rtable rule ruleset-optimization scrub set set-tos skip sloppy
source-hash source-track state state-defaults state-policy static-port sticky-address syncookies
synproxy table tag tagged target tbrsize timeout to tos ttl upperlimit urpf-failed user""".split())


# ---------------------------------------------------------------- lexer (parse.y yylex, lgetc)

EOF = None


def isalnum(c):
    return c is not None and c.isascii() and c.isalnum()


def isspace(c):
    return c is not None and c in " \t\n\v\f\r"


def ispunct(c):
    return c is not None and c.isascii() and not c.isalnum() and c.isprintable() and c != " "


def allowed_in_string(c):
    """parse.y allowed_in_string()."""
    return isalnum(c) or (ispunct(c) and c not in "(){}<>!=/#,")


def allowed_to_end_number(c):
    return isspace(c) or (c is not None and c in "),/}=")


class Token:
    __slots__ = ("kind", "value", "line")

    def __init__(self, kind, value, line):
        self.kind, self.value, self.line = kind, value, line

    def is_(self, kind, value=None):
        return self.kind == kind and (value is None or self.value == value)

    def __repr__(self):
        return "%s(%r)@%d" % (self.kind, self.value, self.line)


class Source:
    """One file being read (parse.y struct file)."""

    def __init__(self, name, text):
        self.name, self.text, self.pos, self.lineno = name, text, 0, 1

    def getc(self):
        if self.pos >= len(self.text):
            return EOF
        c = self.text[self.pos]
        self.pos += 1
        return c


class Lexer:
    def __init__(self, conf, name, text):
        self.conf = conf
        self.files = [Source(name, text)]
        self.parsebuf = None
        self.parseindex = 0
        self.pushback = []
        self.lineno = 1  # yylval.lineno

    @property
    def file(self):
        return self.files[-1]

    def popfile(self):
        """parse.y popfile: back to the including file, or EOF for the main one."""
        if len(self.files) > 1:
            self.files.pop()
            return 0
        return EOF

    def lgetc(self, quotec):
        if self.parsebuf is not None:
            # Read character from the parsebuffer instead of input.
            if self.parseindex >= 0:
                c = self.parsebuf[self.parseindex] if self.parseindex < len(self.parsebuf) else "\0"
                self.parseindex += 1
                if c != "\0":
                    return c
                self.parsebuf = None
            else:
                self.parseindex += 1
        if self.pushback:
            return self.pushback.pop()
        if quotec:
            c = self.file.getc()
            if c is EOF:
                self.conf.yyerror("reached end of file while parsing quoted string", self)
                if self.popfile() is EOF:
                    return EOF
                return quotec
            return c
        while True:
            c = self.file.getc()
            if c != "\\":
                break
            nxt = self.file.getc()
            if nxt != "\n":
                c = nxt  # a backslash before anything but a newline is dropped
                break
            self.lineno = self.file.lineno
            self.file.lineno += 1
        while c is EOF:
            if self.popfile() is EOF:
                return EOF
            c = self.file.getc()
        return c

    def lungetc(self, c):
        if c is EOF:
            return EOF
        if self.parsebuf is not None:
            self.parseindex -= 1
            if self.parseindex >= 0:
                return c
        self.pushback.append(c)
        return c

    def findeol(self):
        """Skip to the end of the line after a lexical error; the lexer then returns ERROR."""
        self.parsebuf = None
        while True:
            c = self.pushback.pop() if self.pushback else self.lgetc(0)
            if c == "\n":
                self.file.lineno += 1
                break
            if c is EOF:
                break
        return Token("error", None, self.lineno)

    def token(self):
        """parse.y yylex()."""
        while True:
            buf = []
            c = self.lgetc(0)
            while c in (" ", "\t"):
                c = self.lgetc(0)
            self.lineno = self.file.lineno
            if c == "#":
                c = self.lgetc(0)
                while c != "\n" and c is not EOF:
                    c = self.lgetc(0)
            if c == "$" and self.parsebuf is None:
                while True:
                    c = self.lgetc(0)
                    if c is EOF:
                        return Token("eof", None, self.lineno)
                    if len(buf) + 1 >= 8096 - 1:
                        self.conf.yyerror("string too long", self)
                        return self.findeol()
                    if isalnum(c) or c == "_":
                        buf.append(c)
                        continue
                    self.lungetc(c)
                    break
                name = "".join(buf)
                val = self.conf.macros.get(name)
                if val is None:
                    self.conf.yyerror("macro '%s' not defined" % name, self)
                    return self.findeol()
                self.parsebuf, self.parseindex = val, 0
                continue
            break
        if c in ("'", '"'):
            quotec = c
            while True:
                c = self.lgetc(quotec)
                if c is EOF:
                    return Token("eof", None, self.lineno)
                if c == "\n":
                    self.file.lineno += 1
                    continue
                if c == "\\":
                    nxt = self.lgetc(quotec)
                    if nxt is EOF:
                        return Token("eof", None, self.lineno)
                    if nxt == quotec:
                        c = nxt
                    elif nxt == "\n":
                        self.file.lineno += 1
                        continue
                    else:
                        self.lungetc(nxt)
                elif c == quotec:
                    break
                if len(buf) + 1 >= 8096 - 1:
                    self.conf.yyerror("string too long", self)
                    return self.findeol()
                buf.append(c)
            return Token("str", "".join(buf), self.lineno)
        if c == "<":
            nxt = self.lgetc(0)
            if nxt == ">":
                return Token("portbin", PF_OP_XRG, self.lineno)
            self.lungetc(nxt)
        elif c == ">":
            nxt = self.lgetc(0)
            if nxt == "<":
                return Token("portbin", PF_OP_IRG, self.lineno)
            self.lungetc(nxt)
        elif c == "-":
            nxt = self.lgetc(0)
            if nxt == ">":
                return Token("arrow", None, self.lineno)
            self.lungetc(nxt)
        if c == "-" or (c is not None and c.isascii() and c.isdigit()):
            while True:
                buf.append(c)
                c = self.lgetc(0)
                if c is EOF or not (c.isascii() and c.isdigit()):
                    break
            self.lungetc(c)
            if not (len(buf) == 1 and buf[0] == "-") and (c is EOF or allowed_to_end_number(c)):
                text = "".join(buf)
                try:
                    value = int(text)
                except ValueError:
                    value = None
                if value is None or not -(2 ** 63) <= value < 2 ** 63:
                    self.conf.yyerror('"%s" invalid number: %s' % (text, "invalid" if value is None else
                                                                   "too large" if value > 0 else "too small"), self)
                    return self.findeol()
                return Token("num", value, self.lineno)
            while len(buf) > 1:
                self.lungetc(buf.pop())
            c = buf.pop()
            if c == "-":
                return Token("ch", "-", self.lineno)
        if isalnum(c) or c in (":", "_"):
            while True:
                buf.append(c)
                c = self.lgetc(0)
                if c is EOF or not allowed_in_string(c):
                    break
            self.lungetc(c)
            word = "".join(buf)
            return Token("kw", word, self.lineno) if word in KEYWORDS else Token("str", word, self.lineno)
        if c == "\n":
            self.lineno = self.file.lineno
            self.file.lineno += 1
        if c is EOF:
            return Token("eof", None, self.lineno)
        return Token("ch", c, self.lineno)


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


# ---------------------------------------------------------------- parser (parse.y)

class Syntax(Exception):
    """A token the grammar does not allow: yacc's "syntax error"."""


class Semantic(Exception):
    """YYERROR from an action: its message is already printed."""


RS_NONE, RS_OPTION, RS_ETHER, RS_SCRUB, RS_QUEUE, RS_NAT, RS_FILTER = range(7)
UNSUPPORTED = "is not supported by the simulated pf"


class Conf:
    """What pfctl's parse_config() gives pfctl_rules(): the rulesets, tables, options, and what
    it printed and complained about on the way (struct pfctl)."""

    def __init__(self, path, opts):
        self.path = path
        self.opts = opts                # set of pfctl option letters: n, v, vv
        self.macros = {}
        self.errors = 0
        self.errlines = []              # stderr, in order
        self.verbose_out = []           # what -v prints while parsing (macros, tables, options)
        self.rules = {"scrub": [], "nat": [], "rdr": [], "binat": [], "filter": []}
        self.tables = {}                # name -> {"flags": [...], "init": bool, "entries": [...], "nodes": [...]}
        self.table_order = []
        self.skip = None                # set skip on ...: None = not set
        self.optimize = None            # set ruleset-optimization
        self.blockpolicy = PFRULE_DROP
        self.require_order = 1
        self.rulestate = RS_NONE
        self.match = 0                  # the anchor's rule counter (nr)
        self.ifs = Interfaces()

    @property
    def verbose(self):
        return "v" in self.opts

    def yyerror(self, message, lexer=None, line=None):
        """parse.y yyerror: FILE:LINE: message."""
        self.errors += 1
        name = self.lexer.file.name if hasattr(self, "lexer") else self.path
        if line is None:
            line = lexer.lineno if lexer else self.line
        self.errlines.append("%s:%d: %s" % (name, line, message))

    def say(self, message):
        """A bare stderr line (fprintf(stderr) in pfctl_parser.c)."""
        self.errlines.append(message)


class Parser:
    def __init__(self, conf, name, text):
        self.conf = conf
        conf.lexer = self.lexer = Lexer(conf, name, text)
        self.errstatus = 0
        self.tok = None
        self.advance()

    # -- tokens
    def advance(self):
        self.tok = self.lexer.token()
        self.conf.line = self.tok.line

    def shift(self):
        t = self.tok
        if self.errstatus:
            self.errstatus -= 1
        self.advance()
        return t

    def kw(self, word):
        if self.tok.is_("kw", word):
            self.shift()
            return True
        return False

    def ch(self, c):
        if self.tok.is_("ch", c):
            self.shift()
            return True
        return False

    def need_kw(self, word):
        if not self.kw(word):
            raise Syntax()

    def need_ch(self, c):
        if not self.ch(c):
            raise Syntax()

    def string(self):
        if self.tok.kind != "str":
            raise Syntax()
        return self.shift().value

    def number(self):
        if self.tok.kind != "num":
            raise Syntax()
        return self.shift().value

    def numberstring(self):
        if self.tok.kind == "num":
            return str(self.shift().value)
        return self.string()

    def optnl(self):
        while self.tok.is_("ch", "\n"):
            self.shift()

    def comma(self):
        self.ch(",")

    def error(self, message):
        """yyerror + YYERROR, at the lookahead's line."""
        self.conf.yyerror(message, line=self.tok.line)
        raise Semantic()

    def unsupported(self, what, line=None):
        self.conf.yyerror("%s %s" % (what, UNSUPPORTED), line=line or self.tok.line)
        raise Semantic()

    def check_rulestate(self, desired):
        """parse.y check_rulestate."""
        if self.conf.require_order and self.conf.rulestate > desired:
            self.error("Rules must be in order: options, ethernet, normalization, queueing, translation, filtering")
        self.conf.rulestate = desired

    # -- the ruleset
    def parse(self):
        while not self.tok.is_("eof"):
            try:
                if self.ch("\n"):
                    continue
                self.statement()
                if not self.tok.is_("ch", "\n"):
                    raise Syntax()
                self.shift()
            except Syntax:
                if self.errstatus == 0:
                    self.conf.yyerror("syntax error", line=self.tok.line)
                self.recover()
            except Semantic:
                self.recover()
            except HostError:
                self.recover()

    def recover(self):
        """ruleset: ruleset error '\\n' { file->errors++; } -- tokens are dropped up to a newline."""
        self.errstatus = 3
        while not self.tok.is_("ch", "\n"):
            if self.tok.is_("eof"):
                self.conf.errors += 1
                return
            self.advance()
        self.shift()
        self.conf.errors += 1

    def statement(self):
        t = self.tok
        if t.kind == "str":
            return self.varset()
        if t.kind != "kw":
            if t.is_("ch", "{"):
                self.unsupported("an inline anchor")
            raise Syntax()
        word = t.value
        if word == "include":
            return self.include()
        if word == "set":
            return self.option()
        if word == "table":
            return self.tabledef()
        if word == "scrub":
            return self.scrubrule()
        if word == "no":
            self.shift()
            if self.tok.is_("kw", "scrub"):
                return self.scrubrule(no=True)
            if self.tok.is_("kw", "nat") or self.tok.is_("kw", "rdr"):
                return self.natrule(no=True)
            if self.tok.is_("kw", "binat"):
                self.unsupported("binat")
            raise Syntax()
        if word in ("nat", "rdr"):
            return self.natrule()
        if word in ("pass", "block", "match"):
            return self.pfrule()
        if word == "antispoof":
            return self.antispoof()
        if word in ("binat", "anchor", "nat-anchor", "rdr-anchor", "binat-anchor", "load", "altq", "queue",
                    "ether"):
            self.unsupported({"binat": "binat", "altq": "altq", "queue": "queue", "ether": "ether rules",
                              "load": "load anchor"}.get(word, "anchors"))
        raise Syntax()

    def include(self):
        self.need_kw("include")
        name = self.string()
        try:
            with open(name) as f:
                text = f.read()
        except OSError as e:
            self.conf.say("pfctl: %s: %s" % (name, e.strerror))
            self.error("failed to include file %s" % name)
        self.lexer.files.append(Source(name, text))
        self.lexer.pushback.append("\n")  # lungetc('\n'): the include line ends here

    def varset(self):
        """varset: STRING '=' varstring -- the value is re-read wherever $NAME appears."""
        name = self.string()
        self.need_ch("=")
        words = [self.numberstring()]
        while self.tok.kind in ("num", "str"):
            words.append(self.numberstring())
        value = " ".join(words)
        if self.conf.verbose:
            self.conf.verbose_out.append('%s = "%s"' % (name, value))
        if any(c.isspace() for c in name[1:]):
            self.error("macro name cannot contain whitespace")
        if name not in getattr(self.conf, "fixed", ()):
            self.conf.macros[name] = value

    # -- options
    def option(self):
        self.need_kw("set")
        conf = self.conf
        t = self.tok
        if self.kw("skip"):
            self.need_kw("on")
            ifs = self.interface_list()
            return self.set_skip(ifs)
        if self.kw("block-policy"):
            word = "drop" if self.kw("drop") else "return" if self.kw("return") else None
            if word is None:
                raise Syntax()
            if conf.verbose:
                conf.verbose_out.append("set block-policy %s" % word)
            self.check_rulestate(RS_OPTION)
            conf.blockpolicy = PFRULE_DROP if word == "drop" else PFRULE_RETURN
            return
        if self.kw("ruleset-optimization"):
            name = self.string()
            if name not in ("none", "basic", "profile"):
                self.error("unknown ruleset-optimization %s" % name)
            if name == "profile":
                self.unsupported("ruleset-optimization profile")
            if conf.optimize is None:
                conf.optimize = name
            return
        if self.kw("require-order"):
            yes = self.yesno()
            if conf.verbose:
                conf.verbose_out.append("set require-order %s" % ("yes" if yes else "no"))
            conf.require_order = yes
            return
        if self.kw("state-policy"):
            if self.kw("if-bound"):
                self.unsupported("set state-policy if-bound")
            self.need_kw("floating")
            if conf.verbose:
                conf.verbose_out.append("set state-policy floating")
            return
        if t.is_("kw", "timeout"):
            self.shift()
            specs = []
            if self.ch("{"):
                self.optnl()
                while True:
                    specs.append(self.timeout_spec())
                    self.optnl()
                    if self.ch("}"):
                        break
                    self.comma()
                    self.optnl()
            else:
                specs.append(self.timeout_spec())
            return
        if self.kw("limit"):
            if self.ch("{"):
                self.optnl()
                while True:
                    self.limit_spec()
                    self.optnl()
                    if self.ch("}"):
                        break
                    self.comma()
                    self.optnl()
            else:
                self.limit_spec()
            return
        if self.kw("optimization"):
            name = self.string()
            self.check_rulestate(RS_OPTION)
            if name.lower() not in ("normal", "satellite", "high-latency", "conservative", "aggressive"):
                conf.say("pfctl: invalid state timeouts optimization")
                self.error("unknown optimization %s" % name)
            if name.lower() != "normal":
                self.unsupported("set optimization %s" % name)
            if conf.verbose:
                conf.verbose_out.append("set optimization %s" % name)
            return
        if self.kw("loginterface"):
            name = "all" if self.kw("all") else self.string()
            self.check_rulestate(RS_OPTION)
            if conf.verbose:
                conf.verbose_out.append("set loginterface %s" % name)
            return
        if self.kw("hostid"):
            n = self.number_or_string()
            if n == 0 or n > 0xffffffff:
                self.error("hostid must be non-zero")
            if conf.verbose:
                conf.verbose_out.append("set hostid 0x%08x" % n)
            return
        if self.kw("debug"):
            level = self.string()
            self.check_rulestate(RS_OPTION)
            if level not in ("none", "urgent", "misc", "loud"):
                conf.say('pfctl: unknown debug level "%s"' % level)
                self.error("error setting debuglevel %s" % level)
            if conf.verbose:
                conf.verbose_out.append("set debug %s" % level)
            return
        if self.kw("reassemble"):
            yes = self.yesno()
            nodf = self.kw("no-df")
            self.check_rulestate(RS_OPTION)
            if conf.verbose:
                conf.verbose_out.append("set reassemble %s %s" % ("yes" if yes else "no", "no-df" if nodf else ""))
            return
        if self.kw("keepcounters"):
            return
        if self.kw("fail-policy"):
            self.unsupported("set fail-policy")
        if self.kw("fingerprints"):
            self.unsupported("set fingerprints")
        if self.kw("state-defaults"):
            self.unsupported("set state-defaults")
        if self.kw("syncookies"):
            self.unsupported("set syncookies")
        raise Syntax()

    def yesno(self):
        if self.kw("no"):
            return 0
        word = self.string()
        if word != "yes":
            self.error("invalid value '%s', expected 'yes' or 'no'" % word)
        return 1

    def number_or_string(self):
        """parse.y number: NUMBER | STRING (atoul)."""
        if self.tok.kind == "num":
            return self.shift().value
        s = self.string()
        try:
            return int(s, 0)
        except ValueError:
            self.error("%s is not a number" % s)

    def timeout_spec(self):
        """timeout_spec: STRING NUMBER | INTERVAL NUMBER (pfctl.c pfctl_set_timeout)."""
        name = "interval" if self.kw("interval") else self.string()
        value = self.number()
        self.check_rulestate(RS_OPTION)
        if value < 0 or value > 0xffffffff:
            self.error("only positive values permitted")
        if name not in PFTM_NAMES:
            self.conf.say("pfctl: Bad timeout name.")
            self.error("unknown timeout %s" % name)
        if name not in ("interval", "frag", "src.track", "adaptive.start", "adaptive.end"):
            self.unsupported("the state timeout %s" % name)
        if self.conf.verbose:
            self.conf.verbose_out.append("set timeout %s %d" % (name, value))

    def limit_spec(self):
        name = self.string()
        value = self.number()
        self.check_rulestate(RS_OPTION)
        if value < 0 or value > 0xffffffff:
            self.error("only positive values permitted")
        if name.lower() not in ("states", "src-nodes", "frags", "table-entries"):
            self.conf.say("pfctl: Bad pool name.")
            self.error("unable to set limit %s %u" % (name, value))
        if self.conf.verbose:
            self.conf.verbose_out.append("set limit %s %d" % (name, value))

    def set_skip(self, ifs):
        """parse.y expand_skip_interface: -v prints the list; a group stands for its members now
        (pf_if.c pfi_set_flags marks every kif of the group)."""
        conf = self.conf
        if len(ifs) == 1 and not ifs[0]["not"] and ifs[0]["ifname"] == "none":
            if conf.verbose:
                conf.verbose_out.append("set skip on none")
            conf.skip = []
            return
        names = []
        for i in ifs:
            if i["not"]:
                self.conf.yyerror("skip on ! <interface> is not supported")
                self.error("error setting skip interface(s)")
            names += conf.ifs.members(i["ifname"]) if conf.ifs.is_group(i["ifname"]) else [i["ifname"]]
        if conf.verbose:
            conf.verbose_out.append("set skip on {%s }" % "".join(" " + i["ifname"] for i in ifs))
        conf.skip = sorted(set((conf.skip or []) + names))

    # -- small productions
    def if_item(self):
        name = self.string()
        if len(name) >= IFNAMSIZ:
            self.error("interface name too long")
        return {"ifname": name, "not": 0, "dynamic": 0}

    def if_item_not(self):
        neg = self.ch("!")
        i = self.if_item()
        i["not"] = int(neg)
        return i

    def braced(self, item):
        """parse.y's list rules: one item, or '{' optnl item [comma item ...] '}' (with newlines)."""
        if not self.ch("{"):
            return [item()]
        self.optnl()
        items = [item()]
        self.optnl()
        while not self.ch("}"):
            self.comma()
            items.append(item())
            self.optnl()
        return items

    def interface_list(self):
        """interface after ON: if_item_not | '{' optnl if_list '}'."""
        return self.braced(self.if_item_not)

    def interface(self):
        if self.kw("on"):
            return self.interface_list()
        return None

    def af(self):
        return 4 if self.kw("inet") else 6 if self.kw("inet6") else 0

    def dir(self):
        return "in" if self.kw("in") else "out" if self.kw("out") else 0

    def logquick(self):
        log = quick = 0
        for _ in range(2):
            if self.tok.is_("kw", "log") and not log:
                log = self.log()
            elif self.tok.is_("kw", "quick") and not quick:
                self.shift()
                quick = 1
        return log, quick

    def log(self):
        self.need_kw("log")
        if self.ch("("):
            self.unsupported("log options")
        return 1

    def proto(self):
        """proto: PROTO proto_item | PROTO '{' optnl proto_list '}'."""
        if not self.kw("proto"):
            return None
        return self.braced(self.proto_item)

    def proto_item(self):
        if self.tok.kind == "num":
            pr = self.shift().value
            if pr < 0 or pr > 255:
                self.error("protocol outside range")
        else:
            name = self.string()
            pr = protocols()[0].get(name)
            if pr is None:
                self.error("unknown protocol %s" % name)
        if pr == 0:
            self.error("proto 0 cannot be used")
        return pr

    # -- hosts
    def xhost(self):
        """xhost: not host | not NOROUTE | not URPFFAILED."""
        neg = int(self.ch("!"))
        if self.kw("no-route"):
            return [node("noroute", **{"not": neg})]
        if self.kw("urpf-failed"):
            return [node("urpf", **{"not": neg})]
        hosts = self.host()
        for h in hosts:
            h["not"] = neg
        return hosts

    def host(self):
        t = self.tok
        if self.ch("<"):
            name = self.string()
            self.need_ch(">")
            if len(name) >= PF_TABLE_NAME_SIZE:
                self.error("table name '%s' too long" % name)
            return [node("table", tblname=name)]
        if self.ch("("):
            return self.dynaddr()
        if t.kind == "num":
            a = self.shift().value
            self.need_ch("/")
            b = self.number()
            return self.host_spec("%d/%d" % (a, b))
        s = self.string()
        if self.ch("-"):
            e = self.string()
            return self.host_range(s, e)
        if self.ch("/"):
            b = self.number()
            return self.host_spec("%s/%d" % (s, b))
        return self.host_spec(s)

    def host_spec(self, text):
        try:
            return host(self.conf.ifs, text, self.conf.say)
        except HostError:
            self.error("could not parse host specification")

    def host_range(self, s, e):
        try:
            b, en = host(self.conf.ifs, s, self.conf.say), host(self.conf.ifs, e, self.conf.say)
        except HostError:
            self.error("could not parse host specification")
        if len(b) != 1 or len(en) != 1 or b[0]["af"] != en[0]["af"] or \
                b[0]["bits"] != (32 if b[0]["af"] == 4 else 128) or en[0]["bits"] != b[0]["bits"]:
            self.error("invalid address range")
        return [node("range", b[0]["af"], b[0]["addr"], b[0]["bits"], addr2=en[0]["addr"])]

    def dynaddr(self):
        """dynaddr: '(' STRING ')' [ '/' NUMBER ] -- the interface's addresses, followed as they change."""
        text = self.string()
        self.need_ch(")")
        flags = 0
        name = text
        if not name[:1].isalpha():
            self.error("invalid interface name '%s'" % name)
        while ":" in name:
            name, _, mod = name.rpartition(":")
            f = {"network": PFI_AFLAG_NETWORK, "broadcast": PFI_AFLAG_BROADCAST, "peer": PFI_AFLAG_PEER,
                 "0": PFI_AFLAG_NOALIAS}.get(mod)
            if f is None:
                self.error("interface %s has bad modifier" % text)
            flags |= f
        if flags & (flags - 1) & (PFI_AFLAG_NETWORK | PFI_AFLAG_BROADCAST | PFI_AFLAG_PEER):
            self.error("illegal combination of interface modifiers")
        if len(name) >= IFNAMSIZ:
            self.error("interface name too long")
        n = node("dynif", 0, 0, 128, ifname=name, iflags=flags)
        if self.ch("/"):
            bits = self.number()
            if bits < 0 or bits > 128:
                self.error("bit number too big")
            n["bits"] = bits
        return [n]

    def ipspec(self):
        """ipspec: ANY | xhost | '{' optnl host_list '}'; ANY is an empty list (NULL)."""
        if self.kw("any"):
            return []
        if self.ch("{"):
            self.optnl()
            hosts = self.ipspec()
            self.optnl()
            while not self.ch("}"):
                self.comma()
                hosts += self.ipspec()
                self.optnl()
            return hosts
        return self.xhost()

    def ipportspec(self):
        if self.kw("port"):
            return [], self.portspec()
        hosts = self.ipspec()
        ports = self.portspec() if self.kw("port") else []
        return hosts, ports

    def fromto(self):
        """fromto: ALL | from os to."""
        if self.kw("all"):
            return [], [], [], []
        src = sport = dst = dport = []
        if self.kw("from"):
            src, sport = self.ipportspec()
        if self.tok.is_("kw", "os"):
            self.unsupported("OS fingerprinting")
        if self.kw("to"):
            dst, dport = self.ipportspec()
            if any(h["type"] == "urpf" for h in dst):
                self.error('"urpf-failed" is not permitted in a destination address')
        return src, sport, dst, dport

    # -- ports
    def getservice(self, n):
        """parse.y getservice: a number, else getservbyname(n, "tcp"), then "udp"."""
        try:
            v = int(n, 0) if n[:1].isdigit() else None
        except ValueError:
            v = None
        if v is not None:
            if v > 65535:
                self.error("illegal port value %d" % v)
            return v
        by_name = services()[1]
        port = by_name.get((n, "tcp"), by_name.get((n, "udp")))
        if port is None:
            self.error("unknown port %s" % n)
        return port

    def parseport(self, text, star=False):
        """parse.y parseport(PPORT_RANGE[|PPORT_STAR]): (a, b, t)."""
        if ":" not in text:
            return self.getservice(text), 0, PF_OP_NONE
        head, _, tail = text.partition(":")
        if star and tail == "*":
            return self.getservice(head), 0, PF_OP_IRG
        a, b = self.getservice(head), self.getservice(tail)
        return (a, 0, PF_OP_NONE) if a == b else (a, b, PF_OP_RRG)

    def unaryop(self):
        if self.ch("="):
            return PF_OP_EQ
        if self.ch("!"):
            self.need_ch("=")
            return PF_OP_NE
        if self.ch("<"):
            return PF_OP_LE if self.ch("=") else PF_OP_LT
        if self.ch(">"):
            return PF_OP_GE if self.ch("=") else PF_OP_GT
        return None

    def port_item(self):
        op = self.unaryop()
        a, b, t = self.parseport(self.numberstring())
        if op is not None:
            if t:
                self.error("':' cannot be used with an other port operator")
            return {"op": op, "port": [a, b]}
        if self.tok.kind == "portbin":
            bop = self.shift().value
            a2, _, t2 = self.parseport(self.numberstring())
            if t or t2:
                self.error("':' cannot be used with an other port operator")
            return {"op": bop, "port": [a, a2]}
        return {"op": PF_OP_RRG if t else PF_OP_EQ, "port": [a, b]}

    def portspec(self):
        return self.braced(self.port_item)

    # -- filter rules
    def blockspec(self):
        """action: BLOCK blockspec -> (rule_flag, return_icmp, return_icmp6, return_ttl)."""
        if self.kw("drop"):
            return PFRULE_DROP, 0, 0, 0
        if self.kw("return-rst"):
            ttl = 0
            if self.ch("("):
                self.need_kw("ttl")
                ttl = self.number()
                self.need_ch(")")
                if ttl < 0 or ttl > 255:
                    self.error("illegal ttl value %d" % ttl)
            return PFRULE_RETURNRST, ttl, 0, 0
        if self.kw("return-icmp"):
            icmp, icmp6 = RETURN_ICMP_DEFAULT, RETURN_ICMP6_DEFAULT
            if self.ch("("):
                icmp = self.reticmpspec(4)
                icmp6 = RETURN_ICMP_DEFAULT  # parse.y: '(' reticmpspec ')' sets w2 = returnicmpdefault
                if not self.tok.is_("ch", ")"):
                    self.comma()
                    icmp6 = self.reticmpspec(6)
                self.need_ch(")")
            return PFRULE_RETURNICMP, 0, icmp, icmp6
        if self.kw("return-icmp6"):
            icmp6 = RETURN_ICMP6_DEFAULT
            if self.ch("("):
                icmp6 = self.reticmpspec(6)
                self.need_ch(")")
            return PFRULE_RETURNICMP, 0, RETURN_ICMP_DEFAULT, icmp6
        if self.kw("return"):
            return PFRULE_RETURN, 0, RETURN_ICMP_DEFAULT, RETURN_ICMP6_DEFAULT
        return self.conf.blockpolicy, 0, RETURN_ICMP_DEFAULT, RETURN_ICMP6_DEFAULT

    def reticmpspec(self, af):
        """parse.y parseicmpspec: a code of the default return type (unreach)."""
        itype = (RETURN_ICMP_DEFAULT if af == 4 else RETURN_ICMP6_DEFAULT) >> 8
        if self.tok.kind == "num":
            code = self.shift().value
        else:
            w = self.string()
            try:
                code = int(w, 0)
            except ValueError:
                for name, t, c in (ICMP_CODES if af == 4 else ICMP6_CODES):
                    if t == itype and name == w:
                        code = c
                        break
                else:
                    self.error("unknown icmp code %s" % w)
        if code < 0 or code > 255:
            self.error("invalid icmp code %d" % code)
        return itype << 8 | code

    def flags_opt(self):
        """flags: FLAGS flag '/' flag | FLAGS '/' flag | FLAGS ANY."""
        self.need_kw("flags")
        if self.kw("any"):
            return 0, 0
        b1 = 0
        if not self.tok.is_("ch", "/"):
            b1 = self.flag()
        self.need_ch("/")
        return b1, self.flag()

    def flag(self):
        s = self.string()
        f = parse_flags(s)
        if f < 0:
            self.error("bad flags %s" % s)
        return f

    def icmpspec(self):
        six = self.tok.is_("kw", "icmp6-type")
        self.shift()
        return self.braced(lambda: self.icmp_item(six))

    def icmp_item(self, six):
        """icmp_item: icmptype [CODE STRING|NUMBER]; type and code are stored plus one (0 = unset)."""
        af = 6 if six else 4
        if self.tok.kind == "num":
            t = self.shift().value
            if t < 0 or t > 255:
                self.error("illegal icmp%s-type %d" % ("6" if six else "", t))
        else:
            name = self.string()
            t = (ICMP6_TYPES if six else ICMP_TYPES).get(name)
            if t is None:
                self.error("unknown icmp%s-type %s" % ("6" if six else "", name))
        code = 0
        if self.kw("code"):
            if self.tok.kind == "num":
                c = self.shift().value
                if c < 0 or c > 255:
                    self.error("illegal icmp-code %d" % c)
            else:
                name = self.string()
                for n, tt, cc in (ICMP6_CODES if six else ICMP_CODES):
                    if tt == t and n == name:
                        c = cc
                        break
                else:
                    self.error("unknown icmp%s-code %s" % ("6" if six else "", name))
            code = c + 1
        return {"type": t + 1, "code": code, "proto": ICMP6 if six else ICMP}

    def keep(self):
        """keep: NO STATE | KEEP STATE state_opt_spec | MODULATE STATE ... | SYNPROXY STATE ..."""
        if self.kw("no"):
            self.need_kw("state")
            return 0, []
        if self.kw("synproxy"):
            self.unsupported("synproxy state")
        action = 1 if self.kw("keep") else 2 if self.kw("modulate") else None
        if action is None:
            raise Syntax()
        self.need_kw("state")
        opts = []
        if self.ch("("):
            opts.append(self.state_opt_item())
            while not self.ch(")"):
                self.comma()
                opts.append(self.state_opt_item())
        return action, opts

    def state_opt_item(self):
        t = self.tok
        if self.kw("max-src-conn"):
            n = self.number()
            if n < 0 or n > 0xffffffff:
                self.error("only positive values permitted")
            return ("max_src_conn", n)
        if self.kw("max-src-conn-rate"):
            a = self.number()
            self.need_ch("/")
            b = self.number()
            if a < 0 or a > 0xffffffff or b < 0 or b > 0xffffffff:
                self.error("only positive values permitted")
            return ("max_src_conn_rate", (a, b))
        if self.kw("overload"):
            self.need_ch("<")
            name = self.string()
            self.need_ch(">")
            if len(name) >= PF_TABLE_NAME_SIZE:
                self.error("table name '%s' too long" % name)
            flush = 0
            if self.kw("flush"):
                flush = PF_FLUSH | (PF_FLUSH_GLOBAL if self.kw("global") else 0)
            return ("overload", (name, flush))
        if self.kw("no-sync"):
            return ("nosync", 1)
        if self.kw("source-track"):
            return ("srctrack", 2 if self.kw("global") else 3 if self.kw("rule") else 1)
        if self.kw("floating"):
            return ("statelock", 0)
        for word, what in (("max", "the state option max"), ("max-src-states", "max-src-states"),
                           ("max-src-nodes", "max-src-nodes"), ("if-bound", "if-bound states"),
                           ("sloppy", "sloppy states")):
            if t.is_("kw", word):
                self.unsupported(what)
        if t.kind == "str":
            name = self.string()
            self.number()
            if name not in PFTM_NAMES:
                self.error("illegal timeout name %s" % name)
            self.unsupported("the state timeout %s" % name)
        raise Syntax()

    def filter_opts(self):
        o = {"flags": None, "icmp": None, "keep": None, "labels": [], "ridentifier": 0, "allowopts": 0}
        while True:
            t = self.tok
            if t.is_("kw", "flags"):
                if o["flags"] is not None:
                    self.error("flags cannot be redefined")
                o["flags"] = self.flags_opt()
            elif t.is_("kw", "icmp-type") or t.is_("kw", "icmp6-type"):
                if o["icmp"] is not None:
                    self.error("icmp-type cannot be redefined")
                o["icmp"] = self.icmpspec()
            elif t.kind == "kw" and t.value in ("keep", "modulate", "synproxy", "no"):
                if o["keep"] is not None:
                    self.error("modulate or keep cannot be redefined")
                o["keep"] = self.keep()
            elif self.kw("label"):
                if len(o["labels"]) >= 5:
                    self.error("label can only be used 5 times")
                o["labels"].append(self.string())
            elif self.kw("ridentifier"):
                o["ridentifier"] = self.number_or_string()
            elif t.is_("kw", "allow-opts"):
                self.unsupported("the rule option allow-opts")
            elif t.is_("kw", "divert-reply"):
                self.shift()
                self.error("divert-reply has no meaning in FreeBSD pf(4)")
            elif t.kind == "kw" and t.value in ("user", "group", "prio", "tos", "fragment", "queue", "dnpipe",
                                                "dnqueue", "tag", "tagged", "probability", "rtable", "divert-to",
                                                "scrub", "set"):
                self.unsupported("the rule option %s" % t.value)
            elif t.is_("ch", "!"):
                self.unsupported("the rule option tagged")
            else:
                return o

    def pfrule(self):
        """pfrule: action dir logquick interface route af proto fromto filter_opts."""
        t = self.tok
        if self.kw("match"):
            self.unsupported("match rules", t.line)
        r = new_rule()
        if self.kw("pass"):
            r["action"] = "pass"
            rflag, ttl, icmp, icmp6 = PFRULE_DROP, 0, RETURN_ICMP_DEFAULT, RETURN_ICMP6_DEFAULT
        else:
            self.need_kw("block")
            r["action"] = "block"
            rflag, ttl, icmp, icmp6 = self.blockspec()
        r["direction"] = self.dir()
        r["log"], r["quick"] = self.logquick()
        ifs = self.interface()
        if self.tok.is_("kw", "route-to") or self.tok.is_("kw", "reply-to") or self.tok.is_("kw", "dup-to"):
            self.unsupported(self.tok.value)
        self.kw("fastroute")  # backwards-compat: ignored
        r["af"] = self.af()
        protos = self.proto()
        src, sport, dst, dport = self.fromto()
        o = self.filter_opts()
        self.check_rulestate(RS_FILTER)
        if r["action"] == "block":
            r["rule_flag"] |= rflag
            if rflag == PFRULE_RETURNRST:
                r["return_ttl"] = ttl
            elif rflag in (PFRULE_RETURNICMP, PFRULE_RETURN):
                r["return_icmp"], r["return_icmp6"] = icmp, icmp6
        r["labels"], r["ridentifier"], r["allow_opts"] = o["labels"], o["ridentifier"], o["allowopts"]
        flags = o["flags"] or (0, 0)
        r["flags"], r["flagset"] = flags
        if flags[0] & flags[1] != flags[0]:
            self.error("flags always false")
        if (flags[0] or flags[1]) and protos is not None and TCP not in protos:
            self.error("flags only apply to tcp")
        keep_state, state_opts = o["keep"] if o["keep"] is not None else (0, [])
        r["keep_state"] = keep_state
        # 'keep state' by default on pass rules.
        if not keep_state and r["action"] == "pass" and o["keep"] is None:
            r["keep_state"] = 1
        srctrack = 0
        seen = set()
        for kind, value in state_opts:
            if kind in seen and kind in ("max_src_conn", "max_src_conn_rate", "overload", "srctrack", "nosync",
                                         "statelock"):
                self.error({"max_src_conn": "state option 'max-src-conn' multiple definitions",
                            "max_src_conn_rate": "state option 'max-src-conn-rate' multiple definitions",
                            "overload": "multiple 'overload' table definitions",
                            "srctrack": "state option 'source-track' multiple definitions",
                            "nosync": "state option 'sync' multiple definitions",
                            "statelock": "state locking option: multiple definitions"}[kind])
            seen.add(kind)
            if kind == "nosync":
                r["rule_flag"] |= PFRULE_NOSYNC
            elif kind == "srctrack":
                srctrack = value
                r["rule_flag"] |= PFRULE_SRCTRACK
            elif kind == "overload":
                r["overload_tblname"], r["flush"] = value
            elif kind == "max_src_conn":
                if value == 0:
                    self.error("'max-src-conn' must be > 0")
                r["max_src_conn"] = value
                r["rule_flag"] |= PFRULE_SRCTRACK | PFRULE_RULESRCTRACK
            elif kind == "max_src_conn_rate":
                if not value[0] or not value[1]:
                    self.error("'max-src-conn-rate' values must be > 0")
                if value[0] > PF_THRESHOLD_MAX:
                    self.error("'max-src-conn-rate' maximum rate must be < %u" % PF_THRESHOLD_MAX)
                r["max_src_conn_rate"] = list(value)
                r["rule_flag"] |= PFRULE_SRCTRACK | PFRULE_RULESRCTRACK
        # 'flags S/SA' by default on stateful rules
        if r["action"] == "pass" and not r["flags"] and not r["flagset"] and o["flags"] is None and r["keep_state"]:
            r["flags"], r["flagset"] = parse_flags("S"), parse_flags("SA")
        if r["rule_flag"] & PFRULE_SRCTRACK:
            if srctrack == 2 and r["max_src_conn"]:
                self.error("'max-src-conn' is incompatible with 'source-track global'")
            if srctrack == 2 and r["max_src_conn_rate"][1]:
                self.error("'max-src-conn-rate' is incompatible with 'source-track global'")
            if r["timeout"].get("src.track", 0) < r["max_src_conn_rate"][1]:
                r["timeout"]["src.track"] = r["max_src_conn_rate"][1]
            if srctrack == 3:
                r["rule_flag"] |= PFRULE_RULESRCTRACK
        r["af"] = decide_af(dst, decide_af(src, r["af"]))
        self.refuse_unmodelled(r, ifs, src, dst)
        self.expand_rule(r, ifs, None, protos, src, sport, dst, dport, o["icmp"], "filter")

    def refuse_unmodelled(self, r, ifs, src, dst):
        """What the nftables translation cannot do the way pf does fails the load."""
        if r["action"] == "block" and r["rule_flag"] & (PFRULE_RETURN | PFRULE_RETURNRST | PFRULE_RETURNICMP) \
                and r["direction"] != "in":
            self.unsupported("block return on outgoing packets (rules without \"in\")")
        if any(h["type"] == "urpf" for h in src) and r["direction"] != "in":
            self.unsupported("urpf-failed on outgoing packets (rules without \"in\")")
        if any(h["type"] == "dynif" for h in src + dst):
            self.unsupported("an interface address in parentheses in a filter rule")
        if any(h["type"] == "range" and h["af"] == 6 for h in src + dst):
            pass
        for i in ifs or []:
            if self.conf.ifs.is_group(i["ifname"]):
                self.unsupported("the interface group %s in a rule" % i["ifname"])

    def scrubrule(self, no=False):
        """scrubrule: scrubaction dir logquick interface af proto fromto scrub_opts (pf_norm.c:
        Linux conntrack reassembles fragments by itself; the options are printed, not applied)."""
        self.need_kw("scrub")
        r = new_rule()
        r["action"] = "no scrub" if no else "scrub"
        r["direction"] = self.dir()
        r["log"], quick = self.logquick()
        ifs = self.interface()
        r["af"] = self.af()
        protos = self.proto()
        src, sport, dst, dport = self.fromto()
        seen = set()
        while True:
            t = self.tok
            if self.kw("no-df"):
                what = "no-df"
                r["rule_flag"] |= PFRULE_NODF
            elif self.kw("min-ttl"):
                what, r["min_ttl"] = "min-ttl", self.number()
            elif self.kw("max-mss"):
                what, r["max_mss"] = "max-mss", self.number()
            elif self.kw("set-tos"):
                what = "set-tos"
                r["rule_flag"] |= PFRULE_SET_TOS
                r["set_tos"] = self.tos()
            elif self.kw("fragment"):
                what = "fragcache"
                if self.kw("no"):
                    r["rule_flag"] |= PFRULE_FRAGMENT_NOREASS
                self.need_kw("reassemble")
            elif self.kw("reassemble"):
                what = "reassemble tcp"
                word = self.string()
                if word.lower() != "tcp":
                    self.error("scrub reassemble supports only tcp, not '%s'" % word)
                r["rule_flag"] |= PFRULE_REASSEMBLE_TCP
            elif self.kw("random-id"):
                what = "random-id"
                r["rule_flag"] |= PFRULE_RANDOMID
            elif t.is_("kw", "rtable") or t.is_("ch", "!") or t.is_("kw", "tagged"):
                self.unsupported("the scrub option %s" % (t.value if t.kind == "kw" else "tagged"))
            else:
                break
            if what in seen:
                self.error("%s cannot be respecified" % what)
            seen.add(what)
            self.comma()
        self.check_rulestate(RS_SCRUB)
        if quick:
            self.error("scrub rules do not support 'quick'")
        if r["rule_flag"] & PFRULE_REASSEMBLE_TCP and r["direction"]:
            self.error("reassemble tcp rules can not specify direction")
        self.expand_rule(r, ifs, None, protos, src, sport, dst, dport, None, "scrub")

    def tos(self):
        """parse.y tos: a number, a name of map_tos(), or 0xNN."""
        if self.tok.kind == "num":
            value = self.shift().value
            if value < 0 or value > 255:
                self.error("illegal tos value %s" % value)
            return value
        s = self.string()
        value = TOS_NAMES.get(s.lower())
        if value is None and s.startswith("0x"):
            try:
                value = int(s, 16)
            except ValueError:
                value = None
        if value is None or value > 255:
            self.error("illegal tos value %s" % s)
        return value

    def natrule(self, no=False):
        """natrule: nataction interface af proto fromto tag tagged rtable redirpool pool_opts."""
        action = "nat" if self.kw("nat") else None
        if action is None:
            self.need_kw("rdr")
            action = "rdr"
        natpass = 0
        if self.kw("pass"):
            natpass = 1
            if self.tok.is_("kw", "log"):
                self.log()
        elif self.tok.is_("kw", "log"):
            self.log()
        if no and natpass:
            self.error('"pass" not valid with "no"')
        r = new_rule()
        r["action"] = ("no " if no else "") + action
        r["natpass"] = natpass
        ifs = self.interface()
        r["af"] = self.af()
        protos = self.proto()
        src, sport, dst, dport = self.fromto()
        for word in ("tag", "tagged", "rtable"):
            if self.tok.is_("kw", word):
                self.unsupported("%s on translation rules" % word)
        if self.tok.is_("ch", "!"):
            self.unsupported("tagged on translation rules")
        redir = None
        if self.tok.kind == "arrow":
            self.shift()
            if self.ch("{"):
                self.optnl()
                hosts = self.host()
                self.optnl()
                while not self.ch("}"):
                    self.comma()
                    hosts += self.host()
                    self.optnl()
            else:
                hosts = self.host()
            rport = (0, 0, 0)
            if self.kw("port"):
                rport = self.parseport(self.numberstring(), star=True)
            redir = {"hosts": hosts, "rport": rport}
        pool_type, pool_opts, staticport = 0, 0, 0
        while True:
            t = self.tok
            if t.kind == "kw" and t.value in ("bitmask", "random", "source-hash", "round-robin"):
                self.shift()
                if pool_type:
                    self.error("pool type cannot be redefined")
                pool_type = {"bitmask": PF_POOL_BITMASK, "random": PF_POOL_RANDOM, "source-hash": PF_POOL_SRCHASH,
                             "round-robin": PF_POOL_ROUNDROBIN}[t.value]
                if t.value == "source-hash" and self.tok.kind == "str":
                    self.shift()
            elif self.kw("static-port"):
                if staticport:
                    self.error("static-port cannot be redefined")
                staticport = 1
            elif self.kw("sticky-address"):
                if pool_opts & PF_POOL_STICKYADDR:
                    self.error("sticky-address cannot be redefined")
                pool_opts |= PF_POOL_STICKYADDR
            elif t.is_("kw", "map-e-portset"):
                self.unsupported("map-e-portset")
            else:
                break
        self.check_rulestate(RS_NAT)
        if not r["af"]:
            if src and src[0]["af"]:
                r["af"] = src[0]["af"]
            elif dst and dst[0]["af"]:
                r["af"] = dst[0]["af"]
        if no:
            if redir is not None:
                self.error("translation rule with 'no' does not need '->'")
        else:
            if redir is None or not redir["hosts"]:
                self.error("translation rule requires '-> address'")
            hosts = redir["hosts"]
            if not r["af"]:
                r["af"] = hosts[0]["af"]
            hosts = [h for h in hosts if not (r["af"] and h["af"] and h["af"] != r["af"])]
            for h in hosts:
                if h["af"] and not r["af"]:
                    r["af"] = h["af"]
            if not r["af"] and any(h["type"] not in ("table", "dynif") for h in hosts):
                self.error("address family not given and translation address expands to multiple "
                           "address families")
            if not hosts:
                self.error("no translation address with matching address family found.")
            for h in hosts:
                if r["af"] == 4 and h["type"] == "dynif" and h["bits"] > 32:
                    h["bits"] = 32
            a, b, t = redir["rport"]
            p0, p1 = a, 0
            if action == "rdr":
                p1 = a + (dport[0]["port"][1] - dport[0]["port"][0]) if not b and t and dport else b
            else:
                p1 = b
                if not p0 and not p1:
                    p0, p1 = PF_NAT_PROXY_PORT_LOW, PF_NAT_PROXY_PORT_HIGH
                elif not p1:
                    p1 = p0
            opts = pool_type
            multi = lambda h: h["type"] == "dynif" and (not h["iflags"] & PFI_AFLAG_NOALIAS or
                                                       not h["ifname"][-1:].isdigit())
            if opts == PF_POOL_NONE and (len(hosts) > 1 or hosts[0]["type"] == "table" or multi(hosts[0])):
                opts = PF_POOL_ROUNDROBIN
            if opts != PF_POOL_ROUNDROBIN:
                for h in hosts:
                    if h["type"] == "table":
                        self.error("tables are only supported in round-robin redirection pools")
                    if multi(h):
                        self.error("interface (%s) is only supported in round-robin redirection pools" % h["ifname"])
            if len(hosts) > 1 and opts != PF_POOL_ROUNDROBIN:
                self.error("only round-robin valid for multiple redirection addresses")
            opts |= pool_opts
            if staticport:
                if action != "nat":
                    self.error("the 'static-port' option is only valid with nat rules")
                if p0 != PF_NAT_PROXY_PORT_LOW and p1 != PF_NAT_PROXY_PORT_HIGH:
                    self.error("the 'static-port' option can't be used when specifying a port range")
                p0 = p1 = 0
            r["rpool"] = {"hosts": hosts, "proxy_port": [p0, p1], "opts": opts}
            self.refuse_unmodelled_translation(r, hosts)
        self.expand_rule(r, ifs, r["rpool"]["hosts"] if not no else None, protos, src, sport, dst, dport, None,
                         action)

    def refuse_unmodelled_translation(self, r, hosts):
        if len(hosts) != 1 or hosts[0]["type"] == "table":
            self.unsupported("a translation address pool")
        h = hosts[0]
        if r["action"] == "nat" and h["type"] == "dynif":
            if h["iflags"] & ~PFI_AFLAG_NOALIAS:
                self.unsupported("an interface modifier in a nat address")
        elif h["type"] != "addrmask" or h["bits"] != (32 if h["af"] == 4 else 128):
            self.unsupported("a network as translation address")
        p0, p1 = r["rpool"]["proxy_port"]
        if r["action"] == "rdr" and p1 and p1 != p0:
            self.unsupported("a port range as rdr target")
        if r["action"] == "nat" and (p0, p1) not in ((PF_NAT_PROXY_PORT_LOW, PF_NAT_PROXY_PORT_HIGH), (0, 0)):
            self.unsupported("a nat port range")

    def antispoof(self):
        """antispoof: ANTISPOOF logquick antispoof_ifspc af antispoof_opts -- for each interface:
        block in on ! IF from IF's networks, and (unless a loopback) block in from IF's addresses."""
        self.need_kw("antispoof")
        log, quick = self.logquick()
        self.need_kw("for")
        items = []
        if self.ch("{"):
            self.optnl()
            while True:
                items.append(self.antispoof_if())
                self.optnl()
                if self.ch("}"):
                    break
                self.comma()
        else:
            items.append(self.antispoof_if())
        af = self.af()
        labels, ridentifier = [], 0
        while True:
            if self.kw("label"):
                if len(labels) >= 5:
                    self.error("label can only be used 5 times")
                labels.append(self.string())
            elif self.kw("ridentifier"):
                ridentifier = self.number_or_string()
            elif self.tok.is_("kw", "rtable"):
                self.unsupported("rtable")
            else:
                break
        self.check_rulestate(RS_FILTER)
        ifs = self.conf.ifs
        for i in items:
            if i["dynamic"]:
                self.unsupported("antispoof for an interface in parentheses")
            base = dict(new_rule(), action="block", direction="in", log=log, quick=quick, af=af, labels=labels,
                        ridentifier=ridentifier)
            j = {"ifname": i["ifname"], "not": 1, "dynamic": 0}
            hosts = ifs.lookup(i["ifname"], PFI_AFLAG_NETWORK) if ifs.exists(i["ifname"]) else []
            if hosts:
                self.expand_rule(dict(base), [j], None, None, hosts, [], [], [], None, "filter")
            if not ifs.is_loopback(i["ifname"]):
                hosts = ifs.lookup(i["ifname"], 0) if ifs.exists(i["ifname"]) else []
                if hosts:
                    self.expand_rule(dict(base), None, None, None, hosts, [], [], [], None, "filter")

    def antispoof_if(self):
        if self.ch("("):
            i = self.if_item()
            self.need_ch(")")
            i["dynamic"] = 1
            return i
        return self.if_item()

    def tabledef(self):
        """tabledef: TABLE '<' STRING '>' table_opts (parse.y process_tabledef loads the files now)."""
        self.need_kw("table")
        self.need_ch("<")
        name = self.string()
        self.need_ch(">")
        flags, nodes, init = [], [], False
        while True:
            if self.tok.kind == "str":
                word = self.string()
                if word not in ("const", "persist", "counters"):
                    self.error("invalid table option '%s'" % word)
                flags.append(word)
            elif self.ch("{"):
                self.optnl()
                init = True
                hosts = []
                if not self.ch("}"):
                    hosts += self.ipspec()
                    self.optnl()
                    while not self.ch("}"):
                        self.comma()
                        hosts += self.ipspec()
                        self.optnl()
                for h in hosts:
                    kind = h["type"]
                    if kind != "addrmask":
                        self.error({"range": "address ranges are not permitted inside tables",
                                    "dynif": "dynamic addresses are not permitted inside tables",
                                    "table": "tables cannot contain tables",
                                    "noroute": '"no-route" is not permitted inside tables',
                                    "urpf": '"urpf-failed" is not permitted inside tables'}[kind])
                if hosts:
                    nodes.append({"hosts": hosts})
            elif self.kw("file"):
                nodes.append({"file": self.string()})
                init = True
            else:
                break
        if len(name) >= PF_TABLE_NAME_SIZE:
            self.error("table name too long, max %d chars" % (PF_TABLE_NAME_SIZE - 1))
        entries = []
        for n in nodes:
            if "file" in n:
                entries += self.load_table_file(n["file"])
            else:
                entries += [table_entry(h, 0) for h in n["hosts"]]
        if self.conf.verbose:
            self.conf.verbose_out.append(tabledef_text(name, flags, init, nodes))
        if name not in self.conf.tables:
            self.conf.table_order.append(name)
        self.conf.tables[name] = {"flags": sorted(set(flags)), "init": init, "entries": entries}

    def load_table_file(self, path):
        """pfctl_radix.c pfr_buf_load through append_addr."""
        try:
            if os.path.isdir(path):
                raise IsADirectoryError(21, "Is a directory")
            with open(path) as f:
                text = f.read()
        except OSError as e:
            self.error('cannot load "%s": %s' % (path, e.strerror))
        try:
            return load_addresses(self.conf.ifs, file_tokens(text), self.conf.say)
        except HostError:
            self.error('file "%s" contains bad data' % path)

    # -- expand_rule
    def expand_rule(self, r, ifs, rpool_hosts, protos, src, sport, dst, dport, icmps, ruleset):
        """parse.y expand_rule: one rule per combination of the lists, in this nesting (the last
        varies fastest): interface, proto, icmp-type, src host, src port, dst host, dst port."""
        conf = self.conf
        af = r["af"]
        added = error = 0
        anyhost = node("addrmask")
        noport = {"op": PF_OP_NONE, "port": [0, 0]}
        for i in ifs or [{"ifname": "", "not": 0}]:
            for proto in protos or [0]:
                for icmp in icmps or [{"type": 0, "code": 0, "proto": 0}]:
                    for sh in src or [anyhost]:
                        for sp in sport or [noport]:
                            for dh in dst or [anyhost]:
                                for dp in dport or [noport]:
                                    x = json.loads(json.dumps(r))
                                    x["af"], x["line"] = af, self.tok.line
                                    if (af and sh["af"] and af != sh["af"]) or (af and dh["af"] and af != dh["af"]) \
                                            or (sh["af"] and dh["af"] and sh["af"] != dh["af"]):
                                        continue
                                    if not x["af"] and sh["af"]:
                                        x["af"] = sh["af"]
                                    elif not x["af"] and dh["af"]:
                                        x["af"] = dh["af"]
                                    x["ifname"], x["ifnot"] = i["ifname"], i["not"]
                                    error += check_netmask(conf, sh, x["af"]) + check_netmask(conf, dh, x["af"])
                                    x["proto"] = proto
                                    x["src"] = rule_addr(sh, sp)
                                    x["dst"] = rule_addr(dh, dp)
                                    x["type"], x["code"] = icmp["type"], icmp["code"]
                                    if r["keep_state"] == 2 and proto and proto != TCP:
                                        x["keep_state"] = 1
                                    if proto and proto != TCP:
                                        x["flags"] = x["flagset"] = 0
                                    if icmp["proto"] and proto != icmp["proto"]:
                                        conf.yyerror("icmp-type mismatch", line=self.tok.line)
                                        error += 1
                                    if rpool_hosts is not None:
                                        x["rpool"]["hosts"] = json.loads(json.dumps(rpool_hosts))
                                    if rule_consistent(conf, x, self.tok.line) < 0 or error:
                                        conf.yyerror("skipping rule due to errors", line=self.tok.line)
                                    else:
                                        x["nr"] = conf.match
                                        conf.match += 1
                                        conf.rules["binat" if ruleset == "binat" else ruleset].append(x)
                                        added += 1
        if not added:
            conf.yyerror("rule expands to no valid combination", line=self.tok.line)


def new_rule():
    """struct pfctl_rule, zeroed (parse.y: memset(&r, 0, sizeof(r)))."""
    return {"action": "pass", "direction": 0, "log": 0, "quick": 0, "ifname": "", "ifnot": 0, "af": 0,
            "proto": 0, "src": None, "dst": None, "flags": 0, "flagset": 0, "type": 0, "code": 0,
            "keep_state": 0, "rule_flag": 0, "return_icmp": 0, "return_icmp6": 0, "return_ttl": 0,
            "max_src_conn": 0, "max_src_conn_rate": [0, 0], "overload_tblname": "", "flush": 0, "timeout": {},
            "labels": [], "ridentifier": 0, "allow_opts": 0, "natpass": 0, "min_ttl": 0, "max_mss": 0,
            "set_tos": 0, "rpool": {"hosts": [], "proxy_port": [0, 0], "opts": 0}, "nr": 0}


def rule_addr(h, p):
    """struct pf_rule_addr from a node_host and a node_port."""
    a = {k: v for k, v in h.items() if k != "not"}
    return {"addr": a, "neg": int(bool(h["not"])), "port_op": p["op"], "port": list(p["port"])}


def decide_af(hosts, af):
    """parse.y decide_address_family: the hosts' common family, if the rule has none."""
    if af or not hosts:
        return af
    af = hosts[0]["af"]
    for h in hosts[1:]:
        if h["af"] != af:
            return 0
    return af


def check_netmask(conf, h, af):
    """pfctl_parser.c check_netmask."""
    if h["type"] == "table":
        return 0
    if af == 4 and h["type"] == "dynif" and h["bits"] > 32:
        h["bits"] = 32
    if af == 4 and h["type"] == "addrmask" and h["bits"] > 32:
        conf.say("netmask %u invalid for IPv4 address" % h["bits"])
        return 1
    return 0


def rule_consistent(conf, r, line):
    """parse.y rule_consistent / filter_consistent / rdr_consistent."""
    problems = 0

    def bad(message):
        conf.yyerror(message, line=line)
        return 1
    if r["action"] in ("pass", "block", "scrub", "no scrub"):
        if r["proto"] not in (TCP, UDP) and (r["src"]["port_op"] or r["dst"]["port_op"]):
            problems += bad("port only applies to tcp/udp")
        if r["proto"] not in (ICMP, ICMP6) and (r["type"] or r["code"]):
            problems += bad("icmp-type/code only applies to icmp")
        if not r["af"] and (r["type"] or r["code"]):
            problems += bad("must indicate address family with icmp-type/code")
        if r["overload_tblname"] and not r["max_src_conn"] and not r["max_src_conn_rate"][1]:
            problems += bad("'overload' requires 'max-src-conn' or 'max-src-conn-rate'")
        if (r["proto"] == ICMP and r["af"] == 6) or (r["proto"] == ICMP6 and r["af"] == 4):
            problems += bad("proto %s doesn't match address family %s" %
                            ("icmp" if r["proto"] == ICMP else "icmp6", "inet" if r["af"] == 4 else "inet6"))
        if r["allow_opts"] and r["action"] != "pass":
            problems += bad("allow-opts can only be specified for pass rules")
        if r["rule_flag"] & PFRULE_RETURNRST and r["proto"] != TCP:
            problems += bad("return-rst can only be applied to TCP rules")
        if r["action"] != "pass" and r["keep_state"]:
            problems += bad("keep state is great, but only for pass rules")
    elif r["action"] in ("rdr", "no rdr"):
        if r["proto"] not in (TCP, UDP):
            if r["src"]["port_op"]:
                problems += bad("src port only applies to tcp/udp")
            if r["dst"]["port_op"]:
                problems += bad("dst port only applies to tcp/udp")
            if r["rpool"]["proxy_port"][0]:
                problems += bad("rpool port only applies to tcp/udp")
        if r["dst"]["port_op"] and r["dst"]["port_op"] not in (PF_OP_EQ, PF_OP_RRG):
            problems += bad("invalid port operator for rdr destination port")
    return -problems


def tabledef_text(name, flags, init, nodes):
    """pfctl_parser.c print_tabledef."""
    out = "table <%s>" % name
    for f in ("const", "persist", "counters"):
        if f in flags:
            out += " " + f
    i = 0
    while i < len(nodes):
        n = nodes[i]
        if "file" in n:
            out += ' file "%s"' % n["file"]
            i += 1
            continue
        out += " {"
        while i < len(nodes) and "file" not in nodes[i]:
            for h in nodes[i]["hosts"]:
                out += (" !" if h["not"] else " ") + addr_str(h, h["af"], False)
            i += 1
        out += " }"
    if init and not nodes:
        out += " { }"
    return out


# ---------------------------------------------------------------- printing (pfctl_parser.c, pf_print_state.c)

def addr_str(a, af, verbose):
    """pf_print_state.c print_addr."""
    kind = a["type"]
    if kind == "table":
        return "<%s:0>" % a["tblname"] if verbose else "<%s>" % a["tblname"]
    if kind == "noroute":
        return "no-route"
    if kind == "urpf":
        return "urpf-failed"
    if kind == "dynif":
        out = "(" + a["ifname"]
        for flag, word in ((PFI_AFLAG_NETWORK, ":network"), (PFI_AFLAG_BROADCAST, ":broadcast"),
                           (PFI_AFLAG_PEER, ":peer"), (PFI_AFLAG_NOALIAS, ":0")):
            if a["iflags"] & flag:
                out += word
        if verbose:
            out += ":*"
        out += ")"
    elif kind == "range":
        return "%s - %s" % (addr_text(a["addr"], af or a["af"]), addr_text(a["addr2"], af or a["af"]))
    elif a["addr"] == 0 and a["bits"] == 0:
        return "any"
    else:
        out = addr_text(a["addr"], af or a["af"])
    # mask if not _both_ address and mask are zero
    if a["bits"] != (32 if af == 4 else 128):
        out += "/%d" % a["bits"]
    return out


def op_str(op, a1, a2):
    """pfctl_parser.c print_op."""
    return {PF_OP_IRG: " %s >< %s" % (a1, a2), PF_OP_XRG: " %s <> %s" % (a1, a2), PF_OP_EQ: " = %s" % a1,
            PF_OP_NE: " != %s" % a1, PF_OP_LT: " < %s" % a1, PF_OP_LE: " <= %s" % a1, PF_OP_GT: " > %s" % a1,
            PF_OP_GE: " >= %s" % a1, PF_OP_RRG: " %s:%s" % (a1, a2)}.get(op, "")


def port_str(op, p1, p2, proto, numeric):
    """pfctl_parser.c print_port: a service name for = and != (FreeBSD's /etc/services)."""
    name = None if numeric else services()[0].get((p1, proto))
    if name is not None and op in (PF_OP_EQ, PF_OP_NE):
        return " port" + op_str(op, name, str(p2))
    return " port" + op_str(op, str(p1), str(p2))


def fromto_str(r, verbose, numeric):
    """pfctl_parser.c print_fromto."""
    src, dst = r["src"], r["dst"]
    if src["addr"]["type"] == "addrmask" and dst["addr"]["type"] == "addrmask" and \
            not src["addr"]["addr"] and not src["addr"]["bits"] and not dst["addr"]["addr"] and \
            not dst["addr"]["bits"] and not src["neg"] and not dst["neg"] and not src["port_op"] and \
            not dst["port_op"]:
        return " all"
    proto = "tcp" if r["proto"] == TCP else "udp"
    out = " from " + ("! " if src["neg"] else "") + addr_str(src["addr"], r["af"], verbose)
    if src["port_op"]:
        out += port_str(src["port_op"], src["port"][0], src["port"][1], proto, numeric)
    out += " to " + ("! " if dst["neg"] else "") + addr_str(dst["addr"], r["af"], verbose)
    if dst["port_op"]:
        out += port_str(dst["port_op"], dst["port"][0], dst["port"][1], proto, numeric)
    return out


def pool_str(r):
    """pfctl_parser.c print_pool."""
    pool = r["rpool"]
    hosts = pool["hosts"]
    p1, p2 = pool["proxy_port"]
    out = "{ " if len(hosts) > 1 else ""
    out += ", ".join(addr_str(h, r["af"], False) for h in hosts)
    if len(hosts) > 1:
        out += " }"
    if r["action"] == "nat":
        if (p1 != PF_NAT_PROXY_PORT_LOW or p2 != PF_NAT_PROXY_PORT_HIGH) and (p1 or p2):
            out += " port %u" % p1 if p1 == p2 else " port %u:%u" % (p1, p2)
    elif r["action"] == "rdr" and p1:
        out += " port %u" % p1
        if p2 and p2 != p1:
            out += ":%u" % p2
    out += {PF_POOL_BITMASK: " bitmask", PF_POOL_RANDOM: " random", PF_POOL_SRCHASH: " source-hash",
            PF_POOL_ROUNDROBIN: " round-robin"}.get(pool["opts"] & 0xf, "")
    if pool["opts"] & PF_POOL_STICKYADDR:
        out += " sticky-address"
    if r["action"] == "nat" and p1 == 0 and p2 == 0:
        out += " static-port"
    return out


def rule_str(r, verbose=False, numeric=False):
    """pfctl_parser.c print_rule."""
    out = "@%d " % r["nr"] if verbose else ""
    out += r["action"] + (" pass" if r["natpass"] else "")
    if r["action"] == "block":
        rf = r["rule_flag"]
        if rf & PFRULE_RETURN:
            out += " return"
        elif rf & PFRULE_RETURNRST:
            out += " return-rst" if not r["return_ttl"] else " return-rst(ttl %d)" % r["return_ttl"]
        elif rf & PFRULE_RETURNICMP:
            ic = icmp_code_name(r["return_icmp"] >> 8, r["return_icmp"] & 255, 4)
            ic6 = icmp_code_name(r["return_icmp6"] >> 8, r["return_icmp6"] & 255, 6)
            c4 = ic if ic else str(r["return_icmp"] & 255)
            c6 = ic6 if ic6 else str(r["return_icmp6"] & 255)
            out += {4: " return-icmp(%s)" % c4, 6: " return-icmp6(%s)" % c6}.get(r["af"],
                                                                                " return-icmp(%s, %s)" % (c4, c6))
        else:
            out += " drop"
    if r["direction"]:
        out += " " + r["direction"]
    if r["log"]:
        out += " log"
    if r["quick"]:
        out += " quick"
    if r["ifname"]:
        out += (" on ! %s" if r["ifnot"] else " on %s") % r["ifname"]
    if r["af"]:
        out += " inet" if r["af"] == 4 else " inet6"
    if r["proto"]:
        name = proto_name(r["proto"])
        out += " proto %s" % name if name else " proto %u" % r["proto"]
    out += fromto_str(r, verbose, numeric)
    if r["flags"] or r["flagset"]:
        out += " flags %s/%s" % (flags_text(r["flags"]), flags_text(r["flagset"]))
    elif r["action"] == "pass" and r["proto"] in (0, TCP) and not r["rule_flag"] & PFRULE_FRAGMENT and \
            r["keep_state"]:
        out += " flags any"
    if r["type"]:
        name = icmp_type_name(r["type"] - 1, r["af"])
        out += " icmp6-type" if r["af"] == 6 else " icmp-type"
        out += " %s" % name if name else " %u" % (r["type"] - 1)
        if r["code"]:
            cname = icmp_code_name(r["type"] - 1, r["code"] - 1, r["af"])
            out += " code %s" % cname if cname else " code %u" % (r["code"] - 1)
    if not r["keep_state"] and r["action"] == "pass":
        out += " no state"
    elif r["keep_state"] == 1:
        out += " keep state"
    elif r["keep_state"] == 2:
        out += " modulate state"
    opts = []
    if r["rule_flag"] & PFRULE_NOSYNC:
        opts.append("no-sync")
    if r["rule_flag"] & PFRULE_SRCTRACK:
        opts.append("source-track rule" if r["rule_flag"] & PFRULE_RULESRCTRACK else "source-track global")
    if r["max_src_conn"]:
        opts.append("max-src-conn %u" % r["max_src_conn"])
    if r["max_src_conn_rate"][0]:
        opts.append("max-src-conn-rate %u/%u" % tuple(r["max_src_conn_rate"]))
    if r["overload_tblname"]:
        opts.append("overload <%s>%s%s" % (r["overload_tblname"], " flush" if r["flush"] else "",
                                           " global" if r["flush"] & PF_FLUSH_GLOBAL else ""))
    for name in PFTM_NAMES:
        if r["timeout"].get(name):
            opts.append("%s %u" % (name, r["timeout"][name]))
    if opts:
        out += " (" + ", ".join(opts) + ")"
    if r["rule_flag"] & PFRULE_FRAGMENT:
        out += " fragment"
    if r["rule_flag"] & PFRULE_NODF:
        out += " no-df"
    if r["rule_flag"] & PFRULE_RANDOMID:
        out += " random-id"
    if r["min_ttl"]:
        out += " min-ttl %d" % r["min_ttl"]
    if r["max_mss"]:
        out += " max-mss %d" % r["max_mss"]
    if r["rule_flag"] & PFRULE_SET_TOS:
        out += " set-tos 0x%2.2x" % r["set_tos"]
    if r["allow_opts"]:
        out += " allow-opts"
    if r["action"] == "scrub":
        if r["rule_flag"] & PFRULE_REASSEMBLE_TCP:
            out += " reassemble tcp"
        out += " fragment %sreassemble" % ("no " if r["rule_flag"] & PFRULE_FRAGMENT_NOREASS else "")
    for label in r["labels"]:
        out += ' label "%s"' % label
    if r["ridentifier"]:
        out += " ridentifier %u" % r["ridentifier"]
    if r["action"] in ("nat", "rdr"):
        out += " -> " + pool_str(r)
    return out


# ---------------------------------------------------------------- the basic optimizer (pfctl_optimize.c)

BARRIER, BREAK, NOMERGE, COMBINED, DC, NEVER = range(6)
FIELD_TYPE = {"labels": BARRIER, "max_src_conn": BARRIER, "max_src_conn_rate": BARRIER,
              "keep_state": BREAK, "allow_opts": BREAK, "rule_flag": BREAK, "action": BREAK, "log": BREAK,
              "quick": BREAK, "return_ttl": BREAK, "overload_tblname": BREAK, "flush": BREAK, "rpool": BREAK,
              "af": NOMERGE, "ifnot": NOMERGE, "ifname": NOMERGE, "timeout": NOMERGE, "return_icmp": NOMERGE,
              "return_icmp6": NOMERGE, "direction": NOMERGE, "proto": NOMERGE, "type": NOMERGE, "code": NOMERGE,
              "flags": NOMERGE, "flagset": NOMERGE, "src.port": NOMERGE, "dst.port": NOMERGE,
              "src.port_op": NOMERGE, "dst.port_op": NOMERGE, "src.neg": NOMERGE, "dst.neg": NOMERGE,
              "src.addr": COMBINED, "dst.addr": COMBINED, "nr": DC, "line": DC,
              "natpass": NEVER, "max_mss": NEVER, "min_ttl": NEVER, "set_tos": NEVER}  # others: BREAK


def addr_key(a):
    return (a["type"], a["af"], a["addr"], a["bits"], a.get("addr2", 0), a.get("tblname", ""),
            a.get("ifname", ""), a.get("iflags", 0))


def flat(r):
    out = {}
    for k, v in r.items():
        if k in ("src", "dst"):
            out[k + ".addr"] = addr_key(v["addr"])
            out[k + ".neg"], out[k + ".port_op"], out[k + ".port"] = v["neg"], v["port_op"], tuple(v["port"])
        else:
            out[k] = json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v
    return out


def comparable(r, level):
    """comparable_rule: the rule with every field of type >= level zeroed."""
    return {k: v for k, v in flat(r).items() if FIELD_TYPE.get(k, BREAK) < level}


ANY_KEY = ("addrmask", 0, 0, 0, 0, "", "", 0)


def exclude_supersets(sup, sub):
    """pfctl_optimize.c exclude_supersets, on comparable views."""
    if sup.get("ifname") == "":
        sub["ifname"] = ""
    if sup.get("direction") == 0:
        sub["direction"] = 0
    if (sup.get("proto") == 0 or sup.get("proto") == sub.get("proto")) and sup.get("flags") == 0 and \
            sup.get("flagset") == 0 and (sub.get("flags") or sub.get("flagset")):
        sub["flags"], sub["flagset"] = sup["flags"], sup["flagset"]
    if sup.get("proto") == 0:
        sub["proto"] = 0
    for side in ("src", "dst"):
        if sup.get(side + ".port_op") == 0:
            sub[side + ".port_op"], sub[side + ".port"] = 0, (0, 0)
        sa, ba = sup.get(side + ".addr"), sub.get(side + ".addr")
        if sa is None:
            continue
        if sa[0] == "addrmask" and not sup[side + ".neg"] and not sub[side + ".neg"] and sa[3] == 0:
            sub[side + ".addr"] = ANY_KEY
        elif sa[0] == "addrmask" and ba[0] == "addrmask" and sup[side + ".neg"] == sub[side + ".neg"] and \
                sup.get("af") == sub.get("af") and sa[3] < ba[3] and \
                masked(ba[2], sa[3], sup.get("af") or 6) == sa[2]:
            sub[side + ".addr"] = sa
    if sup.get("af") == 0:
        sub["af"] = 0


class Unmodelled(Exception):
    pass


def optimize(rules):
    """pfctl_optimize.c pfctl_optimize_ruleset: superblocks, then per block remove_identical_rules,
    combine_rules and reorder_rules; the rules are renumbered in their new order."""
    blocks = []
    for r in rules:
        if blocks and superblock_inclusive(blocks[-1], r):
            blocks[-1].append(r)
        else:
            blocks.append([r])
    out = []
    for block in blocks:
        if len(block) > 1:
            remove_identical_rules(block)
            combine_rules(block)
            for b in reorder_rules(block):
                out += b
        else:
            out += block
    for nr, r in enumerate(out):
        r["nr"] = nr
    return out


def superblock_inclusive(block, r):
    if r["labels"] or r["max_src_conn"] or r["max_src_conn_rate"] != [0, 0]:
        return False  # BARRIER fields
    if r["rule_flag"] & PFRULE_RULESRCTRACK:
        return False  # per-rule src-track is also a hard break
    return comparable(block[0], NOMERGE) == comparable(r, NOMERGE)


def remove_identical_rules(block):
    i = 0
    while i < len(block):
        j, removed = i + 1, False
        while j < len(block):
            a, b = comparable(block[i], DC), comparable(block[j], DC)
            a2, b2 = dict(a), dict(b)
            exclude_supersets(a, b)
            exclude_supersets(b2, a2)
            if a == b:
                del block[j]
                continue
            if a2 == b2:
                del block[i]
                removed = True
                break
            j += 1
        if not removed:
            i += 1


def combine_rules(block):
    """pfctl_optimize.c combine_rules: rules differing only in one address, TABLE_THRESHOLD (6) or
    more of them, become one rule on an automatic table -- not modelled: the load fails."""
    src_tbl, dst_tbl = {}, {}
    counts = {}
    for i, p1 in enumerate(block):
        for p2 in block[i + 1:]:
            src_eq = p1["src"]["neg"] == p2["src"]["neg"] and addr_key(p1["src"]["addr"]) == addr_key(p2["src"]["addr"])
            dst_eq = p1["dst"]["neg"] == p2["dst"]["neg"] and addr_key(p1["dst"]["addr"]) == addr_key(p2["dst"]["addr"])
            k1, k2 = id(p1), id(p2)
            for side, eq_other, tbl, other in (("dst", src_eq and not dst_eq, dst_tbl, src_tbl),
                                               ("src", dst_eq and not src_eq, src_tbl, dst_tbl)):
                if eq_other and k1 not in other and k2 not in tbl and k2 not in other and \
                        comparable(p1, COMBINED) == comparable(p2, COMBINED) and \
                        addrs_combineable(p1[side], p2[side]):
                    if k1 not in tbl:
                        tbl[k1] = k1
                        counts[k1] = 1
                    counts[tbl[k1]] += 1
                    tbl[k2] = tbl[k1]
                    if counts[tbl[k1]] >= 6:
                        raise Unmodelled(p1.get("line", 0))
                    break


def addrs_combineable(a, b):
    return a["addr"]["type"] == "addrmask" and b["addr"]["type"] == "addrmask" and a["neg"] == b["neg"] and \
        a["port_op"] == b["port_op"] and a["port"] == b["port"]


def skip_compare(i, a, b):
    """pfctl_optimize.c skip_cmp_*, in FreeBSD 14's PF_SKIP_* order: ifp, dir, af, proto, saddr, sport,
    daddr, dport. 0 when a belongs with b."""
    if i == 0:
        return int(a["ifname"] != b["ifname"] or not a["ifname"] or a["ifnot"] != b["ifnot"])
    if i == 1:
        return int(not a["direction"] or a["direction"] != b["direction"])
    if i == 2:
        return int(a["af"] != b["af"] or not a["af"])
    if i == 3:
        return int(a["proto"] != b["proto"] or not a["proto"])
    side = "src" if i in (4, 5) else "dst"
    x, y = a[side], b[side]
    if i in (5, 7):
        return int(x["port_op"] == PF_OP_NONE or x["port_op"] != y["port_op"] or x["port"] != y["port"])
    if x["neg"] != y["neg"] or x["addr"]["type"] != y["addr"]["type"]:
        return 1
    kind = x["addr"]["type"]
    if kind == "addrmask":
        return int(addr_key(x["addr"]) != addr_key(y["addr"]) or x["addr"]["addr"] == 0)
    if kind == "dynif":
        return int(x["addr"]["ifname"] != y["addr"]["ifname"] or x["addr"]["iflags"] != y["addr"]["iflags"] or
                   x["addr"]["bits"] != y["addr"]["bits"])
    if kind in ("noroute", "urpf"):
        return 0
    if kind == "table":
        return int(x["addr"]["tblname"] != y["addr"]["tblname"])
    return 1


def reorder_rules(rules):
    """pfctl_optimize.c reorder_rules: group rules sharing a skip-step field; a group of more than
    two becomes a superblock of its own, placed before this one, and is reordered in turn.
    Returns the superblocks replacing this one, in order."""
    steps = [[] for _ in range(8)]      # per field: skiplists, largest first: [count, [rules]]
    for i in range(8):
        for r in rules:
            for sl in steps[i]:
                if skip_compare(i, r, sl[1][0]) == 0:
                    break
            else:
                sl = [0, []]
                steps[i].append(sl)
            sl[0] += 1
            sl[1].append(r)
            k = steps[i].index(sl)
            while k > 0 and steps[i][k - 1][0] < sl[0]:  # skip_append keeps the lists sorted
                steps[i][k - 1], steps[i][k] = steps[i][k], steps[i][k - 1]
                k -= 1
    largest = 0
    for i in range(8):
        sl = steps[i][0]
        if sl[0] == len(rules) or sl[0] == 1:
            sl[0] = 0
        else:
            largest = max(largest, sl[0])
    if largest == 0:
        return [rules]
    head, block, before = list(rules), [], []
    while head:
        largest, largest_list = 1, None
        for i in range(8):
            if steps[i] and steps[i][0][0] > largest:
                largest, largest_list = steps[i][0][0], i
        if largest_list is None:
            block += head
            break
        sl = steps[largest_list].pop(0)
        target = [] if sl[0] > 2 else block
        for r in list(sl[1]):
            head.remove(r)
            target.append(r)
            remove_from_skipsteps(steps, r, sl)
        if target is not block:
            before += reorder_rules(target)
    return before + [block]


def remove_from_skipsteps(steps, r, active):
    for i in range(8):
        lists = steps[i]
        if not lists or lists[0] is active or lists[0][0] <= 1:
            continue
        for k, sk in enumerate(lists):
            if any(x is r for x in sk[1]):
                sk[1] = [x for x in sk[1] if x is not r]
                sk[0] -= 1
                while k + 1 < len(lists) and lists[k + 1][0] > sk[0]:
                    lists[k], lists[k + 1] = lists[k + 1], lists[k]
                    k += 1
                break


# ---------------------------------------------------------------- pfctl_rules: parse, optimize, print

RULESETS = ("scrub", "nat", "rdr", "binat", "filter")  # pfctl.c pfctl_rules: the load order


def parse_config(path, opts, optimize_opt=None, preset=None):
    """parse.y parse_config + the part of pfctl.c pfctl_rules before the kernel: returns the Conf,
    whose errors say whether pfctl may go on. PRESET: the macros of -D (symset persist: the file
    cannot redefine them)."""
    conf = Conf(path, opts)
    conf.macros.update(preset or {})
    conf.fixed = set(preset or {})
    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            if os.path.isdir(path):
                raise IsADirectoryError(21, "Is a directory")
            with open(path) as f:
                text = f.read()
    except OSError as e:
        conf.say("pfctl: %s: %s" % (name, e.strerror))
        conf.say("pfctl: cannot open the main config file!: %s" % e.strerror)
        conf.errors += 1
        conf.unreadable = True
        return conf
    conf.unreadable = False
    Parser(conf, name, text).parse()
    if conf.errors:
        return conf
    level = optimize_opt if optimize_opt is not None else (conf.optimize or "basic")
    if level != "none":
        try:
            conf.rules["filter"] = optimize(conf.rules["filter"])
        except Unmodelled as e:
            conf.yyerror("the ruleset optimizer would merge these rules into an automatic table, which %s"
                         % UNSUPPORTED, line=e.args[0])
    return conf


def loaded_lines(conf, verbose2=False, numeric=False):
    """What pfctl_load_ruleset prints with -v: every rule as it is loaded (pfctl.c pfctl_load_rule)."""
    return [rule_str(r, verbose2, numeric) for rs in RULESETS for r in conf.rules[rs]]


# ---------------------------------------------------------------- the kernel's pf (pf_ioctl.c, pf_table.c)

def empty_kernel():
    return {"enabled": False, "rules": {rs: [] for rs in RULESETS}, "skip": [], "tables": {}, "next_id": 1,
            "watch": 0}


def kernel_state():
    return sim.State("pf", empty_kernel())


def read_kernel():
    return sim.read_state("pf", empty_kernel())


def referenced_tables(k):
    """Tables the loaded rules use (pf_table.c pfr_attach_table: rule addresses, pools, overload)."""
    names = set()
    for rs in RULESETS:
        for r in k["rules"][rs]:
            for side in ("src", "dst"):
                if r[side] and r[side]["addr"]["type"] == "table":
                    names.add(r[side]["addr"]["tblname"])
            for h in r["rpool"]["hosts"]:
                if h["type"] == "table":
                    names.add(h["tblname"])
            if r["overload_tblname"]:
                names.add(r["overload_tblname"])
    return names


def overload_targets(k):
    return {r["overload_tblname"] for r in k["rules"]["filter"] if r["overload_tblname"]}


def settle_tables(k):
    """pf_table.c pfr_setflags_ktable: a table neither referenced nor persistent is no longer
    active, loses its addresses, and is destroyed once nothing refers to it; a referenced table that
    does not exist is created, inactive (pfr_attach_table)."""
    refs = referenced_tables(k)
    for name in refs:
        if name not in k["tables"]:
            k["tables"][name] = {"flags": [], "active": False, "entries": {}, "id": 0}
    for name in list(k["tables"]):
        t = k["tables"][name]
        if name not in refs and "persist" not in t["flags"]:
            t["active"] = False
        if not t["active"]:
            t["entries"] = {}
            t["flags"] = []
            if name not in refs:
                del k["tables"][name]
    for name in refs:
        t = k["tables"][name]
        if not t["id"]:
            t["id"] = k["next_id"]
            k["next_id"] += 1


def keep_overloaded(k, now):
    """The packet path adds overload entries to nft sets of the rules that overload: before those
    rules change, make them ordinary entries of their tables (pf_table.c: an address added by
    pf_overload_task is an entry like any other, which outlives the rule that added it)."""
    targets = overload_targets(k)
    for name, t in k["tables"].items():
        if name in targets and t["active"]:
            for key, v in overloaded_entries(t, now).items():
                t["entries"].setdefault(key, v)
            t["flush_dyn"] = True


def commit_tables(k, conf, now):
    """pf_table.c pfr_ina_define + pfr_commit_ktable: a table defined with addresses gets exactly
    those (an entry it already had keeps its insertion time, unless its negation changed); one
    defined without addresses keeps what it had. Called before the new rules replace the old ones."""
    for name, d in conf.tables.items():
        t = k["tables"].setdefault(name, {"flags": [], "active": False, "entries": {}, "id": 0})
        if d["init"]:
            old = dict(t["entries"]) if t["active"] else {}
            t["entries"] = {}
            for e in d["entries"]:
                key = entry_key(e)
                if key in t["entries"]:
                    continue
                kept = old.get(key)
                t["entries"][key] = [e["not"], kept[1] if kept and kept[0] == e["not"] else now]
        elif not t["active"]:
            t["entries"] = {}
        t["flags"] = list(d["flags"])
        t["active"] = True


def rate_rules(k):
    """The filter rules limiting connections per source (pf.c pf_src_connlimit), numbered from 1."""
    return [r for r in k["rules"]["filter"] if r["max_src_conn"] or r["max_src_conn_rate"][1]]


# ---------------------------------------------------------------- table contents as nft sets

def effective(entries, af):
    """pf_table.c pfr_match_addr: an address matches if its most specific entry is not negated.
    Returns disjoint [start, end] intervals."""
    width = 32 if af == 4 else 128
    es = [entry_from_key(k, v[0]) for k, v in entries.items()]
    es = [e for e in es if e["af"] == af]
    spans = lambda e: (e["addr"], e["addr"] | ((1 << (width - e["net"])) - 1))
    if not any(e["not"] for e in es):
        out = []
        for s, t in sorted(spans(e) for e in es):
            if out and s <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], t)
            else:
                out.append([s, t])
        return out
    segs = []  # painted from the shortest prefixes to the longest
    for e in sorted(es, key=lambda e: e["net"]):
        s, t = spans(e)
        new = []
        for a, b, pol in segs:
            if b < s or a > t:
                new.append((a, b, pol))
                continue
            if a < s:
                new.append((a, s - 1, pol))
            if b > t:
                new.append((t + 1, b, pol))
        new.append((s, t, not e["not"]))
        segs = sorted(new)
    out = []
    for a, b, pol in segs:
        if not pol:
            continue
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def interval_element(s, t, af):
    width = 32 if af == 4 else 128
    size = t - s + 1
    if size & (size - 1) == 0 and s % size == 0:
        bits = width - size.bit_length() + 1
        return addr_text(s, af) + ("/%d" % bits if bits < width else "")
    return "%s-%s" % (addr_text(s, af), addr_text(t, af))


def set_elements(t, af):
    if not t["active"]:
        return []
    return [interval_element(s, e, af) for s, e in effective(t["entries"], af)]


DYN_TIMEOUT = 49 * 86400  # overload entries: a timeout (nft's longest) only to learn their insertion time


def nft(script, check=True):
    r = subprocess.run(["nft", "-f", "-"], input=script, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("nft: %s" % r.stderr.strip())
    return r


def nft_json(*args):
    r = subprocess.run(["nft", "-j"] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        return []
    try:
        return json.loads(r.stdout).get("nftables", [])
    except ValueError:
        return []


def overloaded_entries(t, now=None):
    """The entries the packet path added to an overload table (nft set o4_ID/o6_ID), with their
    insertion times (pf_table.c pfr_insert_kentry: tzero = time_second)."""
    now = now or time.time()
    out = {}
    if not t.get("id"):
        return out
    for fam in ("4", "6"):
        for item in nft_json("list", "set", "inet", "pf", "o%s_%d" % (fam, t["id"])):
            for el in (item.get("set") or {}).get("elem", []):
                e = el.get("elem", el) if isinstance(el, dict) else el
                val = e.get("val") if isinstance(e, dict) else e
                expires = e.get("expires", DYN_TIMEOUT) if isinstance(e, dict) else DYN_TIMEOUT
                if isinstance(val, str):
                    n = 32 if fam == "4" else 128
                    out[entry_key({"af": int(fam), "addr": v4(val) if fam == "4" else v6(val), "net": n,
                                   "not": 0})] = [0, int(now - (DYN_TIMEOUT - expires))]
    return out


def table_sets_script(k, names):
    """nft commands giving these tables' sets their contents (one transaction)."""
    lines = []
    for name in names:
        t = k["tables"].get(name)
        if not t or not t.get("id"):
            continue
        for fam in (4, 6):
            s = "t%d_%d" % (fam, t["id"])
            lines.append("flush set inet pf %s" % s)
            els = set_elements(t, fam)
            if els:
                lines.append("add element inet pf %s { %s }" % (s, ", ".join(els)))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the rules as nftables
#
# Hooks (table inet pf), after Linux's own NAT so that filter rules see translated addresses, as
# pf filters after translating (pf.c pf_test_rule: pf_get_translation comes first):
#   nat_in   prerouting  -100 (dstnat): rdr rules, the first match wins (pf_lb.c pf_get_translation)
#   nat_out  postrouting  100 (srcnat): nat rules, the first match wins
#   filter_in  prerouting  -90: the "in" pass on the receiving interface
#   filter_out postrouting 110: the "out" pass on the sending interface
#   filter_fwd forward       0: bridged frames, which FreeBSD filters four times (if_bridge.c
#              bridge_pfil, pfil_member=1 and pfil_bridge=1): in on the member, in on the bridge, out
#              on the bridge, out on the member. Linux gives them to these hooks (br_netfilter) with
#              the bridge as both interfaces, so table bridge pf tags them first with their member
#              ports (meta mark), and filter_in/filter_out leave them alone.
# Frames addressed to the bridge itself are ordinary packets in on the bridge (if_bridge.c
# bridge_input GRAB_OUR_PACKETS(bifp): no member pass); ARP never reaches these hooks.
#
# States (pf.c pf_test: pf_test_state_* before any rule) are conntrack entries with two mark bits:
# A for a state keyed like a packet going in in the entry's original direction (or out in its reply
# direction), B for the converse. A pass rule on an in pass marks A for an original packet, B for a
# reply; on an out pass the other way round. Floating states (parse.y default_statelock = 0) match
# on any interface, as here. A TCP packet conntrack first meets mid-stream has no entry
# (nf_conntrack_tcp_loose=0, set by the host's boot): no state, as in pf.

M_BRIDGED, M_RDRPASS, M_NATPASS, M_BAD = 0x8000, 0x4000, 0x2000, 0x1000
M_OURS = 0xfffff000
CT_A, CT_B, CT_COUNTED, CT_RID = 0x1, 0x2, 0x4, 0xf8
NFLOG_GROUP = 28784
PASSES = (("l3_in", "in"), ("l3_out", "out"), ("mbr_in", "in"), ("br_in", "in"), ("br_out", "out"),
          ("mbr_out", "out"))


def lname(name):
    return sim.linux_name(name)


def family(cond):
    """The address family a condition implies (nft refuses ip and ip6 in one rule)."""
    if cond.startswith("ip ") or cond.startswith("icmp ") or cond == "meta nfproto ipv4":
        return 4
    if cond.startswith("ip6 ") or cond.startswith("icmpv6 ") or cond == "meta nfproto ipv6":
        return 6
    return 0


# Interfaces the test harness keeps outside the simulated host altogether (the benchmark's
# management network, over which its SSH arrives): one name a line. Not FreeBSD's: pf filters them
# as if the ruleset said `set skip on` them. The integration tests never write it.
HARNESS_SKIP = "/etc/uirig-sim/pf-skip"


def skipped(k):
    """`set skip on` interfaces, and the harness's."""
    try:
        with open(HARNESS_SKIP) as f:
            extra = [line.strip() for line in f if line.strip()]
    except OSError:
        extra = []
    return sorted(set(k["skip"]) | set(extra))


class NftRules:
    """The regular chains for one loaded ruleset."""

    def __init__(self, k):
        self.k = k
        names = set(skipped(k))
        for r in k["rules"]["filter"]:
            if r["ifname"]:
                names.add(r["ifname"])
        if len(names) > 255:
            raise RuntimeError("more than 255 interface names in the ruleset")
        self.idx = {n: i + 1 for i, n in enumerate(sorted(names))}
        self.rid = {id(r): i + 1 for i, r in enumerate(rate_rules(k))}
        if len(self.rid) > 31:
            raise RuntimeError("more than 31 rules with max-src-conn or max-src-conn-rate")
        self.targets = overload_targets(k)
        self.chains = {}

    def table_id(self, name):
        return self.k["tables"][name]["id"]

    # -- matching
    def kif(self, ptype, name, neg):
        op = "!= " if neg else ""
        if ptype in ("l3_in", "br_in"):
            return 'iifname %s"%s"' % (op, lname(name))
        if ptype in ("l3_out", "br_out"):
            return 'oifname %s"%s"' % (op, lname(name))
        shift = 16 if ptype == "mbr_in" else 24
        return "meta mark & 0x%08x %s 0x%08x" % (0xff << shift, "!=" if neg else "==", self.idx.get(name, 0) << shift)

    def addr(self, side, ra, ptype, ifname):
        """pfvar.h PF_MISMATCHAW as alternatives of conditions (or None: never matches)."""
        a, neg = ra["addr"], ra["neg"]
        key = "saddr" if side == "src" else "daddr"
        op = "!= " if neg else ""
        kind = a["type"]
        if kind == "addrmask":
            if a["addr"] == 0 and a["bits"] == 0:
                return None if neg else [[]]
            fam = "ip" if a["af"] == 4 else "ip6"
            width = 32 if a["af"] == 4 else 128
            text = addr_text(a["addr"], a["af"]) + ("/%d" % a["bits"] if a["bits"] < width else "")
            return [["%s %s %s%s" % (fam, key, op, text)]]
        if kind == "range":
            fam = "ip" if a["af"] == 4 else "ip6"
            return [["%s %s %s%s-%s" % (fam, key, op, addr_text(a["addr"], a["af"]), addr_text(a["addr2"], a["af"]))]]
        if kind == "table":
            tid = self.table_id(a["tblname"])
            sets = lambda fam: ["t%d_%d" % (fam, tid)] + (["o%d_%d" % (fam, tid)] if a["tblname"] in self.targets else [])
            alts = []
            for fam, word in ((4, "ip"), (6, "ip6")):
                if neg:
                    alts.append(["%s %s != @%s" % (word, key, s) for s in sets(fam)])
                else:
                    alts += [["%s %s @%s" % (word, key, s)] for s in sets(fam)]
            return alts
        if kind == "noroute":
            # pf.c pf_routable with no interface: any route, the default one included (in_fib.c)
            return [["fib %s oif %s" % (key, "exists" if neg else "missing")]]
        if kind == "urpf":
            # pf.c pf_routable(kif): the best route back to the source leaves through kif
            if ptype in ("l3_in", "br_in"):
                return [["fib saddr . iif oif %s" % ("exists" if neg else "missing")]]
            if ifname:
                return [['fib saddr oifname %s"%s"' % ("" if neg else "!= ", lname(ifname))]]
            alts = [["meta mark & 0x00ff0000 == 0x%08x" % (i << 16), 'fib saddr oifname %s"%s"' %
                     ("" if neg else "!= ", lname(n))] for n, i in self.idx.items()]
            return alts + ([] if neg else [["meta mark & 0x00ff0000 == 0x00000000"]])
        raise RuntimeError("address type %s" % kind)

    @staticmethod
    def port(side, p):
        key = "sport" if side == "src" else "dport"
        op, (a, b) = p["port_op"], p["port"]
        if op == PF_OP_NONE:
            return []
        if op == PF_OP_IRG:
            return None if a + 1 > b - 1 else ["th %s %d-%d" % (key, a + 1, b - 1)]
        return ["th %s %s" % (key, {PF_OP_EQ: "%d" % a, PF_OP_NE: "!= %d" % a, PF_OP_LT: "< %d" % a,
                                    PF_OP_LE: "<= %d" % a, PF_OP_GT: "> %d" % a, PF_OP_GE: ">= %d" % a,
                                    PF_OP_RRG: "%d-%d" % (a, b), PF_OP_XRG: "!= %d-%d" % (a, b)}[op])]

    def conditions(self, r, ptype):
        """Alternatives (ORed) of condition lists (ANDed) matching what pf_test_rule matches."""
        alts = [[]]

        def both(more):
            return [x + y for x in alts for y in more if not {family(c) for c in x + y} >= {4, 6}]
        if r["ifname"]:
            alts = both([[self.kif(ptype, r["ifname"], r["ifnot"])]])
        if r["af"]:
            alts = both([["meta nfproto %s" % ("ipv4" if r["af"] == 4 else "ipv6")]])
        if r["proto"]:
            alts = both([["meta l4proto %d" % r["proto"]]])
        for side in ("src", "dst"):
            a = self.addr(side, r[side], ptype, r["ifname"] if not r["ifnot"] else "")
            p = self.port(side, r[side])
            if a is None or p is None:
                return []
            alts = both([x + p for x in a])
        if r["flagset"]:
            test = "tcp flags & (%s) == %s" % (
                "|".join(NFT_TCPFLAGS[i] for i in range(8) if r["flagset"] & 1 << i),
                "|".join(NFT_TCPFLAGS[i] for i in range(8) if r["flags"] & 1 << i) or "0x0")
            # pf.c pf_test_rule: the flags are tested on TCP packets only
            alts = both([[test]] if r["proto"] == TCP else [["meta l4proto != 6"], ["meta l4proto 6", test]])
        if r["type"]:
            word = "icmpv6" if r["proto"] == ICMP6 else "icmp"
            more = ["%s type %d" % (word, r["type"] - 1)]
            if r["code"]:
                more.append("%s code %d" % (word, r["code"] - 1))
            alts = both([more])
        return alts

    # -- verdicts
    def verdicts(self, r, pdir):
        if r["action"] == "pass":
            if not r["keep_state"]:
                return ["return"]
            rid = self.rid.get(id(r))
            if rid:
                return ["ct mark set ct mark & 0xffffff07 | 0x%02x goto mk_%s" % (rid << 3, pdir)]
            return ["goto mk_" + pdir]
        rf = r["rule_flag"]
        if not rf & (PFRULE_RETURN | PFRULE_RETURNRST | PFRULE_RETURNICMP):
            return ["drop"]
        # pf.c pf_return: a TCP reset (not for a reset), else an ICMP error (not for ICMP)
        out = []
        if rf & (PFRULE_RETURN | PFRULE_RETURNRST):
            out.append("meta l4proto 6 reject with tcp reset")
        if rf & (PFRULE_RETURN | PFRULE_RETURNICMP):
            out.append("meta nfproto ipv4 meta l4proto != 1 reject with icmp type %s" %
                       REJECT4[r["return_icmp"] & 255])
            out.append("meta nfproto ipv6 meta l4proto != 58 reject with icmpv6 type %s" %
                       REJECT6[r["return_icmp6"] & 255])
        return out + ["drop"]

    def rule_lines(self, r, ptype, pdir):
        if r["direction"] and r["direction"] != pdir:
            return []
        lines = []
        for alt in self.conditions(r, ptype):
            for v in self.verdicts(r, pdir):
                lines.append(" ".join(alt + [v]))
        return lines

    def counting(self, r, rid, o_bit):
        """pf.c pf_tcp_track_full -> pf_src_connlimit: at the final ACK of the handshake the source's
        connection count and rate (pf_add_threshold, a decaying counter; here nft's token bucket) are
        raised; over a limit the state dies, the ACK is dropped, the source goes into the overload
        table and, with flush, a watcher kills its other states (pf_overload_task)."""
        cond = "ct direction original ct mark & 0x%02x == 0x%02x tcp flags & (syn|ack) == ack" % (
            CT_RID | CT_COUNTED | o_bit, (rid << 3) | o_bit)
        lines = []
        fams = [(4, "ip")] if r["af"] == 4 else [(6, "ip6")] if r["af"] == 6 else [(4, "ip"), (6, "ip6")]
        for fam, word in fams:
            if r["max_src_conn_rate"][1]:
                lines.append("%s update @r%d_%d { %s saddr limit rate over %s burst %d packets } "
                             "meta mark set meta mark | 0x%x" % (cond, fam, rid, word, rate(*r["max_src_conn_rate"]),
                                                                 r["max_src_conn_rate"][0], M_BAD))
            if r["max_src_conn"]:
                lines.append("%s add @c%d_%d { %s saddr ct count over %d } meta mark set meta mark | 0x%x"
                             % (cond, fam, rid, word, r["max_src_conn"], M_BAD))
            over = "%s meta nfproto %s meta mark & 0x%x == 0x%x" % (cond, "ipv4" if fam == 4 else "ipv6", M_BAD, M_BAD)
            if r["overload_tblname"]:
                over += " add @o%d_%d { %s saddr }" % (fam, self.table_id(r["overload_tblname"]), word)
                if r["flush"]:
                    mode = 2 if r["flush"] & PF_FLUSH_GLOBAL else 1
                    over += ' log prefix "pfov %d %d " group %d' % (mode, rid, NFLOG_GROUP)
            lines.append(over + " ct mark set ct mark & 0x%x | 0x%x meta mark set meta mark & 0x%x drop"
                         % (0xffffffff ^ (CT_A | CT_B), CT_COUNTED, 0xffffffff ^ M_BAD))
        lines.append(cond + " ct mark set ct mark | 0x%x" % CT_COUNTED)
        return lines

    def pass_chain(self, ptype, pdir):
        """One pf_test() call: set skip, the state lookup, then the rules (pf.c pf_test)."""
        lines = []
        for name in skipped(self.k):
            lines.append(self.kif(ptype, name, False) + " return")  # pf.c pf_test: PFI_IFLAG_SKIP
        # pf.c pf_test: a passed IPv4 packet with IP options is dropped unless its state or rule
        # has allow-opts (which the parser refuses), the default rule included
        lines.append("ip hdrlength > 5 drop")
        o_bit, r_bit = (CT_A, CT_B) if pdir == "in" else (CT_B, CT_A)
        for r in rate_rules(self.k):
            if r["direction"] in (0, pdir):
                lines += self.counting(r, self.rid[id(r)], o_bit)
        lines.append("ct direction original ct mark & 0x%x == 0x%x return" % (o_bit, o_bit))
        lines.append("ct direction reply ct mark & 0x%x == 0x%x return" % (r_bit, r_bit))
        if ptype == "l3_in":
            lines.append("meta mark & 0x%x == 0x%x goto mk_in" % (M_RDRPASS, M_RDRPASS))
        if ptype == "l3_out":
            lines.append("meta mark & 0x%x == 0x%x goto mk_out" % (M_NATPASS, M_NATPASS))
        # The last matching rule wins unless a quick rule matches first (pf.c pf_test_rule): the
        # quick rules in order, then the others from the last.
        rules = self.k["rules"]["filter"]
        for r in [r for r in rules if r["quick"]] + [r for r in reversed(rules) if not r["quick"]]:
            lines += self.rule_lines(r, ptype, pdir)
        return lines  # no rule matched: pass, without state (pf's default rule)

    def translation_chain(self, kind):
        """nat (out) or rdr (in) rules, the first match wins (pf_lb.c pf_get_translation)."""
        lines = []
        ptype = "l3_in" if kind == "rdr" else "l3_out"
        for r in self.k["rules"][kind]:
            for alt in self.conditions(r, ptype):
                lines += [" ".join(alt + [v]) for v in self.translation(r)]
        return lines

    @staticmethod
    def translation(r):
        if r["action"].startswith("no "):
            return ["accept"]
        h = r["rpool"]["hosts"][0]
        fam = "ip" if r["af"] != 6 else "ip6"
        mark = "meta mark set meta mark | 0x%x " % (M_RDRPASS if r["action"] == "rdr" else M_NATPASS) \
            if r["natpass"] else ""
        p0, p1 = r["rpool"]["proxy_port"]
        if r["action"] == "rdr":
            target = addr_text(h["addr"], h["af"])
            if h["af"] == 6:
                target = "[%s]" % target
            return [mark + "dnat %s to %s%s" % (fam, target, ":%d" % p0 if p0 else "")]
        ports = "" if (p0, p1) == (0, 0) else " to :%d-%d random" % (p0, p1)
        if h["type"] == "dynif":
            # (if:0): the interface's first address, followed as it changes
            tcpudp = "meta l4proto { tcp, udp } " + mark + "masquerade" + ports
            return ([tcpudp] if ports else []) + [mark + "masquerade"]
        target = addr_text(h["addr"], h["af"])
        tcpudp = "meta l4proto { tcp, udp } %ssnat %s to %s:%d-%d random" % (mark, fam, target if h["af"] == 4 else
                                                                              "[%s]" % target, p0, p1)
        return ([tcpudp] if ports else []) + [mark + "snat %s to %s" % (fam, target)]

    def build(self):
        c = self.chains
        c["mk_in"] = ["ct direction original ct mark set ct mark | 0x%x" % CT_A,
                      "ct direction reply ct mark set ct mark | 0x%x" % CT_B]
        c["mk_out"] = ["ct direction original ct mark set ct mark | 0x%x" % CT_B,
                       "ct direction reply ct mark set ct mark | 0x%x" % CT_A]
        for ptype, pdir in PASSES:
            c["p_" + ptype] = self.pass_chain(ptype, pdir)
        c["x_rdr"] = self.translation_chain("rdr")
        c["x_nat"] = self.translation_chain("nat")
        return c

    def bridge_chains(self):
        pre = ["meta mark set meta mark & 0x%x" % (0xffffffff ^ M_OURS), "meta pkttype host return"]
        fwd = []
        for name, i in sorted(self.idx.items()):
            pre.append('iifname "%s" meta mark set meta mark | 0x%x return' % (lname(name), M_BRIDGED | i << 16))
            fwd.append('oifname "%s" meta mark set meta mark | 0x%x return' % (lname(name), i << 24))
        pre.append("meta mark set meta mark | 0x%x" % M_BRIDGED)
        # if_bridge.c bridge_pfil: with pfil_onlyip=1 a bridge drops what is neither IP nor ARP
        fwd.insert(0, "ether type != { ip, ip6, arp, 0x8035 } drop")
        return {"b_pre": pre, "b_fwd": fwd}


# nft's reject types for pf's return-icmp codes (the ones both can send)
REJECT4 = {0: "net-unreachable", 1: "host-unreachable", 2: "prot-unreachable", 3: "port-unreachable",
           9: "net-prohibited", 10: "host-prohibited", 13: "admin-prohibited"}
REJECT6 = {0: "no-route", 1: "admin-prohibited", 3: "addr-unreachable", 4: "port-unreachable"}


def rate(limit, seconds):
    """max-src-conn-rate LIMIT/SECONDS as an nft rate (the smallest exact unit)."""
    for unit, word in ((1, "second"), (60, "minute"), (3600, "hour"), (86400, "day"), (604800, "week")):
        if limit * unit % seconds == 0:
            return "%d/%s" % (limit * unit // seconds, word)
    return "%d/week" % max(1, limit * 604800 // seconds)


BASE_INET = [("nat_in", "type nat hook prerouting priority -100; policy accept;",
              ["meta mark & 0x%x == 0x%x accept" % (M_BRIDGED, M_BRIDGED), "jump x_rdr"]),
             ("nat_out", "type nat hook postrouting priority 100; policy accept;",
              ["meta mark & 0x%x == 0x%x accept" % (M_BRIDGED, M_BRIDGED), "jump x_nat"]),
             ("filter_in", "type filter hook prerouting priority -90; policy accept;",
              ["meta mark & 0x%x == 0x%x accept" % (M_BRIDGED, M_BRIDGED), "jump p_l3_in"]),
             ("filter_fwd", "type filter hook forward priority 0; policy accept;",
              ["meta mark & 0x%x != 0x%x accept" % (M_BRIDGED, M_BRIDGED), "jump p_mbr_in", "jump p_br_in",
               "jump p_br_out", "jump p_mbr_out"]),
             ("filter_out", "type filter hook postrouting priority 110; policy accept;",
              ["meta mark & 0x%x == 0x%x accept" % (M_BRIDGED, M_BRIDGED), "jump p_l3_out"])]
BASE_BRIDGE = [("br_pre", "type filter hook prerouting priority -300; policy accept;", ["jump b_pre"]),
               ("br_fwd", "type filter hook forward priority -100; policy accept;", ["jump b_fwd"])]


def existing(family):
    """The chains and sets of table FAMILY pf as the kernel has them now."""
    chains, sets = [], []
    for item in nft_json("list", "table", family, "pf"):
        if "chain" in item:
            chains.append(item["chain"]["name"])
        elif "set" in item:
            sets.append(item["set"]["name"])
    return chains, sets


def apply(k):
    """Rebuild tables inet pf and bridge pf from the kernel state in one nft transaction: rules and
    chains are replaced, the sets of tables kept (overload entries survive a reload, as in pf);
    the hooks exist only while pf is enabled (pf_ioctl.c DIOCSTART hooks pf, DIOCSTOP unhooks it)."""
    gen = NftRules(k)
    chains = gen.build()
    lines = ["add table inet pf", "flush table inet pf"]
    old_chains, old_sets = existing("inet")
    lines += ["delete chain inet pf %s" % c for c in old_chains]
    refs = sorted(referenced_tables(k))
    want = {}
    for name in refs:
        tid = k["tables"][name]["id"]
        for fam in (4, 6):
            typ = "ipv4_addr" if fam == 4 else "ipv6_addr"
            want["t%d_%d" % (fam, tid)] = "{ type %s; flags interval; }" % typ
            if name in gen.targets:
                want["o%d_%d" % (fam, tid)] = "{ type %s; flags dynamic, timeout; timeout %ds; }" % (typ, DYN_TIMEOUT)
    for r in rate_rules(k):
        rid = gen.rid[id(r)]
        for fam in (4, 6):
            typ = "ipv4_addr" if fam == 4 else "ipv6_addr"
            want["r%d_%d" % (fam, rid)] = "{ type %s; flags dynamic; }" % typ
            want["c%d_%d" % (fam, rid)] = "{ type %s; flags dynamic; }" % typ
    lines += ["delete set inet pf %s" % s for s in old_sets if s not in want]
    for s, spec in want.items():
        lines.append("add set inet pf %s %s" % (s, spec))
        if s[0] in "rc":
            lines.append("flush set inet pf %s" % s)  # a new rule: new source nodes (pf.c pf_insert_src_node)
    for name in refs:
        t = k["tables"][name]
        if t.pop("flush_dyn", False) and name in gen.targets:
            lines += ["flush set inet pf o%d_%d" % (fam, t["id"]) for fam in (4, 6)]
    lines.append(table_sets_script(k, refs).strip())
    for name, body in chains.items():
        lines.append("add chain inet pf %s" % name)
        lines += ["add rule inet pf %s %s" % (name, rule) for rule in body]
    if k["enabled"]:
        for name, spec, body in BASE_INET:
            lines.append("add chain inet pf %s { %s }" % (name, spec))
            lines += ["add rule inet pf %s %s" % (name, rule) for rule in body]
    lines += ["add table bridge pf", "flush table bridge pf"]
    lines += ["delete chain bridge pf %s" % c for c in existing("bridge")[0]]
    for name, body in gen.bridge_chains().items():
        lines.append("add chain bridge pf %s" % name)
        lines += ["add rule bridge pf %s %s" % (name, rule) for rule in body]
    if k["enabled"]:
        for name, spec, body in BASE_BRIDGE:
            lines.append("add chain bridge pf %s { %s }" % (name, spec))
            lines += ["add rule bridge pf %s %s" % (name, rule) for rule in body]
    nft("\n".join(l for l in lines if l) + "\n")
    if k["enabled"]:
        strict_conntrack()


def strict_conntrack():
    """pf.c pf_test_rule creates a TCP state only from a packet that passes "flags S/SA": Linux
    conntrack must not adopt a connection it first sees mid-stream (boot sets this too, but the
    setting exists only once conntrack is loaded, which the ruleset above may just have done)."""
    try:
        with open("/proc/sys/net/netfilter/nf_conntrack_tcp_loose", "r+") as f:
            if f.read().strip() != "0":
                f.seek(0)
                f.write("0\n")
    except OSError:
        pass


def remove_nft():
    nft("add table inet pf\ndelete table inet pf\nadd table bridge pf\ndelete table bridge pf\n", check=False)


# ---------------------------------------------------------------- states (conntrack)

def conntrack(*args):
    return subprocess.run(["conntrack"] + list(args), capture_output=True, text=True)


def count_states():
    """One pf state per mark bit of a conntrack entry."""
    n = 0
    for bit in (CT_A, CT_B):
        r = conntrack("-L", "-m", "%d/%d" % (bit, bit))
        n += sum(1 for line in r.stdout.splitlines() if line.strip())
    return n


def clear_states():
    """pfctl -F states (pf_ioctl.c DIOCCLRSTATES): the connections lose their states; conntrack
    then meets their next packets mid-stream, which gives no state back."""
    n = count_states()
    for bit in (CT_A, CT_B):
        conntrack("-D", "-m", "%d/%d" % (bit, bit))
    return n


def kill_states(src, dst=None):
    """pfctl -k SRC [-k DST]: the states from SRC (to DST)."""
    args = ["-s", src] + (["-d", dst] if dst else [])
    n = 0
    for bit in (CT_A, CT_B):
        r = conntrack("-L", "-m", "%d/%d" % (bit, bit), *args)
        n += sum(1 for line in r.stdout.splitlines() if line.strip())
    conntrack("-D", *args)
    return n


# ---------------------------------------------------------------- the overload watcher

def watcher_wanted(k):
    return k["enabled"] and any(r["overload_tblname"] and r["flush"] for r in rate_rules(k))


def watcher_alive(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"pfwatch" in f.read()
    except (OSError, ValueError):
        return False


def ensure_watcher(k):
    """Start or stop the process that does pf_overload_task's flush (nft cannot delete conntrack
    entries): it sleeps in recv() on an NFLOG socket, so it costs nothing until a source overloads."""
    pid = k.get("watch", 0)
    alive = bool(pid) and watcher_alive(pid)
    if watcher_wanted(k) and module_loaded() and not alive:
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "pfwatch"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        k["watch"] = p.pid
    elif not (watcher_wanted(k) and module_loaded()) and alive:
        try:
            os.kill(pid, 15)
        except OSError:
            pass
        k["watch"] = 0


def pfwatch(args):
    """freebsd-sim pfwatch: for each overload the packet path logs (NFLOG group NFLOG_GROUP, prefix
    "pfov MODE RID"), kill the source's states as pf.c pf_overload_task does: MODE 2 (flush global)
    every state from or to it, MODE 1 (flush) those of the rule."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
    s.bind((0, 0))

    def config(attr_type, payload):
        nfgen = struct.pack("BBH", 0, 0, socket.htons(NFLOG_GROUP))
        attr = struct.pack("HH", 4 + len(payload), attr_type) + payload
        attr += b"\0" * (-len(attr) % 4)
        body = nfgen + attr
        s.send(struct.pack("IHHII", 16 + len(body), (4 << 8) | 1, 1 | 4, 0, 0) + body)  # ULOG CONFIG
    config(1, struct.pack("B", 1))                # NFULA_CFG_CMD: NFULNL_CFG_CMD_BIND
    config(2, struct.pack(">IB", 128, 2) + b"\0")  # NFULA_CFG_MODE: copy 128 bytes of packet
    while True:
        data = s.recv(65536)
        while len(data) >= 16:
            length, mtype = struct.unpack("IH", data[:6])
            if length < 16:
                break
            msg, data = data[16:length], data[(length + 3) & ~3:]
            if mtype != (4 << 8):  # NFULNL_MSG_PACKET
                continue
            prefix, payload = "", b""
            pos = 4
            while pos + 4 <= len(msg):
                alen, atype = struct.unpack("HH", msg[pos:pos + 4])
                if alen < 4:
                    break
                value = msg[pos + 4:pos + alen]
                if atype & 0x7fff == 10:
                    prefix = value.rstrip(b"\0").decode(errors="replace")
                elif atype & 0x7fff == 9:
                    payload = value
                pos += (alen + 3) & ~3
            words = prefix.split()
            if len(words) < 3 or words[0] != "pfov" or not payload:
                continue
            version = payload[0] >> 4
            addr = socket.inet_ntop(socket.AF_INET, payload[12:16]) if version == 4 else \
                socket.inet_ntop(socket.AF_INET6, payload[8:24])
            fam = "ipv4" if version == 4 else "ipv6"
            if words[1] == "2":
                conntrack("-D", "-f", fam, "-s", addr)
                conntrack("-D", "-f", fam, "-d", addr)
            else:
                conntrack("-D", "-f", fam, "-s", addr, "-m", "%d/%d" % (int(words[2]) << 3, CT_RID))


# ---------------------------------------------------------------- pfctl

SHOW_OPTS = ["ether", "nat", "queue", "rules", "Anchors", "Sources", "states", "info", "Interfaces", "labels",
             "timeouts", "memory", "Tables", "osfp", "Running", "all"]
CLEAR_OPTS = ["nat", "queue", "rules", "Sources", "states", "info", "Tables", "osfp", "all", "ethernet"]
TABLE_CMDS = ["kill", "flush", "add", "delete", "load", "replace", "show", "test", "zero", "expire"]
OPTI_OPTS = ["none", "basic", "profile"]
USAGE = ("usage: pfctl [-AdeghMmNnOPqRrvz] [-a anchor] [-D macro=value] [-F modifier]\n"
         "\t[-f file] [-i interface] [-K host | network]\n"
         "\t[-k host | network | gateway | label | id] [-o level] [-p device]\n"
         "\t[-s modifier] [-t table -T command [address ...]] [-x level]")


def usage():
    die(USAGE)


def lookup_option(cmd, options):
    """pfctl.c pfctl_lookup_option: the first option the argument is a prefix of."""
    if cmd:
        for o in options:
            if o.startswith(cmd):
                return o
    return None


class Pfctl:
    """One run of pfctl(8), in pfctl.c main's order: -d, -s, -F, -k, -T, -f, -e."""

    def __init__(self, args):
        self.o = {"verbose": 0, "quiet": False, "noaction": False, "numeric": False}
        self.show = self.clear = self.table = self.tblcmd = self.rulesfile = self.optimize = None
        self.kill = []
        self.enable = self.disable = False
        self.macros = {}
        opts, rest = sim.getopt("pfctl", args, "a:AdD:eqf:F:ghi:k:K:mMnNOo:Pp:rRs:t:T:vx:z", usage)
        if not args:
            usage()
        for ch, val in opts:
            if ch == "d":
                self.disable = True
            elif ch == "e":
                self.enable = True
            elif ch == "q":
                self.o["quiet"] = True
            elif ch == "n":
                self.o["noaction"] = True
            elif ch == "v":
                self.o["verbose"] += 1
            elif ch == "P":
                self.o["numeric"] = True
            elif ch == "f":
                self.rulesfile = val
            elif ch == "D":
                name, _, value = val.rpartition("=")
                if not _:
                    err("pfctl: could not parse macro definition %s" % val)
                else:
                    self.macros[name] = value
            elif ch == "s":
                self.show = lookup_option(val, SHOW_OPTS)
                if self.show is None:
                    err("pfctl: Unknown show modifier '%s'" % val)
                    usage()
            elif ch == "F":
                self.clear = lookup_option(val, CLEAR_OPTS)
                if self.clear is None:
                    err("pfctl: Unknown flush modifier '%s'" % val)
                    usage()
            elif ch == "t":
                self.table = val
            elif ch == "T":
                self.tblcmd = lookup_option(val, TABLE_CMDS)
                if self.tblcmd is None:
                    err("pfctl: Unknown table command '%s'" % val)
                    usage()
            elif ch == "o":
                self.optimize = lookup_option(val, OPTI_OPTS)
                if self.optimize is None:
                    err("pfctl: Unknown optimization '%s'" % val)
                    usage()
            elif ch == "k":
                if len(self.kill) >= 2:
                    err("pfctl: can only specify -k twice")
                    usage()
                self.kill.append(val)
            elif ch == "p":
                os.environ["UIRIG_SIM_PF_DEVICE"] = val
            elif ch in "aAgiKmMNOrRxz":
                die("pfctl: -%s %s" % (ch, UNSUPPORTED))
        if (self.tblcmd is None) != (self.table is None):
            usage()
        self.addresses = []
        if self.tblcmd is not None:
            self.addresses = rest
            if self.tblcmd == "load":
                die("pfctl: -T load %s" % UNSUPPORTED)
        elif rest:
            err("pfctl: unknown command line argument: %s ..." % rest[0])
            usage()
        if self.optimize == "profile":
            die("pfctl: -o profile %s" % UNSUPPORTED)

    def run(self):
        o = self.o
        if not o["noaction"]:
            if not module_loaded():
                # pfctl.c main: dev = open(pf_device, mode); if (dev == -1) err(1, "%s", pf_device)
                die("pfctl: /dev/pf: No such file or directory")
            if o["verbose"]:
                # pfctl_test_altqsupport: GENERIC has no ALTQ
                err("No ALTQ support in kernel\nALTQ related functions disabled")
        else:
            o["dummy"] = module_loaded()
            self.enable = self.disable = False
            self.clear = self.show = None
        if self.read_only():
            self.k = read_kernel()  # no lock, no write: the probes run these all the time
            return self.steps()
        with kernel_state() as st:
            self.k = st.data
            try:
                return self.steps()
            except Exit as e:
                code = e.code  # what pfctl did before it failed stays done
        raise Exit(code)

    def read_only(self):
        return not (self.enable or self.disable or self.clear or self.kill or self.rulesfile is not None) and \
            self.tblcmd in (None, "show", "test")

    def steps(self):
        k, o = self.k, self.o
        status = 0
        if self.disable:
            if not k["enabled"]:
                die("pfctl: pf not enabled")  # pfctl.c pfctl_disable: ENOENT
            k["enabled"] = False
            self.commit()
            if not o["quiet"]:
                err("pf disabled")
        if self.show:
            status = self.do_show() or status
        if self.clear:
            self.do_clear()
        if self.kill:
            n = kill_states(*self.kill)
            if not o["quiet"]:
                err("killed %d states from %d sources and %d destinations" % (n, 1, 1 if len(self.kill) > 1 else 0))
        if self.tblcmd:
            status = self.do_table()
            # pfctl.c main: -f names the table command's address file, not rules to load
            # (rulesopt = NULL after pfctl_command_tables).
            self.rulesfile = None
        if self.rulesfile is not None:
            if self.load_rules():
                status = 1
        if self.enable:
            if k["enabled"]:
                die("pfctl: pf already enabled")  # pfctl.c pfctl_enable: EEXIST
            k["enabled"] = True
            if not set_bridge_sysctls():
                # not FreeBSD's: the simulation cannot honour the ruleset on this kernel, say so
                err("freebsd-sim: br_netfilter is not loaded: bridged frames pass unfiltered")
            self.commit()
            if not o["quiet"]:
                err("pf enabled")
        return status

    def commit(self):
        try:
            apply(self.k)
        except RuntimeError as e:
            die("pfctl: the simulated pf could not load its nftables ruleset: %s" % e)
        ensure_watcher(self.k)

    # -- -s
    def do_show(self):
        k, o = self.k, self.o
        what = self.show
        if what == "Running":
            sys.stdout.write("Enabled\n" if k["enabled"] else "Disabled\n")
            return 0 if k["enabled"] else 1  # pfctl.c pfctl_show_running: return (!running)
        if what in ("rules", "nat"):
            if o["verbose"]:
                die("pfctl: -s %s -v %s" % (what, UNSUPPORTED))
            sets = ("scrub", "filter") if what == "rules" else ("nat", "rdr", "binat")
            for rs in sets:
                for r in k["rules"][rs]:
                    sys.stdout.write(rule_str(r, False, o["numeric"]) + "\n")
            return 0
        if what == "Tables":
            if o["verbose"] > 1:
                die("pfctl: -s Tables -vv %s" % UNSUPPORTED)
            refs = referenced_tables(k)
            for name in sorted(k["tables"]):
                t = k["tables"][name]
                if not t["active"]:
                    continue
                if o["verbose"]:
                    flags = "%s%sa-%s-%s" % ("c" if "const" in t["flags"] else "-", "p" if "persist" in t["flags"] else "-",
                                             "r" if name in refs else "-", "C" if "counters" in t["flags"] else "-")
                    sys.stdout.write("%s\t%s\n" % (flags, name))
                else:
                    sys.stdout.write(name + "\n")
            return 0
        if what in ("ether", "Anchors"):
            return 0  # neither ether rules nor anchors can be loaded here
        die("pfctl: -s %s %s" % (what, UNSUPPORTED))

    # -- -F
    def do_clear(self):
        k, what, quiet = self.k, self.clear, self.o["quiet"]
        say = (lambda m: None) if quiet else err
        if what in ("rules", "Tables", "all"):
            keep_overloaded(k, int(time.time()))
        if what in ("rules", "all"):
            if what == "all":
                say("Ethernet rules cleared")
            k["rules"]["scrub"], k["rules"]["filter"] = [], []
            say("rules cleared")
        if what in ("nat", "all"):
            k["rules"]["nat"], k["rules"]["rdr"], k["rules"]["binat"] = [], [], []
            say("nat cleared")
        if what == "ethernet":
            say("Ethernet rules cleared")
        if what in ("Tables", "all"):
            n = 0
            for t in k["tables"].values():
                if t["active"]:
                    t["active"] = False
                    n += 1
            say("%d tables deleted." % n)
        if what in ("rules", "nat", "Tables", "all"):
            settle_tables(k)
            self.commit()
        if what in ("states", "all"):
            say("%d states cleared" % clear_states())
        if what in ("Sources", "all"):
            say("source tracking entries cleared")
        if what in ("info", "all"):
            say("pf: statistics cleared")
        if what == "all":
            say("pf: interface flags reset")
            k["skip"] = []
            self.commit()
        # -F queue: no ALTQ (pfctl_clear_altq returns at once); -F osfp prints nothing

    # -- -f
    def load_rules(self):
        """pfctl.c pfctl_rules."""
        o, k = self.o, self.k
        opts = set()
        if o["verbose"]:
            opts.add("v")
        if o["noaction"]:
            opts.add("n")
        conf = parse_config(self.rulesfile, opts, self.optimize, self.macros)
        out = sys.stdout
        for line in conf.verbose_out:
            out.write(line + "\n")
        if conf.errors:
            for line in conf.errlines:
                err(line)
            if not o["noaction"]:
                err("pfctl: Syntax error in config file: pf rules not loaded")
            raise Exit(1)
        for line in conf.errlines:
            err(line)
        if o["verbose"]:
            for line in loaded_lines(conf, o["verbose"] > 1, o["numeric"]):
                out.write(line + "\n")
        if o["noaction"]:
            return 0
        now = int(time.time())
        keep_overloaded(k, now)
        commit_tables(k, conf, now)
        for rs in RULESETS:
            k["rules"][rs] = conf.rules[rs]
        k["skip"] = conf.skip or []
        settle_tables(k)
        self.commit()
        return 0

    # -- -t -T
    def do_table(self):
        return table_command(self.k, self.table, self.tblcmd, self.addresses, self.rulesfile, self.o, self)


def set_bridge_sysctls():
    """Linux hands bridged IP packets to the inet hooks only with br_netfilter's switches on.
    False when br_netfilter is missing (then bridged frames cannot be filtered)."""
    ok = True
    for name in ("bridge-nf-call-iptables", "bridge-nf-call-ip6tables"):
        try:
            with open("/proc/sys/net/bridge/" + name, "w") as f:
                f.write("1\n")
        except OSError:
            ok = ok and os.path.exists("/proc/sys/net/bridge/" + name)
    return ok


# ---------------------------------------------------------------- pfctl -t TABLE -T COMMAND (pfctl_table.c)

FB = {"none": " ", "match": "M", "added": "A", "deleted": "D", "changed": "C", "cleared": "Z", "duplicate": "X",
      "conflict": "Y"}


def xprintf(o, message):
    """pfctl_table.c xprintf: counts go to stderr."""
    if o["quiet"]:
        return
    if o["noaction"]:
        err(message + (" (dummy)." if o.get("dummy") else " (syntax only)."))
    else:
        err(message + ".")


def addrx(key, neg, fb):
    """pfctl_table.c print_addrx: feedback, space, '!' or space, the address."""
    return "%s %s%s" % (FB[fb], "!" if neg else " ", key)


def read_addresses(ifs, args, path, nonetwork):
    """pfctl_table.c load_addr: the command line's addresses, then the file's (pfr_buf_load)."""
    entries = []
    for a in args:
        try:
            got = load_addresses(ifs, [a])
        except HostError:
            return None
        if nonetwork and any(e["not"] or e["net"] != (32 if e["af"] == 4 else 128) for e in got):
            err("pfctl: cannot decode %s: Invalid argument" % a)
            return None
        entries += got
    if path is not None:
        try:
            text = sys.stdin.read() if path == "-" else open(path).read()
        except OSError as e:
            err("pfctl: cannot load %s: %s" % (path, e.strerror))
            return None
        try:
            entries += load_addresses(ifs, file_tokens(text))
        except HostError:
            err("pfctl: cannot load %s: Invalid argument" % path)
            return None
    return entries


def table_view(k, name, now):
    """The table's entries: pfctl's record plus what the packet path added (overload)."""
    t = k["tables"][name]
    view = dict(t["entries"])
    if name in overload_targets(k):
        for key, v in overloaded_entries(t, now).items():
            view.setdefault(key, v)
    return view


def absorb_overloaded(k, name, now):
    """Move the packet path's entries into pfctl's record (before pfctl changes the table)."""
    t = k["tables"][name]
    if name not in overload_targets(k) or not t.get("id"):
        return []
    got = overloaded_entries(t, now)
    lines = []
    for key in got:
        fam = 6 if ":" in key else 4
        lines.append("delete element inet pf o%d_%d { %s }" % (fam, t["id"], key))
        t["entries"].setdefault(key, got[key])
    return lines


def sync_table(k, name, extra=()):
    t = k["tables"].get(name)
    if t and t.get("id") and name in referenced_tables(k):
        nft("\n".join(list(extra)) + "\n" + table_sets_script(k, [name]), check=False)


def table_command(k, name, cmd, args, path, o, pfctl):
    """pfctl_table.c pfctl_table. Returns the exit status (-1, i.e. 255, on a kernel error)."""
    if len(name) >= PF_TABLE_NAME_SIZE:
        usage()
    ifs = Interfaces()
    now = int(time.time())
    doit = not o["noaction"] or o.get("dummy")
    change = not o["noaction"]
    verbose = o["verbose"]
    t = k["tables"].get(name)
    exists = bool(t and t["active"])

    def fail(message):
        err("pfctl: %s." % message)  # radix_perror: pfr_strerror(errno)
        return -1
    if cmd == "kill":
        if args or path is not None:
            usage()
        n = 1 if exists and doit else 0
        if n and change:
            t["active"] = False
            settle_tables(k)
            sync_table(k, name)
        xprintf(o, "%d table deleted" % n)
        return 0
    if cmd in ("flush", "show", "expire") and (path is not None or (args and cmd != "expire")):
        usage()
    if cmd == "expire":
        if len(args) != 1 or path is not None:
            usage()
        try:
            lifetime = int(args[0]) if re.fullmatch(r"-?\d+", args[0]) else None
        except ValueError:
            lifetime = None
        if lifetime is None:
            die("pfctl: expiry time: invalid")
        if lifetime < 0:
            die("pfctl: expiry time: too small")
        if lifetime > 0xffffffff:
            die("pfctl: expiry time: too large")
    entries = []
    if cmd in ("add", "delete", "replace", "test") or (cmd == "zero" and (args or path is not None)):
        entries = read_addresses(ifs, args, path, cmd == "test")
        if entries is None:
            return -1
    if cmd in ("add", "replace"):
        if not exists:
            # CREATE_TABLE: pfr_add_tables with PFR_TFLAG_PERSIST
            if doit:
                if change:
                    t = k["tables"].setdefault(name, {"flags": [], "active": False, "entries": {}, "id": 0})
                    t["active"] = True
                    if "persist" not in t["flags"]:
                        t["flags"].append("persist")
                    settle_tables(k)
                xprintf(o, "1 table created")
            if o["noaction"]:
                return 0
            exists = True
    if not doit:
        view = {}
    elif not exists:
        return fail("Table does not exist")
    else:
        view = table_view(k, name, now)
    const = doit and exists and "const" in t["flags"]
    extra = []
    if cmd == "show":
        for key, (neg, tzero) in sorted(view.items(), key=entry_order):
            sys.stdout.write(addrx(key, neg, "none") + "\n")
            if verbose:
                sys.stdout.write("\tCleared:     %s\n" % time.ctime(tzero))
        return 0
    if cmd == "test":
        nmatch, shown = 0, []
        for e in entries:
            if table_match(view, e):
                nmatch += 1
                shown.append(e)
        xprintf(o, "%d/%d addresses match" % (nmatch, len(entries)))
        if verbose:
            for e in shown:
                sys.stdout.write(addrx(entry_key(e), e["not"], "match") + "\n")
        return 2 if nmatch < len(entries) else 0
    if const and cmd in ("flush", "add", "delete", "replace", "expire"):
        return fail("Operation not permitted")
    if doit and change:
        extra = absorb_overloaded(k, name, now)
        view = t["entries"]
    fb = []
    if cmd == "flush":
        n = len(view)
        if change:
            view.clear()
        xprintf(o, "%d addresses deleted" % n)
    elif cmd == "add":
        seen, nadd = set(), 0
        for e in entries:
            key = entry_key(e)
            p = view.get(key)
            if key in seen:
                fb.append((key, e["not"], "duplicate"))
            elif p is None:
                fb.append((key, e["not"], "added"))
                nadd += 1
                if change:
                    view[key] = [e["not"], now]
            elif p[0] != e["not"]:
                fb.append((key, e["not"], "conflict"))
            else:
                fb.append((key, e["not"], "none"))
            seen.add(key)
        xprintf(o, "%d/%d addresses added" % (nadd, len(entries)))
    elif cmd == "delete":
        gone, ndel = set(), 0
        for e in entries:
            key = entry_key(e)
            p = view.get(key)
            if p is None:
                fb.append((key, e["not"], "none"))
            elif p[0] != e["not"]:
                fb.append((key, e["not"], "conflict"))
            elif key in gone:
                fb.append((key, e["not"], "duplicate"))
            else:
                fb.append((key, e["not"], "deleted"))
                gone.add(key)
                ndel += 1
        if change:
            for key in gone:
                del view[key]
        xprintf(o, "%d/%d addresses deleted" % (ndel, len(entries)))
    elif cmd == "replace":
        new, nadd, nchange = {}, 0, 0
        for e in entries:
            key = entry_key(e)
            if key in new:
                fb.append((key, e["not"], "duplicate"))
                continue
            p = view.get(key)
            if p is None:
                fb.append((key, e["not"], "added"))
                nadd += 1
                new[key] = [e["not"], now]
            elif p[0] != e["not"]:
                fb.append((key, e["not"], "changed"))
                nchange += 1
                new[key] = [e["not"], now]
            else:
                fb.append((key, e["not"], "none"))
                new[key] = p
        ndel = len([key for key in view if key not in new])
        fb += [(key, v[0], "deleted") for key, v in view.items() if key not in new]
        if change:
            view.clear()
            view.update(new)
        if nadd:
            xprintf(o, "%d addresses added" % nadd)
        if ndel:
            xprintf(o, "%d addresses deleted" % ndel)
        if nchange:
            xprintf(o, "%d addresses changed" % nchange)
        if not nadd and not ndel and not nchange:
            xprintf(o, "no changes")
    elif cmd == "expire":
        old = [(key, v) for key, v in sorted(view.items(), key=entry_order) if now - v[1] > lifetime]
        if change:
            for key, _ in old:
                del view[key]
        fb = [(key, v[0], "deleted") for key, v in old]
        xprintf(o, "%d/%d addresses expired" % (len(old), len(old)))
    elif cmd == "zero":
        if args or path is not None:
            n = 0
            for e in entries:
                key = entry_key(e)
                if key in view:
                    n += 1
                    fb.append((key, e["not"], "cleared"))
                    if change:
                        view[key][1] = now
                else:
                    fb.append((key, e["not"], "none"))
            xprintf(o, "%d/%d addresses cleared" % (n, len(entries)))
        else:
            if change:
                for v in view.values():
                    v[1] = now
            xprintf(o, "1 table/stats cleared")
    if verbose:
        for key, neg, f in fb:
            if verbose > 1 or f != "none":
                sys.stdout.write(addrx(key, neg, f) + "\n")
    if change:
        sync_table(k, name, extra)
    return 0


def table_match(view, e):
    """pf_table.c pfr_match_addr: the most specific entry containing the address, not negated."""
    best = None
    for key, (neg, _) in view.items():
        x = entry_from_key(key)
        if x["af"] != e["af"] or masked(e["addr"], x["net"], e["af"]) != x["addr"]:
            continue
        if best is None or x["net"] > best[0]:
            best = (x["net"], neg)
    return best is not None and not best[1]


def cmd_pfctl(args):
    """pfctl(8): sbin/pfctl/pfctl.c main."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a C program's default: "pfctl -sr | head" ends quietly
    try:
        p = Pfctl(args)
        status = p.run()
    except Exit as e:
        return e.code
    return 255 if status == -1 else status


# ---------------------------------------------------------------- kldload, kldunload, kldstat

KNOWN_MODULES = ("pf", "pflog", "pfsync", "if_bridge", "bridgestp", "if_epair", "if_lagg", "if_vlan")


def kld_state():
    return sim.State("kld", {"next": 2, "files": []})


def module_name(arg):
    base = os.path.basename(arg)
    return base[:-3] if base.endswith(".ko") else base


def loaded_files():
    files = sim.read_state("kld", {"next": 2, "files": []})["files"]
    if module_loaded() and not any(f["name"] == "pf.ko" for f in files):
        files.append({"id": 2, "name": "pf.ko"})  # /dev/pf made some other way
    return [f for f in files if f["name"] != "pf.ko" or module_loaded()]


def cmd_kldload(args):
    """sbin/kldload/kldload.c: silent on success; -n: no error if already loaded; -v: Loaded NAME, id=N."""
    opts, rest = getopt_simple(args, "nqv", "usage: kldload [-nqv] file ...")
    if not rest:
        die("usage: kldload [-nqv] file ...")
    errors = 0
    for arg in rest:
        name = module_name(arg)
        if sim.JAIL:
            err("kldload: can't load %s: Operation not permitted" % arg)
            errors += 1
            continue
        if name not in KNOWN_MODULES:
            err("kldload: can't load %s: No such file or directory" % arg)
            errors += 1
            continue
        with kld_state() as st:
            files = [f for f in st.data["files"] if f["name"] != "pf.ko" or module_loaded()]
            st.data["files"] = files
            present = any(f["name"] == name + ".ko" for f in files) or (name == "pf" and module_loaded())
            if present:
                if "n" in opts:
                    if "v" in opts:
                        sys.stdout.write("%s is already loaded\n" % arg)
                    continue
                err("kldload: can't load %s: module already loaded or in kernel" % arg)
                errors += 1
                continue
            fid = st.data["next"]
            st.data["next"] = fid + 1
            files.append({"id": fid, "name": name + ".ko"})
            if name == "pf":
                load_pf()
        if "v" in opts:
            sys.stdout.write("Loaded %s, id=%d\n" % (arg, fid))
    return 1 if errors else 0


def load_pf():
    """pf_ioctl.c pf_load: /dev/pf appears; pf is disabled, with no rules."""
    dev = pf_device()
    os.makedirs(os.path.dirname(dev), exist_ok=True)
    with open(dev, "w"):
        pass
    set_bridge_sysctls()
    with kernel_state() as st:
        st.data.clear()
        st.data.update(empty_kernel())
    remove_nft()


def cmd_kldunload(args):
    """sbin/kldunload/kldunload.c: unloading pf drops its rules, tables and states (pf_unload)."""
    opts, rest = getopt_simple(args, "finv", "usage: kldunload [-fv] -i id ...\n       kldunload [-fv] [-n] name ...")
    if not rest:
        die("usage: kldunload [-fv] -i id ...\n       kldunload [-fv] [-n] name ...")
    for arg in rest:
        with kld_state() as st:
            files = [f for f in st.data["files"] if f["name"] != "pf.ko" or module_loaded()]
            if "i" in opts:
                found = [f for f in files if str(f["id"]) == arg]
            else:
                found = [f for f in files if f["name"] in (arg, arg + ".ko")]
            if not found:
                die("kldunload: can't find file %s" % arg)
            f = found[0]
            if "v" in opts:
                sys.stdout.write("Unloading %s, id=%d\n" % (f["name"], f["id"]))
            st.data["files"] = [x for x in files if x is not f]
            if f["name"] == "pf.ko":
                unload_pf()
    return 0


def unload_pf():
    with kernel_state() as st:
        k = st.data
        k["enabled"] = False
        ensure_watcher(dict(k, enabled=False))
        st.data.clear()
        st.data.update(empty_kernel())
    remove_nft()
    clear_states()
    try:
        os.remove(pf_device())
    except FileNotFoundError:
        pass


def cmd_kldstat(args):
    """sbin/kldstat/kldstat.c: -m NAME finds a module (-q: only the exit status), -n NAME a file."""
    opts, rest = getopt_simple(args, "i:m:n:qv", "usage: kldstat [-v] [-i id] [-n filename]\n       kldstat [-q] [-m modname]")
    if rest:
        die("usage: kldstat [-v] [-i id] [-n filename]\n       kldstat [-q] [-m modname]")
    files = loaded_files()
    if "m" in opts:
        name = opts["m"]
        f = [x for x in files if x["name"] == name + ".ko"]
        if not f:
            if "q" not in opts:
                err("kldstat: can't find module %s: No such file or directory" % name)
            return 1
        if "q" in opts:
            return 0
        sys.stdout.write("Id  Refs Name\n%3d %4d %s\n" % (500 + f[0]["id"], 1, name))
        return 0
    if "v" in opts:
        die("kldstat: -v %s" % UNSUPPORTED)
    show = [{"id": 1, "name": "kernel"}] + files
    if "n" in opts:
        show = [x for x in show if x["name"] in (opts["n"], opts["n"] + ".ko")]
        if not show:
            die("kldstat: can't find file %s: No such file or directory" % opts["n"])
    if "i" in opts:
        show = [x for x in show if str(x["id"]) == opts["i"]]
        if not show:
            die("kldstat: can't stat file id %s: No such file or directory" % opts["i"])
    sys.stdout.write("Id Refs Address                Size Name\n")
    for x in show:
        kernel = x["id"] == 1
        sys.stdout.write("%2d %4d 0x%016x %8x %s\n" % (x["id"], len(files) + 1 if kernel else 1,
                                                      0xffffffff80200000 if kernel else 0xffffffff82000000 + x["id"] * 0x100000,
                                                      0x1f3e2d0 if kernel else 0x5b8c8, x["name"]))
    return 0


def getopt_simple(args, spec, usage_text):
    opts, rest, i = {}, [], 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        word = args[i]
        i += 1
        j = 1
        while j < len(word):
            ch = word[j]
            pos = spec.find(ch)
            if pos < 0 or ch == ":":
                err("%s: illegal option -- %s" % (usage_text.split()[1], ch))
                die(usage_text)
            if pos + 1 < len(spec) and spec[pos + 1] == ":":
                value = word[j + 1:] or (args[i] if i < len(args) else None)
                if not word[j + 1:]:
                    i += 1
                if value is None:
                    die(usage_text)
                opts[ch] = value
                break
            opts[ch] = True
            j += 1
    return opts, args[i:]


def cmd_kld(name, args):
    """kldload(8), kldunload(8), kldstat(8): sbin/kldload/kldload.c, sbin/kldunload/kldunload.c,
    sbin/kldstat/kldstat.c main."""
    try:
        return {"kldload": cmd_kldload, "kldunload": cmd_kldunload, "kldstat": cmd_kldstat}[name](args)
    except Exit as e:
        return e.code
