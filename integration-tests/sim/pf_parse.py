"""pf.conf's grammar: sbin/pfctl/parse.y (its rules, expand_rule, rule_consistent,
filter_consistent, rdr_consistent, check_rulestate, process_tabledef, decide_address_family,
map_tos, yyerror and yacc's error recovery), with pfctl_parser.c check_netmask and pfctl_radix.c
pfr_buf_load; and the part of sbin/pfctl/pfctl.c pfctl_rules before the kernel: parse_config, the
basic optimizer (pf_optimize.py), what -v prints of the rules it loads.

What the nftables translation cannot honour fails the load here, in pfctl's FILE:LINE: form.
"""
import json
import os
import sys

from pf_lex import (
    ICMP, ICMP6, ICMP6_CODES, ICMP6_TYPES, ICMP_CODES, ICMP_TYPES, IFNAMSIZ, Lexer, PFI_AFLAG_BROADCAST,
    PFI_AFLAG_NETWORK, PFI_AFLAG_NOALIAS, PFI_AFLAG_PEER, PFRULE_DROP, PFRULE_FRAGMENT_NOREASS, PFRULE_NODF,
    PFRULE_NOSYNC, PFRULE_RANDOMID, PFRULE_REASSEMBLE_TCP, PFRULE_RETURN, PFRULE_RETURNICMP,
    PFRULE_RETURNRST, PFRULE_RULESRCTRACK, PFRULE_SET_TOS, PFRULE_SRCTRACK, PFTM_NAMES, PF_FLUSH,
    PF_FLUSH_GLOBAL, PF_NAT_PROXY_PORT_HIGH, PF_NAT_PROXY_PORT_LOW, PF_OP_EQ, PF_OP_GE, PF_OP_GT, PF_OP_IRG,
    PF_OP_LE, PF_OP_LT, PF_OP_NE, PF_OP_NONE, PF_OP_RRG, PF_POOL_BITMASK, PF_POOL_NONE, PF_POOL_RANDOM,
    PF_POOL_ROUNDROBIN, PF_POOL_SRCHASH, PF_POOL_STICKYADDR, PF_TABLE_NAME_SIZE, PF_THRESHOLD_MAX,
    RETURN_ICMP6_DEFAULT, RETURN_ICMP_DEFAULT, Source, TCP, UDP, UNSUPPORTED, parse_flags, protocols,
    services)
from pf_addr import HostError, Interfaces, file_tokens, host, load_addresses, node, table_entry
from pf_print import rule_str, tabledef_text
from pf_optimize import Unmodelled, optimize


# ---------------------------------------------------------------- parser (parse.y)

class Syntax(Exception):
    """A token the grammar does not allow: yacc's "syntax error"."""


class Semantic(Exception):
    """YYERROR from an action: its message is already printed."""


RS_NONE, RS_OPTION, RS_ETHER, RS_SCRUB, RS_QUEUE, RS_NAT, RS_FILTER = range(7)

# parse.y map_tos (names compared without case).
TOS_NAMES = {"af11": 0x28, "af12": 0x30, "af13": 0x38, "af21": 0x48, "af22": 0x50, "af23": 0x58, "af31": 0x68,
             "af32": 0x70, "af33": 0x78, "af41": 0x88, "af42": 0x90, "af43": 0x98, "critical": 0xa0, "cs0": 0,
             "cs1": 0x20, "cs2": 0x40, "cs3": 0x60, "cs4": 0x80, "cs5": 0xa0, "cs6": 0xc0, "cs7": 0xe0,
             "ef": 0xb8, "inetcontrol": 0xc0, "lowdelay": 0x10, "netcontrol": 0xe0, "reliability": 0x04,
             "throughput": 0x08, "va": 0xb0}


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
