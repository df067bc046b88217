"""pfctl(8): sbin/pfctl/pfctl.c main (its options, and the order it acts in: -d, -s, -F, -k, -T, -f,
-e; pfctl_rules, pfctl_show_running, pfctl_clear_*, pfctl_enable, pfctl_disable), and pfctl -t
TABLE -T COMMAND: sbin/pfctl/pfctl_table.c (pfctl_table, xprintf, print_addrx, load_addr,
radix_perror).
"""
import os
import re
import signal
import sys
import time

import freebsd_sim as sim
import pf_kernel
import pf_nft
from pf_lex import Exit, PF_TABLE_NAME_SIZE, UNSUPPORTED, die, err
from pf_addr import (
    HostError, Interfaces, entry_from_key, entry_key, entry_order, file_tokens, load_addresses, masked)
from pf_print import rule_str
from pf_parse import RULESETS, loaded_lines, parse_config
from pf_kernel import (
    clear_states, commit_tables, kernel_state, kill_states, module_loaded, overload_targets, read_kernel,
    referenced_tables, settle_tables)
from pf_nft import apply, keep_overloaded, overloaded_entries, table_sets_script


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
            if not pf_nft.set_bridge_sysctls():
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
        pf_kernel.ensure_watcher(self.k)

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
        pf_nft.nft("\n".join(list(extra)) + "\n" + table_sets_script(k, [name]), check=False)


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
