#!/usr/bin/env python3
"""Tests of the simulated pf (pf_sim.py): parsing, errors, and what pfctl prints for the seed's
pf.conf, checked against FreeBSD 14's pfctl (the expected texts below were derived from
sbin/pfctl/parse.y, pfctl.c, pfctl_parser.c, pfctl_optimize.c, pfctl_table.c, sbin/kldload,
sbin/kldstat).

Runs anywhere, as any user: python3 integration-tests/sim/test_pf_sim.py
Nothing touches the kernel: nft and conntrack are replaced by recorders, the host's interfaces by
a fixed list, and the simulator's state lives in a temporary directory.
"""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "..", "..", "playbooks", "templates", "pf.conf")
TMP = tempfile.mkdtemp(prefix="uirig-pf-test-")
os.environ["UIRIG_SIM_STATE"] = os.path.join(TMP, "state")
os.environ["UIRIG_SIM_PF_DEVICE"] = os.path.join(TMP, "dev", "pf")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # image/build.sh hashes every file of sim/

import freebsd_sim  # noqa: E402

# Run with the other tests (unittest discover), the simulator may have been imported before this
# file set UIRIG_SIM_STATE: its state goes to the temporary directory all the same.
freebsd_sim.STATE = os.environ["UIRIG_SIM_STATE"]

sys.modules.setdefault("freebsd_sim", freebsd_sim)
import pf_sim  # noqa: E402

# ------------------------------------------------------------------ the fake kernel

NFT_SCRIPTS = []
CONNTRACK_CALLS = []


class Done:
    returncode = 0
    stdout = ""
    stderr = ""


def fake_nft(script, check=True):
    NFT_SCRIPTS.append(script)
    return Done()


def fake_conntrack(*args):
    CONNTRACK_CALLS.append(args)
    return Done()


def iface(name, af, addr, bits, loopback=False, group=None):
    return {"name": name, "af": af, "addr": addr, "bits": bits, "loopback": loopback, "broadcast": not loopback,
            "group": group}


def fake_interfaces():
    """The seed host: xnic 192.0.2.155/24 (public), xbridge and ibridge (bridges), inic, the epairs."""
    v4 = pf_sim.v4
    tab = [iface("lo0", "link", 0, 0, True, "lo"), iface("lo0", 4, v4("127.0.0.1"), 8, True, "lo"),
           iface("lo0", 6, pf_sim.v6("::1"), 128, True, "lo"),
           iface("xnic", "link", 0, 0), iface("xnic", 4, v4("192.0.2.155"), 24),
           iface("inic", "link", 0, 0), iface("inic", 4, v4("192.168.56.110"), 24),
           iface("xbridge", "link", 0, 0, group="bridge"), iface("xbridge", 4, v4("10.0.2.1"), 24, group="bridge"),
           iface("ibridge", "link", 0, 0, group="bridge")]
    for epair in ("ipg_a", "inode_a", "ngx_a", "node_a"):
        tab.append(iface(epair, "link", 0, 0, group="epair"))
    return tab


pf_sim.nft = fake_nft
pf_sim.nft_json = lambda *args: []
pf_sim.conntrack = fake_conntrack
pf_sim.interfaces = fake_interfaces
pf_sim.ensure_watcher = lambda k: None
pf_sim.set_bridge_sysctls = lambda: True
pf_sim.strict_conntrack = lambda: None


def run(command, *args):
    """Runs a simulated command; returns (exit status, stdout, stderr)."""
    out, errs = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(errs):
        if command == "pfctl":
            rc = pf_sim.cmd_pfctl(list(args))
        else:
            rc = pf_sim.cmd_kld(command, list(args))
    return rc, out.getvalue(), errs.getvalue()


# ------------------------------------------------------------------ the seed's ruleset and its tables

TABLE_FILES = {
    "ips_blocklist": "198.51.100.0/24\n",
    "ips_martians": "0.0.0.0/8\n10.0.0.0/8\n127.0.0.0/8\n169.254.0.0/16\n172.16.0.0/12\n192.168.0.0/16\n",
    "ips_stripe": "198.51.100.20\n198.51.100.21\n",
    "ips_fastmail": "66.111.4.0/24\n",
    "ips_xnic_peers": "# the peers\n192.0.2.5\n",
    "ip_ipg_b": "192.168.56.11\n",
    "ip_inode_b": "192.168.56.12\n",
    "ip_peer_ipg_b": "192.168.56.21\n",
    "ip_peer_inode_b": "192.168.56.22\n",
}
ETC = os.path.join(TMP, "etc")


