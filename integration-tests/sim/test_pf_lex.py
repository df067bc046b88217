#!/usr/bin/env python3
"""Tests of what the simulated pf stands on (pf_lex.py): pf.conf's lexer as sbin/pfctl/parse.y
yylex reads (keywords, strings, numbers, macros, quotes, comments, continuations), FreeBSD's
/etc/services and /etc/protocols, and pfctl_parser.c's TCP flags and ICMP names.

Runs anywhere, as any user: PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pf_lex.py
"""
import sys
import unittest

sys.dont_write_bytecode = True  # before pf_testing: image/build.sh hashes every file of sim/
from pf_testing import main  # noqa: E402
import pf_lex  # noqa: E402


class Conf:
    """What the lexer needs of parse.y's state: the macros and yyerror."""

    def __init__(self, macros=None):
        self.macros = macros or {}
        self.errors = []

    def yyerror(self, message, lexer=None):
        self.errors.append((lexer.lineno, message))


def tokens(text, macros=None):
    conf = Conf(macros)
    lexer = pf_lex.Lexer(conf, "test.conf", text)
    out = []
    while True:
        t = lexer.token()
        if t.kind == "eof":
            return out, conf.errors
        out.append((t.kind, t.value, t.line))


class LexerTest(unittest.TestCase):
    def test_keywords_and_strings(self):
        # parse.y lookup(): a keyword, else a STRING; '-' and '.' may be inside a string
        self.assertEqual(tokens("pass in quick on xnic allow-opts 10.0.2.1\n")[0],
                         [("kw", "pass", 1), ("kw", "in", 1), ("kw", "quick", 1), ("kw", "on", 1), ("str", "xnic", 1),
                          ("kw", "allow-opts", 1), ("str", "10.0.2.1", 1), ("ch", "\n", 1)])

    def test_numbers(self):
        # a number ends at white space or one of "),/}="; otherwise the digits begin a string
        self.assertEqual(tokens("22 -5 10/24 10.0.2")[0],
                         [("num", 22, 1), ("num", -5, 1), ("num", 10, 1), ("ch", "/", 1), ("num", 24, 1),
                          ("str", "10.0.2", 1)])
        self.assertEqual(tokens("99999999999999999999\n")[1], [(1, '"99999999999999999999" invalid number: too large')])

    def test_operators(self):
        self.assertEqual(tokens("<> >< -> < !")[0],
                         [("portbin", pf_lex.PF_OP_XRG, 1), ("portbin", pf_lex.PF_OP_IRG, 1), ("arrow", None, 1),
                          ("ch", "<", 1), ("ch", "!", 1)])

    def test_quotes(self):
        self.assertEqual(tokens('"a \\"b\\" c" \'x\'')[0], [("str", 'a "b" c', 1), ("str", "x", 1)])

    def test_macros(self):
        # $NAME is re-read from its value; an undefined one is an error, and the line is skipped
        self.assertEqual(tokens("on $if proto $p\n", {"if": "xnic", "p": "{ tcp udp }"})[0],
                         [("kw", "on", 1), ("str", "xnic", 1), ("kw", "proto", 1), ("ch", "{", 1), ("str", "tcp", 1),
                          ("str", "udp", 1), ("ch", "}", 1), ("ch", "\n", 1)])
        got, errors = tokens("pass $nope all\npass\n")
        self.assertEqual(errors, [(1, "macro 'nope' not defined")])
        self.assertEqual(got, [("kw", "pass", 1), ("error", None, 1), ("kw", "pass", 2), ("ch", "\n", 2)])

    def test_comments_and_continuations(self):
        # lgetc: a backslash before a newline joins the lines; '#' runs to the end of the line
        self.assertEqual(tokens("pass \\\n  in # out\nblock\n")[0],
                         [("kw", "pass", 1), ("kw", "in", 2), ("ch", "\n", 2), ("kw", "block", 3), ("ch", "\n", 3)])


class DatabasesTest(unittest.TestCase):
    def test_services(self):
        # getservbyname(3), getservbyport(3): FreeBSD's /etc/services, the first entry wins
        by_port, by_name = pf_lex.services()
        self.assertEqual(by_port[(443, "tcp")], "https")
        self.assertEqual(by_port[(53, "udp")], "domain")
        self.assertEqual(by_name[("ssh", "tcp")], 22)
        self.assertEqual(by_name[("smtps", "tcp")], 465)

    def test_protocols(self):
        self.assertEqual(pf_lex.protocols()[0]["icmp"], 1)
        self.assertEqual(pf_lex.protocols()[0]["ipv6-icmp"], 58)
        self.assertEqual(pf_lex.proto_name(6), "tcp")
        self.assertIsNone(pf_lex.proto_name(254))

    def test_flags(self):
        # pfctl_parser.c parse_flags: FSRPAUEW, an empty set is all of them
        self.assertEqual(pf_lex.parse_flags("S"), 0x02)
        self.assertEqual(pf_lex.parse_flags("SA"), 0x12)
        self.assertEqual(pf_lex.parse_flags(""), 0xff)
        self.assertEqual(pf_lex.parse_flags("X"), -1)
        self.assertEqual(pf_lex.flags_text(0x12), "SA")

    def test_icmp_names(self):
        self.assertEqual(pf_lex.icmp_type_name(8, 4), "echoreq")
        self.assertEqual(pf_lex.icmp_type_name(128, 6), "echoreq")
        self.assertEqual(pf_lex.icmp_code_name(3, 3, 4), "port-unr")
        self.assertEqual(pf_lex.icmp_code_name(1, 4, 6), "port-unr")
        self.assertIsNone(pf_lex.icmp_code_name(3, 99, 4))


class ExitTest(unittest.TestCase):
    def test_die(self):
        # err(3)/errx(3): the message on stderr, then the exit code
        import contextlib
        import io
        e = io.StringIO()
        with contextlib.redirect_stderr(e), self.assertRaises(pf_lex.Exit) as got:
            pf_lex.die("pfctl: no", 3)
        self.assertEqual((e.getvalue(), got.exception.code), ("pfctl: no\n", 3))


if __name__ == "__main__":
    main()
