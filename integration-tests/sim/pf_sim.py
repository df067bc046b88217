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

The modules, each importing only those above it:
  pf_lex.py       err(3), FreeBSD's databases, pfvar.h's constants, parse.y's lexer
  pf_addr.py      addresses: pfctl_parser.c host(), the interface table, table entries
  pf_print.py     pfctl_parser.c print_rule and print_tabledef, pf_print_state.c print_addr
  pf_optimize.py  pfctl_optimize.c
  pf_parse.py     parse.y's grammar, and pfctl_rules up to the kernel (parse_config)
  pf_kernel.py    /dev/pf, the kernel's rulesets and tables (pf_ioctl.c, pf_table.c), states
                  (conntrack), the overload task (pf.c pf_overload_task, freebsd-sim pfwatch)
  pf_nft.py       the kernel's rulesets and tables as nftables
  pfctl_sim.py    pfctl.c main and pfctl_table.c
  pf_sim.py       this file: kldload, kldunload, kldstat, and the entry points freebsd_sim.py
                  calls (cmd_pfctl, cmd_kld, pfwatch)
"""
import os
import sys

import freebsd_sim as sim
import pf_kernel
import pf_nft
from pf_lex import Exit, UNSUPPORTED, die, err
from pf_kernel import clear_states, empty_kernel, kernel_state, module_loaded, pf_device
from pf_nft import remove_nft
# The entry points freebsd_sim.py calls besides cmd_kld (cmd_pfctl, cmd_pfwatch).
from pfctl_sim import cmd_pfctl  # noqa: F401
from pf_kernel import pfwatch  # noqa: F401

# What importing this file loads (freebsd_sim.py's server has them all before it forks).
MODULES = ("pf_lex", "pf_addr", "pf_print", "pf_optimize", "pf_parse", "pf_kernel", "pf_nft", "pfctl_sim",
           "pf_sim")


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
    pf_nft.set_bridge_sysctls()
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
        pf_kernel.ensure_watcher(dict(k, enabled=False))
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