def write_seed():
    os.makedirs(ETC, exist_ok=True)
    for name, text in TABLE_FILES.items():
        with open(os.path.join(ETC, name), "w") as f:
            f.write(text)
    with open(SEED) as f:
        text = f.read().replace('"/etc/', '"%s/' % ETC)
    path = os.path.join(TMP, "pf.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def conf_file(text, name="test.conf"):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


SN = """\
nat on xnic inet from 10.0.2.0/24 to any -> (xnic:0) round-robin
rdr on xnic inet proto tcp from any to any port = https -> 10.0.2.20
rdr on xnic inet proto tcp from any to any port = http -> 10.0.2.20
rdr on xnic inet proto tcp from <xpeers> to any port = 2220 -> 10.0.2.20 port 22
rdr on xnic inet proto tcp from <xpeers> to any port = 2230 -> 10.0.2.30 port 22
rdr on xnic inet proto tcp from <xpeers> to any port = 2240 -> 10.0.2.40 port 22
"""

SCRUB = "scrub in all no-df fragment reassemble\n"

# The filter rules by name, as expand_rule produces them (this is also the -o none order).
R = {
    "A1": "block drop in quick on ! xnic inet from 192.0.2.0/24 to any",
    "A2": "block drop in quick inet from 192.0.2.155 to any",
    "B1": "block drop in quick on xnic from <blocklist> to any",
    "B2": "block drop in quick on xnic from <ratelimit> to any",
    "B3": "block drop in quick on xnic from <martians> to any",
    "B4": "block drop in quick on xnic from no-route to any",
    "B5": "block drop in quick on xnic from urpf-failed to any",
    "C": "block drop all",
    "P1a": "pass in quick on xnic proto tcp from any to any port = https flags S/SA keep state (source-track rule, "
           "max-src-conn-rate 100/10, overload <ratelimit> flush global, src.track 10)",
    "P1b": "pass in quick on xnic proto tcp from any to any port = http flags S/SA keep state (source-track rule, "
           "max-src-conn-rate 100/10, overload <ratelimit> flush global, src.track 10)",
    "P2a": "pass out quick on xbridge inet proto tcp from any to 10.0.2.20 port = https flags S/SA keep state",
    "P2b": "pass out quick on xbridge inet proto tcp from any to 10.0.2.20 port = http flags S/SA keep state",
    "P3": "pass in quick on ipg_a proto tcp from <ipg_j> to <pgpeer> port = 5434 flags S/SA keep state",
    "P4": "pass in quick on inic proto tcp from <pgpeer> to <ipg_j> port = 5434 flags S/SA keep state",
    "P5": "pass in quick on inode_a proto tcp from <inode_j> to <pgpeer> port = 5433 flags S/SA keep state",
    "P6": "pass in quick on inic proto tcp from <nodepeer> to <ipg_j> port = 5433 flags S/SA keep state",
    "P7a": "pass out quick on ibridge proto tcp from any to any port = 5434 flags S/SA keep state",
    "P7b": "pass out quick on ibridge proto tcp from any to any port = 5433 flags S/SA keep state",
    "N1a": "pass in on xbridge inet proto udp from 10.0.2.30 to 1.1.1.1 port = domain keep state",
    "N1b": "pass in on xbridge inet proto udp from 10.0.2.30 to 8.8.8.8 port = domain keep state",
    "N2": "pass in on xbridge inet proto tcp from 10.0.2.30 to <payments> port = https flags S/SA keep state",
    "N3": "pass in on xbridge inet proto tcp from 10.0.2.30 to <email> port = smtps flags S/SA keep state",
    "N4a": "pass out on xnic inet proto udp from any to 1.1.1.1 port = domain keep state",
    "N4b": "pass out on xnic inet proto udp from any to 8.8.8.8 port = domain keep state",
    "N5": "pass out on xnic proto tcp from any to <payments> port = https flags S/SA keep state",
    "N6": "pass out on xnic proto tcp from any to <email> port = smtps flags S/SA keep state",
    "N7": "pass in on xnic proto tcp from <xpeers> to any port = ssh flags S/SA keep state",
    "N8": "pass out on xbridge inet proto tcp from <xpeers> to 10.0.2.0/24 port = ssh flags S/SA keep state",
    "N9a": "pass out on inic inet proto udp from any to 192.0.2.10 port = ntp keep state",
    "N9b": "pass out on inic inet proto udp from any to 192.0.2.11 port = ntp keep state",
}
SOURCE_ORDER = "A1 A2 B1 B2 B3 B4 B5 C P1a P1b P2a P2b P3 P4 P5 P6 P7a P7b " \
               "N1a N1b N2 N3 N4a N4b N5 N6 N7 N8 N9a N9b"
# pfctl_optimize.c reorder_rules, within each superblock (see /tmp/pfctl-spec.md section 2.4)
OPTIMIZED_ORDER = "B1 B2 B3 B4 B5 A1 A2 C P1a P1b P4 P6 P3 P5 P2a P2b P7a P7b " \
                  "N4a N4b N9a N9b N1a N1b N2 N3 N8 N5 N6 N7"


def filter_text(order):
    return "".join(R[name] + "\n" for name in order.split())


def nvf_text(order):
    macros = ('xbridge_net = "10.0.2/24"\nnginx_j = "10.0.2.20"\nnode_j = "10.0.2.30"\npg_j = "10.0.2.40"\n'
              'port_nginx = "{ 443 80 }"\nport_email = "465"\nresolvers = "{ 1.1.1.1 8.8.8.8 }"\n'
              'priv_ntp = "{ 192.0.2.10 192.0.2.11 }"\n')
    tables = "table <ratelimit>\n"
    for name, file in (("blocklist", "ips_blocklist"), ("martians", "ips_martians"), ("payments", "ips_stripe"),
                       ("email", "ips_fastmail"), ("xpeers", "ips_xnic_peers"), ("ipg_j", "ip_ipg_b"),
                       ("inode_j", "ip_inode_b"), ("pgpeer", "ip_peer_ipg_b"), ("nodepeer", "ip_peer_inode_b")):
        tables += 'table <%s> file "%s/%s"\n' % (name, ETC, file)
    return macros + tables + SCRUB + SN + filter_text(order)


# ------------------------------------------------------------------ tests

class PfTest(unittest.TestCase):
    def setUp(self):
        shutil.rmtree(os.path.join(TMP, "state"), ignore_errors=True)
        shutil.rmtree(os.path.join(TMP, "dev"), ignore_errors=True)
        NFT_SCRIPTS.clear()
        CONNTRACK_CALLS.clear()
        self.seed = write_seed()

    def load_module(self):
        self.assertEqual(run("kldload", "pf"), (0, "", ""))

    def assertRun(self, args, rc, out="", err=""):
        got = run(*args)
        self.assertEqual(got, (rc, out, err), "%s" % " ".join(args))


class ModuleTest(PfTest):
    def test_no_module(self):
        # pfctl.c main: err(1, "%s", pf_device) when /dev/pf cannot be opened
        for args in (["-sr"], ["-s", "Running"], ["-e"], ["-d"], ["-f", self.seed], ["-F", "all"],
                     ["-t", "ratelimit", "-T", "show"]):
            self.assertRun(["pfctl"] + args, 1, "", "pfctl: /dev/pf: No such file or directory\n")
        # -n: the device is optional
        self.assertRun(["pfctl", "-nf", self.seed], 0)

    def test_kldload_kldstat(self):
        self.assertRun(["kldstat", "-q", "-m", "pf"], 1)
        self.assertRun(["kldstat", "-m", "pf"], 1, "", "kldstat: can't find module pf: No such file or directory\n")
        self.assertRun(["kldload", "pf"], 0)
        self.assertTrue(os.path.exists(os.environ["UIRIG_SIM_PF_DEVICE"]))
        self.assertRun(["kldload", "pf"], 1, "", "kldload: can't load pf: module already loaded or in kernel\n")
        self.assertRun(["kldload", "-n", "pf"], 0)
        self.assertRun(["kldstat", "-q", "-m", "pf"], 0)
        rc, out, _ = run("kldstat", "-m", "pf")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^Id  Refs Name\n *\d+ +1 pf\n$")
        self.assertRun(["kldunload", "pf"], 0)
        self.assertFalse(os.path.exists(os.environ["UIRIG_SIM_PF_DEVICE"]))
        self.assertRun(["kldstat", "-q", "-m", "pf"], 1)

    def test_unload_forgets_everything(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertRun(["pfctl", "-e"], 0, "", "pf enabled\n")
        self.assertRun(["kldunload", "pf"], 0)
        self.load_module()
        self.assertRun(["pfctl", "-s", "Running"], 1, "Disabled\n")
        self.assertRun(["pfctl", "-sr"], 0)


class PrintTest(PfTest):
    def test_nf_is_silent(self):
        self.assertRun(["pfctl", "-nf", self.seed], 0)

    def test_nvf_prints_in_load_order(self):
        self.assertRun(["pfctl", "-nvf", self.seed], 0, nvf_text(OPTIMIZED_ORDER))

    def test_o_none_keeps_expansion_order(self):
        self.assertRun(["pfctl", "-o", "none", "-nvf", self.seed], 0, nvf_text(SOURCE_ORDER))

    def test_loaded_ruleset(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertRun(["pfctl", "-sn"], 0, SN)
        self.assertRun(["pfctl", "-sr"], 0, SCRUB + filter_text(OPTIMIZED_ORDER))
        self.assertRun(["pfctl", "-s", "rules"], 0, SCRUB + filter_text(OPTIMIZED_ORDER))
        self.assertRun(["pfctl", "-sT"], 0, "".join(n + "\n" for n in sorted(
            ["blocklist", "email", "inode_j", "ipg_j", "martians", "nodepeer", "payments", "pgpeer", "ratelimit",
             "xpeers"])))
        self.assertRun(["pfctl", "-t", "xpeers", "-T", "show"], 0, "   192.0.2.5\n")
        self.assertRun(["pfctl", "-t", "martians", "-T", "show"], 0,
                       "   0.0.0.0/8\n   10.0.0.0/8\n   127.0.0.0/8\n   169.254.0.0/16\n   172.16.0.0/12\n"
                       "   192.168.0.0/16\n")
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "show"], 0)

    def test_vf_loads_and_prints(self):
        self.load_module()
        rc, out, errs = run("pfctl", "-vf", self.seed)
        self.assertEqual(rc, 0)
        self.assertEqual(out, nvf_text(OPTIMIZED_ORDER))
        # pfctl_test_altqsupport, GENERIC has no ALTQ
        self.assertEqual(errs, "No ALTQ support in kernel\nALTQ related functions disabled\n")

    def test_n_discards_show(self):
        self.assertRun(["pfctl", "-n", "-sr"], 0)


class RunningTest(PfTest):
    def test_enable_disable(self):
        self.load_module()
        self.assertRun(["pfctl", "-s", "Running"], 1, "Disabled\n")
        self.assertRun(["pfctl", "-d"], 1, "", "pfctl: pf not enabled\n")
        self.assertRun(["pfctl", "-e"], 0, "", "pf enabled\n")
        self.assertRun(["pfctl", "-e"], 1, "", "pfctl: pf already enabled\n")
        self.assertRun(["pfctl", "-s", "Running"], 0, "Enabled\n")
        self.assertRun(["pfctl", "-q", "-d"], 0)
        self.assertRun(["pfctl", "-s", "Running"], 1, "Disabled\n")

    def test_enable_after_load(self):
        # pfctl.c main: -f before -e
        self.load_module()
        self.assertRun(["pfctl", "-e", "-f", self.seed], 0, "", "pf enabled\n")
        script = NFT_SCRIPTS[-1]
        self.assertIn("hook prerouting", script)
        self.assertIn("hook postrouting", script)
        self.assertIn("masquerade", script)
        self.assertIn("dnat", script)

    def test_last_match_wins_unless_quick(self):
        # pf.c pf_test_rule: the first matching quick rule, else the last matching rule
        self.load_module()
        path = conf_file("block all\npass in on xnic proto tcp to port 22\npass in quick on xnic proto tcp to port 80\n")
        self.assertRun(["pfctl", "-f", path], 0)
        chain = [line for line in NFT_SCRIPTS[-1].splitlines() if line.startswith("add rule inet pf p_l3_in ")]
        verdicts = [line for line in chain if "dport" in line or line.endswith("p_l3_in drop")]
        self.assertEqual(len(verdicts), 3, chain)
        self.assertIn("th dport 80 tcp flags & (syn|ack) == syn goto", verdicts[0])
        self.assertIn("th dport 22 tcp flags & (syn|ack) == syn goto", verdicts[1])
        self.assertTrue(verdicts[2].endswith(" drop"))

    def test_disabled_has_no_hooks(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertNotIn("hook", NFT_SCRIPTS[-1])

    def test_flush(self):
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)
        self.assertRun(["pfctl", "-F", "rules"], 0, "", "rules cleared\n")
        self.assertRun(["pfctl", "-sr"], 0)
        self.assertRun(["pfctl", "-sn"], 0, SN)
        # pf_table.c pfr_setflags_ktable: unreferenced, not persistent tables go; rdr keeps <xpeers>
        self.assertRun(["pfctl", "-sT"], 0, "xpeers\n")
        self.assertRun(["pfctl", "-F", "nat"], 0, "", "nat cleared\n")
        self.assertRun(["pfctl", "-sT"], 0)


class TableTest(PfTest):
    def setUp(self):
        PfTest.setUp(self)
        self.load_module()
        self.assertRun(["pfctl", "-f", self.seed], 0)

    def test_add_delete_show(self):
        t = ["pfctl", "-t", "ratelimit", "-T"]
        self.assertRun(t + ["add", "192.0.2.7"], 0, "", "1/1 addresses added.\n")
        self.assertRun(t + ["add", "192.0.2.7", "10.9.0.0/16"], 0, "", "1/2 addresses added.\n")
        self.assertRun(t + ["show"], 0, "   10.9.0.0/16\n   192.0.2.7\n")
        self.assertRun(t + ["test", "192.0.2.7"], 0, "", "1/1 addresses match.\n")
        self.assertRun(t + ["delete", "10.9.0.0/16", "1.2.3.4"], 0, "", "1/2 addresses deleted.\n")
        self.assertRun(t + ["replace", "192.0.2.8"], 0, "", "1 addresses added.\n1 addresses deleted.\n")
        self.assertRun(t + ["replace", "192.0.2.8"], 0, "", "no changes.\n")
        self.assertRun(t + ["flush"], 0, "", "1 addresses deleted.\n")
        self.assertRun(t + ["show"], 0)

    def test_missing_table(self):
        # pfctl_table.c radix_perror + main's exit(error) with error = -1
        self.assertRun(["pfctl", "-t", "nosuch", "-T", "show"], 255, "", "pfctl: Table does not exist.\n")
        self.assertRun(["pfctl", "-t", "nosuch", "-T", "add", "10.0.0.1"], 0, "",
                       "1 table created.\n1/1 addresses added.\n")
        self.assertRun(["pfctl", "-t", "nosuch", "-T", "show"], 0, "   10.0.0.1\n")

    def test_noaction_counts(self):
        # xprintf: " (dummy)." with -n when /dev/pf exists
        self.assertRun(["pfctl", "-n", "-t", "ratelimit", "-T", "add", "192.0.2.7"], 0, "",
                       "1/1 addresses added (dummy).\n")
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "show"], 0)

    def age(self, table, key, seconds):
        with pf_sim.kernel_state() as st:
            st.data["tables"][table]["entries"][key][1] -= seconds

    def test_expire(self):
        t = ["pfctl", "-t", "ratelimit", "-T"]
        self.assertRun(t + ["add", "192.0.2.7", "192.0.2.8"], 0, "", "2/2 addresses added.\n")
        self.age("ratelimit", "192.0.2.7", 100)
        self.assertRun(t + ["expire", "50"], 0, "", "1/1 addresses expired.\n")
        self.assertRun(t + ["show"], 0, "   192.0.2.8\n")
        self.assertRun(t + ["expire", "50"], 0, "", "0/0 addresses expired.\n")
        # re-adding an address keeps its insertion time (pf_table.c pfr_add_addrs: ADDED only if new)
        self.age("ratelimit", "192.0.2.8", 100)
        self.assertRun(t + ["add", "192.0.2.8"], 0, "", "0/1 addresses added.\n")
        self.assertRun(t + ["expire", "50"], 0, "", "1/1 addresses expired.\n")

    def test_reload_keeps_runtime_contents(self):
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "add", "192.0.2.7"], 0, "", "1/1 addresses added.\n")
        self.assertRun(["pfctl", "-t", "xpeers", "-T", "add", "192.0.2.99"], 0, "", "1/1 addresses added.\n")
        with open(os.path.join(ETC, "ips_xnic_peers"), "w") as f:
            f.write("192.0.2.6\n")
        self.assertRun(["pfctl", "-f", self.seed], 0)
        # a table defined without addresses keeps what it had; a file table gets the file's
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "show"], 0, "   192.0.2.7\n")
        self.assertRun(["pfctl", "-t", "xpeers", "-T", "show"], 0, "   192.0.2.6\n")

    def test_kill(self):
        self.assertRun(["pfctl", "-t", "ratelimit", "-T", "kill"], 0, "", "1 table deleted.\n")


