"""The kernel's pf as the simulation keeps it.

- The pf module is /dev/pf (sbin/pfctl/pfctl.c pf_device): loaded while the file exists.
- The loaded ruleset and tables (sys/netpfil/pf/pf_ioctl.c, pf_table.c), bookkept in
  /var/run/uirig-sim/pf.json: which tables are referenced, active and persistent, and their
  entries with insertion times. pf_nft.py makes nftables of it.
- pf's states (sys/netpfil/pf/pf.c): Linux conntrack entries with mark bits (pf_nft.py's chains
  set them), and what pfctl -F states and -k do to them (pf_ioctl.c DIOCCLRSTATES, DIOCKILLSTATES).
- pf.c pf_overload_task: the watcher process (freebsd-sim pfwatch) that kills the states of a
  source that overloaded.

conntrack() and ensure_watcher() reach the host: other modules call them through this one
(pf_kernel.ensure_watcher(...)), so that a test's replacement reaches every caller.
"""
import os
import socket
import struct
import subprocess
import sys

import freebsd_sim as sim
from pf_lex import HERE
from pf_addr import entry_key
from pf_parse import RULESETS


# ---------------------------------------------------------------- the module

def pf_device():
    """pfctl.c: pf_device = "/dev/pf" (a jail sees its own /dev, which devfs ruleset 4 hides pf from)."""
    return os.environ.get("UIRIG_SIM_PF_DEVICE") or sim.in_root("/dev/pf")


def module_loaded():
    return os.path.exists(pf_device())


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


# ---------------------------------------------------------------- states (conntrack)

# A pf state is a conntrack entry whose ct mark pf_nft.py's chains set: CT_A and CT_B a state per
# direction (pf_nft.py explains them), CT_COUNTED once pf_src_connlimit counted the connection,
# CT_RID the number of its rule among rate_rules. NFLOG_GROUP takes overloads to pfwatch.
CT_A, CT_B, CT_COUNTED, CT_RID = 0x1, 0x2, 0x4, 0xf8
NFLOG_GROUP = 28784


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
