#!/usr/bin/env python3
"""Tests of the kernel's pf as nftables (pf_nft.py): pf tables as interval sets (pf_table.c
pfr_match_addr: the most specific entry decides), the rules as chains (pf.c pf_test_rule: quick,
else the last match; pf_return), translation (pf_lb.c pf_get_translation), rate limits
(pf_src_connlimit) and the one transaction that replaces both tables (DIOCXCOMMIT).

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_nft.py
"""
import sys
import unittest

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import NFT_SCRIPTS, conf_file, main, replaced  # noqa: E402
import pf_kernel  # noqa: E402
import pf_nft  # noqa: E402
import pf_parse  # noqa: E402


def kernel(text, enabled=False):
    conf = pf_parse.parse_config(conf_file(text), set())
    assert not conf.errors, conf.errlines
    k = pf_kernel.empty_kernel()
    pf_kernel.commit_tables(k, conf, 1000)
    for rs in pf_parse.RULESETS:
        k["rules"][rs] = conf.rules[rs]
    k["skip"] = conf.skip or []
    k["enabled"] = enabled
    pf_kernel.settle_tables(k)
    return k


class SetsTest(unittest.TestCase):
    def test_most_specific_entry_decides(self):
        entries = {"10.0.0.0/8": [0, 0], "10.1.0.0/16": [1, 0], "10.1.2.0/24": [0, 0], "2001:db8::/32": [0, 0]}
        self.assertEqual([pf_nft.interval_element(s, t, 4) for s, t in pf_nft.effective(entries, 4)],
                         ["10.0.0.0/16", "10.1.2.0/24", "10.2.0.0-10.255.255.255"])
        self.assertEqual([pf_nft.interval_element(s, t, 6) for s, t in pf_nft.effective(entries, 6)],
                         ["2001:db8::/32"])

    def test_adjacent_entries_merge(self):
        entries = {"10.0.0.0/25": [0, 0], "10.0.0.128/25": [0, 0], "10.0.0.1": [0, 0]}
        self.assertEqual(pf_nft.set_elements({"active": True, "entries": entries}, 4), ["10.0.0.0/24"])
        self.assertEqual(pf_nft.set_elements({"active": False, "entries": entries}, 4), [])

    def test_rate(self):
        # max-src-conn-rate N/S as nft's smallest exact unit
        self.assertEqual(pf_nft.rate(100, 10), "10/second")
        self.assertEqual(pf_nft.rate(5, 60), "5/minute")
        self.assertEqual(pf_nft.rate(1, 7), "86400/week")


class ChainsTest(unittest.TestCase):
    def chain(self, k, name):
        return pf_nft.NftRules(k).build()[name]

    def test_block_return(self):
        # pf.c pf_return: a reset for TCP, an ICMP unreachable (port-unr by default) for what is
        # not ICMP; then the packet is dropped
        k = kernel("block return in on xnic all\n")
        self.assertEqual(self.chain(k, "p_l3_in")[-4:],
                         ['iifname "xnic" meta l4proto 6 reject with tcp reset',
                          'iifname "xnic" meta nfproto ipv4 meta l4proto != 1 reject with icmp type port-unreachable',
                          'iifname "xnic" meta nfproto ipv6 meta l4proto != 58 reject with icmpv6 type '
                          'port-unreachable',
                          'iifname "xnic" drop'])

    def test_skip_and_options(self):
        # pf.c pf_test: a skipped interface returns first; IP options are dropped
        k = kernel("set skip on lo0\npass all\n")
        chain = self.chain(k, "p_l3_in")
        self.assertEqual(chain[:2], ['iifname "lo" return', "ip hdrlength > 5 drop"])

    def test_translation(self):
        # pf_lb.c pf_get_translation: the first match; rdr is dnat (inet: parse.y takes the family
        # from the redirection address), nat to (if:0) masquerades, from pf's proxy port range
        k = kernel("nat on xnic from 10.0.2.0/24 -> (xnic:0)\n"
                   "rdr on xnic proto tcp to port 8080 -> 10.0.2.20 port 80\n")
        self.assertEqual(self.chain(k, "x_rdr"),
                         ['iifname "xnic" meta nfproto ipv4 meta l4proto 6 th dport 8080 dnat ip to '
                          '10.0.2.20:80'])
        self.assertEqual(self.chain(k, "x_nat"),
                         ['oifname "xnic" meta nfproto ipv4 ip saddr 10.0.2.0/24 meta l4proto { tcp, udp } masquerade '
                          'to :50001-65535 random',
                          'oifname "xnic" meta nfproto ipv4 ip saddr 10.0.2.0/24 masquerade'])

    def test_tables_and_overload_sets(self):
        k = kernel("table <t> { 10.0.0.0/8 }\npass in on xnic proto tcp from <t> to port 443 keep state "
                   "(max-src-conn-rate 10/1, overload <t> flush global)\n")
        tid = k["tables"]["t"]["id"]
        lines = [line for line in self.chain(k, "p_l3_in") if "@t4_%d" % tid in line or "@o4_%d" % tid in line]
        self.assertTrue(any("@o4_%d" % tid in line and "log prefix" in line for line in lines), lines)
        self.assertTrue(any("ip saddr @t4_%d" % tid in line for line in lines), lines)


class ApplyTest(unittest.TestCase):
    def setUp(self):
        NFT_SCRIPTS.clear()

    def test_one_transaction_on_pf_tables_only(self):
        k = kernel("table <t> { 10.0.0.0/8 }\npass in from <t>\n")
        pf_nft.apply(k)
        self.assertEqual(len(NFT_SCRIPTS), 1)
        script = NFT_SCRIPTS[0]
        # every command names its object's family and table third and fourth: "add rule inet pf ..."
        touched = {tuple(line.split()[2:4]) for line in script.splitlines() if line}
        self.assertEqual(touched, {("inet", "pf"), ("bridge", "pf")})
        self.assertIn("add element inet pf t4_%d { 10.0.0.0/8 }" % k["tables"]["t"]["id"], script)
        self.assertNotIn("hook", script)

    def test_hooks_only_while_enabled(self):
        # pf_ioctl.c DIOCSTART hooks pf in; conntrack then must not adopt mid-stream connections
        calls = []
        with replaced(pf_nft, "strict_conntrack", lambda: calls.append(1)):
            pf_nft.apply(kernel("pass all\n", enabled=True))
        self.assertIn("type filter hook prerouting priority -90", NFT_SCRIPTS[-1])
        self.assertIn("type filter hook forward priority -100", NFT_SCRIPTS[-1])
        self.assertEqual(calls, [1])

    def test_remove(self):
        pf_nft.remove_nft()
        self.assertEqual(NFT_SCRIPTS, ["add table inet pf\ndelete table inet pf\nadd table bridge pf\n"
                                       "delete table bridge pf\n"])


if __name__ == "__main__":
    main()
