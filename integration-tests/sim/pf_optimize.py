"""pfctl's basic ruleset optimizer: sbin/pfctl/pfctl_optimize.c (pfctl_optimize_ruleset's
superblocks, remove_identical_rules, exclude_supersets, combine_rules, reorder_rules and its skip
steps).
"""
import json

from pf_lex import PFRULE_RULESRCTRACK, PF_OP_NONE
from pf_addr import masked


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