class ErrorTest(PfTest):
    def check(self, text, lines, rc=1):
        path = conf_file(text)
        expected = "".join("%s:%s\n" % (path, line) for line in lines)
        self.assertRun(["pfctl", "-nf", path], rc, "", expected)
        # without -n: the same lines and pfctl_rules' final word
        self.load_module()
        self.assertRun(["pfctl", "-f", path], rc, "",
                       expected + "pfctl: Syntax error in config file: pf rules not loaded\n")
        run("kldunload", "pf")

    def test_syntax_error(self):
        self.check("pass in on xnic proto tcp to port\n", ["1: syntax error"])

    def test_no_final_newline(self):
        # parse.y: a rule ends with '\n'
        self.check("pass all", ["1: syntax error"])

    def test_several_errors(self):
        # ruleset error '\n': parsing goes on after an error
        self.check("pass all\nbogus\npass in from $nope\npass out all\n",
                   ["2: syntax error", "3: macro 'nope' not defined", "3: syntax error"])

    def test_missing_table_file(self):
        self.check('table <t> file "/nonexistent/x"\npass from <t>\n',
                   ['1: cannot load "/nonexistent/x": No such file or directory'])

    def test_order(self):
        self.check("pass all\nscrub in all\n",
                   ["2: Rules must be in order: options, ethernet, normalization, queueing, translation, filtering"])

    def test_unsupported(self):
        for text in ("pass in all tag foo\n", "pass out on xnic route-to (xnic 192.0.2.1) all\n",
                     "anchor foo\n", "block return out on xnic all\n", "pass in proto tcp all synproxy state\n",
                     "match in all\n", "pass in on xnic from any to (xnic)\n", "pass in all keep state (max 10)\n",
                     "binat on xnic from 10.0.2.20 to any -> 192.0.2.156\n", "pass in proto tcp user root\n",
                     "pass in all allow-opts\n"):
            path = conf_file(text)
            rc, out, errs = run("pfctl", "-nf", path)
            self.assertEqual(rc, 1, text)
            self.assertRegex(errs, r"^%s:1: .* is not supported by the simulated pf\n" % path, text)

    def test_accepted_constructs(self):
        text = ("set skip on lo0\nset block-policy return\nblock return in on xnic proto tcp to port 23\n"
                "pass in inet proto tcp from ! 10.0.0.0/8 to any port { 22 80 } no state\n"
                "pass out all keep state\nblock in log on xnic inet6 all\n")
        path = conf_file(text)
        self.assertRun(["pfctl", "-nvf", path], 0,
                       "set skip on { lo0 }\n"
                       "set block-policy return\n"
                       "block return in on xnic proto tcp from any to any port = telnet\n"
                       "pass in inet proto tcp from ! 10.0.0.0/8 to any port = ssh no state\n"
                       "pass in inet proto tcp from ! 10.0.0.0/8 to any port = http no state\n"
                       "pass out all flags S/SA keep state\n"
                       "block return in log on xnic inet6 all\n")


class OptimizerTest(PfTest):
    def test_duplicates_go(self):
        # pfctl_optimize.c remove_identical_rules
        path = conf_file("pass in on xnic proto tcp to port 22\npass in on xnic proto tcp to port 22\n")
        self.assertRun(["pfctl", "-nvf", path], 0,
                       "pass in on xnic proto tcp from any to any port = ssh flags S/SA keep state\n")
        self.assertRun(["pfctl", "-o", "none", "-nvf", path], 0,
                       "pass in on xnic proto tcp from any to any port = ssh flags S/SA keep state\n" * 2)

    def test_subset_goes(self):
        path = conf_file("block in on xnic proto tcp all\nblock in on xnic all\n")
        self.assertRun(["pfctl", "-nvf", path], 0, "block drop in on xnic all\n")


def main():
    try:
        unittest.main(verbosity=2)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
