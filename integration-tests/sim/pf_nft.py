"""The kernel's pf on Linux: the loaded ruleset (pf_kernel.py) as nftables, table inet pf and table
bridge pf, rebuilt in one nft transaction as sys/netpfil/pf/pf_ioctl.c DIOCXCOMMIT replaces a
ruleset; pf tables as nft interval sets (pf_table.c pfr_match_addr); pf.c pf_test and pf_test_rule
(states, quick and last match, pf_return, pf_src_connlimit), pf_lb.c pf_get_translation, and
sys/net/if_bridge.c bridge_pfil's four passes over a bridged frame.

nft(), nft_json(), strict_conntrack() and set_bridge_sysctls() reach the host: other modules call
them through this one (pf_nft.nft(...)), so that a test's replacement reaches every caller.
"""
import json
import os
import subprocess
import time

import freebsd_sim as sim
from pf_lex import (
    ICMP6, PFRULE_RETURN, PFRULE_RETURNICMP, PFRULE_RETURNRST, PF_FLUSH_GLOBAL, PF_OP_EQ, PF_OP_GE, PF_OP_GT,
    PF_OP_IRG, PF_OP_LE, PF_OP_LT, PF_OP_NE, PF_OP_NONE, PF_OP_RRG, PF_OP_XRG, TCP)
from pf_addr import addr_text, entry_from_key, entry_key, v4, v6
from pf_kernel import (
    CT_A, CT_B, CT_COUNTED, CT_RID, NFLOG_GROUP, overload_targets, rate_rules, referenced_tables)


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
PASSES = (("l3_in", "in"), ("l3_out", "out"), ("mbr_in", "in"), ("br_in", "in"), ("br_out", "out"),
          ("mbr_out", "out"))
NFT_TCPFLAGS = ["fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"]  # in pf_lex.TCPFLAGS' order


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
