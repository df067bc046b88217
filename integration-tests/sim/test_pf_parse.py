#!/usr/bin/env python3
"""Tests of pf.conf's grammar (pf_parse.py): what sbin/pfctl/parse.y accepts, its defaults and
expand_rule's order, its errors (FILE:LINE: ..., parsing going on after one) and the constructs the
simulation refuses, checked against FreeBSD 14's pfctl -nf and -nvf.

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_parse.py
"""
import os
import sys

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import TMP, PfTest, conf_file, main, run  # noqa: E402
import pf_parse  # noqa: E402


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

    def test_semantic_errors(self):
        # parse.y filter_consistent and the actions' yyerror; each rule is skipped
        self.check("pass in proto udp all flags S/SA\n", ["1: flags only apply to tcp"])
        self.check("pass in proto icmp from any port 80\n",
                   ["1: port only applies to tcp/udp", "1: skipping rule due to errors",
                    "1: rule expands to no valid combination"])
        self.check("block in on xnic all keep state\n",
                   ["1: keep state is great, but only for pass rules", "1: skipping rule due to errors",
                    "1: rule expands to no valid combination"])

    def test_errors_in_an_included_file(self):
        # parse.y include: an error names the included file. pushfile starts it at line 1 and the
        # lungetc('\n') that ends the include line counts in it, so its lines are one off (as in FreeBSD)
        inc = conf_file("pass in all\nbogus\n", "included.conf")
        path = conf_file('include "%s"\npass out all\nbogus\n' % inc)
        self.assertRun(["pfctl", "-nf", path], 1, "", "%s:3: syntax error\n%s:3: syntax error\n" % (inc, path))


class GrammarTest(PfTest):
    def nvf(self, text, *opts):
        return run("pfctl", *(list(opts) + ["-nvf", conf_file(text)]))

    def test_defaults(self):
        # parse.y pfrule: pass is 'flags S/SA keep state'; the flags only on TCP (expand_rule)
        self.assertEqual(self.nvf("pass in all\npass in proto udp all\nblock all\n", "-o", "none"),
                         (0, "pass in all flags S/SA keep state\npass in proto udp all keep state\n"
                             "block drop all\n", ""))

    def test_expand_rule_order(self):
        # parse.y expand_rule: interface, proto, ..., destination port innermost
        self.assertEqual(self.nvf("pass in on { xnic inic } proto { tcp udp } to port { 22 80 } no state\n",
                                  "-o", "none"),
                         (0, "".join("pass in on %s proto %s from any to any port = %s no state\n" % (i, p, s)
                                     for i in ("xnic", "inic") for p in ("tcp", "udp") for s in ("ssh", "http")), ""))

    def test_command_line_macros_persist(self):
        # pfctl.c -D: pfctl_cmdline_symset; parse.y symset() keeps a persistent value
        code, out, errs = self.nvf('ext = "inic"\npass in on $ext all no state\n', "-D", "ext=xnic")
        self.assertEqual((code, out, errs), (0, 'ext = "inic"\npass in on xnic all no state\n', ""))

    def test_continuation_and_line_numbers(self):
        path = conf_file("pass in on xnic \\\n  proto tcp \\\n  to port 22\nbogus\n")
        self.assertEqual(run("pfctl", "-nf", path), (1, "", "%s:4: syntax error\n" % path))

    def test_parse_config(self):
        conf = pf_parse.parse_config(conf_file("table <t> { 10.0.0.1 }\nnat on xnic from 10.0.2.0/24 -> (xnic:0)\n"
                                               "pass in from <t>\n"), set())
        self.assertEqual(conf.errors, 0)
        self.assertEqual([len(conf.rules[rs]) for rs in pf_parse.RULESETS], [0, 1, 0, 0, 1])
        self.assertEqual(conf.tables["t"]["entries"], [{"af": 4, "addr": 0x0a000001, "net": 32, "not": 0}])
        unreadable = pf_parse.parse_config(os.path.join(TMP, "nonexistent.conf"), set())
        self.assertTrue(unreadable.unreadable)
        self.assertEqual(unreadable.errlines[-1], "pfctl: cannot open the main config file!: No such file or directory")


if __name__ == "__main__":
    main()
