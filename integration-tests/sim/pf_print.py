"""How pfctl prints rules and tables: sbin/pfctl/pfctl_parser.c print_rule, print_fromto,
print_port, print_op, print_pool and print_tabledef, and sbin/pfctl/pf_print_state.c print_addr.
"""

from pf_lex import (
    PFI_AFLAG_BROADCAST, PFI_AFLAG_NETWORK, PFI_AFLAG_NOALIAS, PFI_AFLAG_PEER, PFRULE_FRAGMENT,
    PFRULE_FRAGMENT_NOREASS, PFRULE_NODF, PFRULE_NOSYNC, PFRULE_RANDOMID, PFRULE_REASSEMBLE_TCP,
    PFRULE_RETURN, PFRULE_RETURNICMP, PFRULE_RETURNRST, PFRULE_RULESRCTRACK, PFRULE_SET_TOS, PFRULE_SRCTRACK,
    PFTM_NAMES, PF_FLUSH_GLOBAL, PF_NAT_PROXY_PORT_HIGH, PF_NAT_PROXY_PORT_LOW, PF_OP_EQ, PF_OP_GE, PF_OP_GT,
    PF_OP_IRG, PF_OP_LE, PF_OP_LT, PF_OP_NE, PF_OP_RRG, PF_OP_XRG, PF_POOL_BITMASK, PF_POOL_RANDOM,
    PF_POOL_ROUNDROBIN, PF_POOL_SRCHASH, PF_POOL_STICKYADDR, TCP, flags_text, icmp_code_name, icmp_type_name,
    proto_name, services)
from pf_addr import addr_text


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
