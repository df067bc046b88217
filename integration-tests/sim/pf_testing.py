"""What the pf tests (test_pf_*.py, test_pfctl_sim.py) share: the simulated pf with a fake kernel,
the seed's pf.conf with its table files, and what FreeBSD 14's pfctl prints for it. Not a test
file itself, and not part of the simulator (install.sh does not compile it).

Nothing touches the kernel: nft and conntrack are replaced by recorders, the host's interfaces by
a fixed list, and the simulator's state lives in a temporary directory. Each replacement is made
in the one module that defines the function (SEAMS); the other modules call it through that
module, so the replacement reaches every caller.
"""
import atexit
import contextlib
import io
import os
import shutil
import tempfile
import unittest

TMP = tempfile.mkdtemp(prefix="uirig-pf-test-")
atexit.register(shutil.rmtree, TMP, True)
os.environ["UIRIG_SIM_STATE"] = os.path.join(TMP, "state")
os.environ["UIRIG_SIM_PF_DEVICE"] = os.path.join(TMP, "dev", "pf")

from sim_testing import HERE, fs  # noqa: E402 (sys.path, no bytecode beside the simulator)

# Run with the other tests (unittest discover), the simulator may have been imported before this
# file set UIRIG_SIM_STATE: its state goes to the temporary directory all the same.
fs.STATE = os.environ["UIRIG_SIM_STATE"]

import pf_sim  # noqa: E402
import pf_addr  # noqa: E402
import pf_kernel  # noqa: E402
import pf_nft  # noqa: E402

SEED = os.path.join(HERE, "..", "..", "playbooks", "templates", "pf.conf")

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
    v4 = pf_addr.v4
    tab = [iface("lo0", "link", 0, 0, True, "lo"), iface("lo0", 4, v4("127.0.0.1"), 8, True, "lo"),
           iface("lo0", 6, pf_addr.v6("::1"), 128, True, "lo"),
           iface("xnic", "link", 0, 0), iface("xnic", 4, v4("192.0.2.155"), 24),
           iface("inic", "link", 0, 0), iface("inic", 4, v4("192.168.56.110"), 24),
           iface("xbridge", "link", 0, 0, group="bridge"), iface("xbridge", 4, v4("10.0.2.1"), 24, group="bridge"),
           iface("ibridge", "link", 0, 0, group="bridge")]
    for epair in ("ipg_a", "inode_a", "ngx_a", "node_a"):
        tab.append(iface(epair, "link", 0, 0, group="epair"))
    return tab


# (module, name, replacement): the functions that reach the host.
SEAMS = ((pf_nft, "nft", fake_nft), (pf_nft, "nft_json", lambda *args: []), (pf_kernel, "conntrack", fake_conntrack),
         (pf_addr, "interfaces", fake_interfaces), (pf_kernel, "ensure_watcher", lambda k: None),
         (pf_nft, "set_bridge_sysctls", lambda: True), (pf_nft, "strict_conntrack", lambda: None))
for _module, _name, _fake in SEAMS:
    setattr(_module, _name, _fake)


@contextlib.contextmanager
def replaced(module, name, value):
    """module.name is value for the duration (one test's own fake on top of SEAMS)."""
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


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


class PfTest(unittest.TestCase):
    """A fresh simulated host for every test: no state, no /dev/pf, the seed's files written."""

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


def main():
    unittest.main(verbosity=2)
