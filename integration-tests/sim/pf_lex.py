"""What the rest of the simulated pf stands on: pfctl's err(3)/errx(3), FreeBSD's databases,
pfvar.h's constants, and pf.conf's lexer.

- FreeBSD's /etc/services and /etc/protocols (freebsd-services and freebsd-protocols beside this
  file) as getservbyname(3), getservbyport(3) and getprotobynumber(3) find their entries.
- sbin/pfctl/pfctl_parser.c's tables: icmp_type[], icmp6_type[], icmp_code[], icmp6_code[],
  tcpflags with parse_flags, pf_timeouts[]; sys/net/pfvar.h's PF_OP_*, PFRULE_*, PF_POOL_*,
  PFI_AFLAG_*.
- sbin/pfctl/parse.y's lexer: lookup() (the keywords), yylex, lgetc, lungetc, findeol, popfile,
  allowed_in_string.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- how pfctl and kld* end

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


# The end of the message for what the simulation cannot honour (a load or a command then fails).
UNSUPPORTED = "is not supported by the simulated pf"


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
