#!/usr/bin/python3
"""Tests of the simulator's pure parts (no containers, no network changes):
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_freebsd_sim.py"""
import http.server
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from contextlib import redirect_stderr, redirect_stdout

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import freebsd_sim as fs  # noqa: E402

pkg = fs.module("pkg_sim")
rc = fs.module("rc_sim")


class Root:
    """A temporary root, made the current jail root for the duration of a test."""

    def __init__(self, files):
        self.files = files

    def __enter__(self):
        self.dir = tempfile.mkdtemp()
        for path, text in self.files.items():
            full = os.path.join(self.dir, path.lstrip("/"))
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        self.old = fs.JROOT
        fs.JROOT = self.dir
        return self.dir

    def __exit__(self, *exc):
        fs.JROOT = self.old
        shutil.rmtree(self.dir)


def captured(function, *args):
    o, e = io.StringIO(), io.StringIO()
    code = None
    with redirect_stdout(o), redirect_stderr(e):
        try:
            code = function(*args)
        except SystemExit as x:
            code = x.code
    return code, o.getvalue(), e.getvalue()


class Ifconfig(unittest.TestCase):
    def test_inet_aton(self):
        self.assertEqual(fs.inet_aton("2222"), "0.0.8.174")
        self.assertEqual(fs.inet_aton("10.1"), "10.0.0.1")
        self.assertEqual(fs.inet_aton("0x7f.1"), "127.0.0.1")
        self.assertEqual(fs.inet_aton("010.0.0.1"), "8.0.0.1")
        self.assertIsNone(fs.inet_aton("vlanhwtagx"))
        self.assertIsNone(fs.inet_aton("256.1.1.1"))

    def test_second_address_is_the_destination(self):
        actions, addr = fs.parse_ifconfig(["192.168.56.155/24", "vlanhwtag", "2222"])
        self.assertEqual(actions, [("vlanhwtag", None)])
        self.assertEqual((addr["addr"], addr["prefix"], addr["dst"]), ("192.168.56.155", 24, "0.0.8.174"))

    def test_flag_takes_no_argument(self):
        actions, addr = fs.parse_ifconfig(["vlanhwtag", "2222"])
        self.assertEqual(actions, [("vlanhwtag", None)])
        self.assertEqual((addr["addr"], addr["prefix"]), ("0.0.8.174", None))
        self.assertEqual(fs.classful_prefix("0.0.8.174"), 8)

    def test_keywords_with_arguments(self):
        actions, addr = fs.parse_ifconfig(["inet", "10.0.0.1", "netmask", "255.255.255.0", "alias", "mtu", "9000",
                                           "description", "lan", "up"])
        self.assertEqual(actions, [("mtu", "9000"), ("description", "lan"), ("up", None)])
        self.assertEqual((addr["addr"], addr["mask"], addr["alias"]), ("10.0.0.1", 24, True))
        self.assertIsNone(fs.parse_ifconfig(["-vlanhwtag", "down"])[1])

    def test_errors(self):
        for words, message in ((["mtu"], "'mtu' requires argument"), (["foo"], "foo: bad value"),
                               (["10.0.0.1/33"], "10.0.0.1: bad value (width too large)")):
            with self.assertRaises(fs.IfconfigError) as e:
                fs.parse_ifconfig(words)
            self.assertEqual(str(e.exception), message)

    def test_non_root_messages(self):
        actions, addr = fs.parse_ifconfig(["10.0.0.1/24"])
        self.assertEqual(fs.if_denied(actions, addr, False), "ioctl (SIOCAIFADDR): permission denied")
        self.assertEqual(fs.if_denied([], None, True), "SIOCIFCREATE2: Operation not permitted")
        self.assertEqual(fs.if_denied([("up", None)], None, False), "SIOCSIFFLAGS: Operation not permitted")


class Cron(unittest.TestCase):
    def test_cron_d_backups_are_loaded(self):
        files = {"/etc/crontab": "SHELL=/bin/sh\n# comment\n*/5 * * * * root /usr/libexec/atrun\n",
                 "/etc/cron.d/uirig": "0 3 * * * root /bin/true\n",
                 "/etc/cron.d/uirig.uirig-prev": "0 4 * * * root /bin/old\n",
                 "/etc/cron.d/.hidden": "0 5 * * * root /bin/hidden\n",
                 "/var/cron/tabs/root": "@daily /bin/daily\nbad line\n"}
        with Root(files):
            self.assertEqual(fs.cron_lines(), [("/etc/crontab", "*/5 * * * * root /usr/libexec/atrun"),
                                               ("/etc/cron.d/uirig", "0 3 * * * root /bin/true"),
                                               ("/etc/cron.d/uirig.uirig-prev", "0 4 * * * root /bin/old"),
                                               ("/var/cron/tabs/root", "@daily /bin/daily")])
            code, output, _ = captured(fs.cmd_cronlines, [])
            self.assertIn("/etc/cron.d/uirig.uirig-prev: 0 4 * * * root /bin/old\n", output)


CONF = open(os.path.join(HERE, "pkg-FreeBSD.conf")).read()


class Pkg(unittest.TestCase):
    def test_repository_configuration(self):
        with Root({"/etc/pkg/FreeBSD.conf": CONF}) as root:
            repos = pkg.load_repos(root)
            self.assertEqual([r["name"] for r in repos], ["FreeBSD"])
            self.assertEqual(pkg.site_url(repos[0]), "http://pkg.FreeBSD.org/FreeBSD:14:amd64/quarterly")
            self.assertEqual(repos[0]["mirror_type"], "srv")
        with Root({"/etc/pkg/FreeBSD.conf": CONF, "/usr/local/etc/pkg/repos/FreeBSD.conf": "FreeBSD: { enabled: no }\n",
                   "/usr/local/etc/pkg/repos/mine.conf": 'mine: {\n  url: "http://192.0.2.80/${ABI}/q",\n}\n'}) as root:
            repos = {r["name"]: r for r in pkg.load_repos(root)}
            self.assertFalse(pkg.truthy(repos["FreeBSD"]["enabled"]))
            self.assertEqual(pkg.site_url(repos["mine"]), "http://192.0.2.80/FreeBSD:14:amd64/q")

    def test_packagesite_and_dependencies(self):
        site = pkg.parse_packagesite("nginx 1.26.2,3 1000 pcre2\npcre2 10.43 500 -\nnode 22 10 node22\nnode22 22.9.0 9000 -\n")
        self.assertEqual(site["nginx"], {"version": "1.26.2,3", "size": 1000, "deps": ["pcre2"]})
        self.assertEqual(pkg.resolve_deps(site, ["nginx", "node"]), ["pcre2", "nginx", "node22", "node"])

    def test_stub_ignores_y_of_other_commands(self):
        self.assertEqual(pkg.stub_options(["install", "-y", "nginx"])[3], False)
        self.assertEqual(pkg.stub_options(["bootstrap", "-f", "-y"])[2:4], (True, True))
        self.assertEqual(pkg.stub_options(["-j", "node_j", "install"])[0], "node_j")

    def test_stub_without_a_terminal(self):
        with Root({"/etc/pkg/FreeBSD.conf": CONF}):
            env = dict(os.environ)
            env.pop("ASSUME_ALWAYS_YES", None)
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "pkg", "install", "-y", "nginx"],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               env=dict(env, UIRIG_JAIL_ROOT=fs.JROOT, PYTHONDONTWRITEBYTECODE="1"))
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stderr, pkg.NON_INTERACTIVE)

    def test_dns_answer(self):
        qid, query = pkg.dns_query("pkg.freebsd.org", 1)
        answer = bytearray(query)
        answer[2:4] = b"\x81\x80"
        answer[6:8] = b"\x00\x01"
        answer += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x50"
        self.assertEqual(pkg.dns_parse(bytes(answer), qid), (0, [("A", "192.0.2.80")]))

    def test_install_from_a_mirror(self):
        mirror = tempfile.mkdtemp()
        base = os.path.join(mirror, "FreeBSD:14:amd64", "quarterly")
        os.makedirs(base + "/All")
        with open(base + "/packagesite.txt", "w") as f:
            f.write("nginx 1.26.2 300 pcre2\npcre2 10.43 200 -\nnode 22 10 node22\nnode22 22.9.0 100 -\n")
        for n, size in (("nginx-1.26.2", 300), ("pcre2-10.43", 200), ("node-22", 10), ("node22-22.9.0", 100)):
            with open(base + "/All/%s.pkg" % n, "wb") as f:
                f.write(b"x" * size)

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=mirror, **k)

            def log_message(self, *a):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        conf = 'FreeBSD: { url: "http://127.0.0.1:%d/${ABI}/quarterly", enabled: yes }\n' % server.server_port
        try:
            with Root({"/etc/pkg/FreeBSD.conf": conf}) as root:
                pkg.Endpoints.cache.clear()
                code, output, err = captured(pkg.pkg_install, ["-y", "nginx", "node"])
                self.assertEqual(code, 0, err)
                self.assertIn("\tnginx: 1.26.2 [FreeBSD]\n", output)
                self.assertIn("Installing node22-22.9.0...", output)
                self.assertTrue(os.access(root + "/usr/local/etc/rc.d/nginx", os.X_OK))
                self.assertTrue(os.path.exists(root + "/usr/local/etc/nginx/nginx.conf"))
                self.assertTrue(os.path.islink(root + "/usr/local/bin/node"))
                self.assertFalse(os.path.exists(root + "/usr/local/etc/rc.d/node"))
                code, output, _ = captured(pkg.pkg_query, ["%n"])
                self.assertEqual(output, "nginx\nnode\nnode22\npcre2\n")
                code, output, _ = captured(pkg.pkg_install, ["-y", "nginx"])
                self.assertIn("already installed", output)
        finally:
            server.shutdown()
            shutil.rmtree(mirror)

    def test_unreachable_repository(self):
        with Root({"/etc/pkg/FreeBSD.conf": 'FreeBSD: { url: "http://127.0.0.1:9/x", enabled: yes }\n'}):
            pkg.Endpoints.cache.clear()
            code, output, err = captured(pkg.pkg_install, ["-y", "nginx"])
            self.assertEqual(code, 1)
            self.assertIn("pkg: http://127.0.0.1:9/x/meta.conf: Connection refused\n", err)
            self.assertIn("Unable to update repository FreeBSD\n", err)
            self.assertIn("Error updating repositories!\n", output)


SCRIPT = """#!/bin/sh
. {subr}
name=sleeper
rcvar=sleeper_enable
load_rc_config $name
: ${{sleeper_enable:="NO"}}
pidfile="/var/run/${{name}}.pid"
procname="/bin/sleep"
command="/bin/sh"
command_args="-c 'sleep 30 >/dev/null 2>&1 & echo \\$! > $_R/var/run/sleeper.pid'"
run_rc_command "$1"
"""


class RcSubr(unittest.TestCase):
    def run_rc(self, root, verb):
        path = root + "/usr/local/etc/rc.d/sleeper"
        return subprocess.run(["sh", path, verb], capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "UIRIG_JAIL_ROOT": root})

    def test_start_status_stop(self):
        with Root({"/etc/rc.conf": 'sleeper_enable="NO"\n', "/var/run/.keep": "",
                   "/usr/local/etc/rc.d/sleeper": SCRIPT.format(subr=os.path.join(HERE, "rc.subr"))}) as root:
            r = self.run_rc(root, "start")
            self.assertEqual(r.stdout, "Cannot 'start' sleeper. Set sleeper_enable to YES in /etc/rc.conf or use "
                                       "'onestart' instead of 'start'.\n")
            self.assertEqual(r.returncode, 0)
            with open(root + "/etc/rc.conf", "w") as f:
                f.write('sleeper_enable="YES"\n')
            r = self.run_rc(root, "start")
            self.assertEqual((r.returncode, r.stdout), (0, "Starting sleeper.\n"), r.stderr)
            time.sleep(0.2)
            pid = open(root + "/var/run/sleeper.pid").read().strip()
            r = self.run_rc(root, "status")
            self.assertEqual(r.stdout, "sleeper is running as pid %s.\n" % pid)
            r = self.run_rc(root, "start")
            self.assertEqual((r.returncode, r.stderr), (1, "sleeper already running?  (pid=%s).\n" % pid))
            r = self.run_rc(root, "stop")
            self.assertEqual(r.stdout, "Stopping sleeper.\nWaiting for PIDS: %s.\n" % pid)
            r = self.run_rc(root, "status")
            self.assertEqual((r.returncode, r.stdout), (1, "sleeper is not running.\n"))
            r = self.run_rc(root, "stop")
            self.assertEqual(r.stderr, "sleeper not running? (check /var/run/sleeper.pid).\n")
            r = self.run_rc(root, "bogus")
            self.assertIn("unknown directive 'bogus'", r.stderr)


class Daemon(unittest.TestCase):
    def test_child_pidfile_and_output(self):
        with Root({"/var/run/.keep": "", "/var/log/.keep": ""}) as root:
            os.makedirs(root + "/bin")
            os.symlink("/bin/sh", root + "/bin/sh")  # the skeleton's /bin/sh (install.sh)
            env = dict(os.environ, UIRIG_JAIL_ROOT=root, PYTHONDONTWRITEBYTECODE="1")
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "daemon", "-f", "-p",
                                "/var/run/s.pid", "-o", "/var/log/s.log", "/bin/sh", "-c", "echo hello; exec sleep 30"],
                               env=env, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            for _ in range(50):
                if os.path.exists(root + "/var/log/s.log") and open(root + "/var/log/s.log").read():
                    break
                time.sleep(0.1)
            pid = int(open(root + "/var/run/s.pid").read())
            self.assertEqual(open(root + "/var/log/s.log").read(), "hello\n")
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "daemon", "-p", "/var/run/s.pid",
                                "/bin/true"], env=env, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (3, "daemon: process already running, pid: %d\n" % pid))
            os.kill(pid, 15)
            for _ in range(50):
                if not os.path.exists(root + "/var/run/s.pid"):
                    break
                time.sleep(0.1)
            self.assertFalse(os.path.exists(root + "/var/run/s.pid"))

    def test_a_path_the_jail_lacks_is_missing(self):
        with Root({"/var/run/.keep": ""}) as root:
            self.assertEqual(rc.jail_path("/etc/hosts"), root + "/etc/hosts")
            self.assertEqual(rc.jail_path(fs.SIM), fs.SIM)
            env = dict(os.environ, UIRIG_JAIL_ROOT=root, PYTHONDONTWRITEBYTECODE="1")
            sim = [sys.executable, os.path.join(HERE, "freebsd_sim.py"), "daemon"]
            r = subprocess.run(sim + ["-p", "/nonexistent/s.pid", "/bin/true"], env=env, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr),
                             (2, "daemon: pidfile ``/nonexistent/s.pid'': No such file or directory\n"))
            r = subprocess.run(sim + ["-o", "/etc/s.log", "/bin/true"], env=env, capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stderr), (7, "daemon: open: No such file or directory\n"))

    def test_options(self):
        opts, rest = rc.getopt_plus(["-f", "-p", "/x.pid", "-rP/y.pid", "--user=www", "node", "-p"],
                                    rc.DAEMON_OPTS, rc.DAEMON_LONG)
        self.assertEqual(opts, [("f", None), ("p", "/x.pid"), ("r", None), ("P", "/y.pid"), ("u", "www")])
        self.assertEqual(rest, ["node", "-p"])


class Rcorder(unittest.TestCase):
    def test_require(self):
        with Root({"/usr/local/etc/rc.d/a": "# PROVIDE: a\n# REQUIRE: b\n",
                   "/usr/local/etc/rc.d/b": "# PROVIDE: b\n# KEYWORD: shutdown\n",
                   "/usr/local/etc/rc.d/c": "# PROVIDE: c\n# KEYWORD: nojail\n"}) as root:
            for n in "abc":
                os.chmod(root + "/usr/local/etc/rc.d/" + n, 0o755)
            self.assertEqual(rc.rcorder(rc.scripts(), skip=("nojail",)),
                             ["/usr/local/etc/rc.d/b", "/usr/local/etc/rc.d/a"])


class Hold(unittest.TestCase):
    """The harness switch that keeps a matching command waiting while a test acts."""

    def test_skip_then_hold_until_released(self):
        d = tempfile.mkdtemp()
        old, fs.HOLD = fs.HOLD, os.path.join(d, "hold")
        try:
            with open(fs.HOLD, "w") as f:
                f.write("pfctl -s Running\n1\n")
            fs.hold("pfctl", ["-s", "Running"])  # the first one passes
            fs.hold("pfctl", ["-t", "x", "-T", "show"])  # no match: passes
            waiter = threading.Thread(target=fs.hold, args=("pfctl", ["-s", "Running"]))
            waiter.start()
            for _ in range(100):
                if os.path.exists(fs.HOLD + ".held"):
                    break
                time.sleep(0.02)
            with open(fs.HOLD + ".held") as f:
                self.assertEqual(f.read(), "pfctl -s Running\n")
            self.assertTrue(waiter.is_alive())
            os.unlink(fs.HOLD)
            waiter.join(5)
            self.assertFalse(waiter.is_alive())
            self.assertFalse(os.path.exists(fs.HOLD + ".held"))
        finally:
            fs.HOLD = old
            shutil.rmtree(d)


class JailConf(unittest.TestCase):
    """usr.sbin/jail jaillex.l, jailparse.y and config.c load_config."""

    def load(self, text):
        warnings = []
        conf, ok = fs.load_jail_conf(text, "/etc/jail.conf", warnings.append)
        return conf, ok, warnings

    def params(self, text, jail="j"):
        conf, ok, warnings = self.load(text)
        self.assertTrue(ok, warnings)
        self.assertEqual(warnings, [])
        return conf[jail].flat()

    def test_escapes_in_double_quotes_as_uirig_writes_them(self):
        p = self.params(r'j { exec.start = "sh -c \"echo \\\$HOME\" > C:\\dir\\\tx\ny $name ${name}.log"; }')
        self.assertEqual(p["exec.start"], 'sh -c "echo \\$HOME" > C:\\dir\\\tx\ny j j.log')

    def test_other_escapes(self):
        p = self.params(r'j { a = "\101\x41\x4g\a"; b = "x\0cut"; c = "one\
two"; }')
        self.assertEqual((p["a"], p["b"], p["c"]), ("AA\x04g\a", "x", "onetwo"))

    def test_single_quotes_keep_dollars_but_read_escapes(self):
        self.assertEqual(self.params(r"j { a = 'a $name \'q\' \\'; }")["a"], "a $name 'q' \\")

    def test_a_lone_dollar_is_a_dollar(self):
        self.assertEqual(self.params('j { a = "cost $5, $"; }')["a"], "cost $5, $")

    def test_comments_outside_strings_only(self):
        text = ('# a comment "\nj { // another\n a = "x # y // z /* w */"; /* and\n more */ b = c#d; e = f\n'
                "; g = /usr//local; }\n;}")
        p = self.params(text)
        self.assertEqual((p["a"], p["b"], p["g"]), ("x # y // z /* w */", "c", "/usr"))
        self.assertNotIn("e", p)

    def test_adjacent_pieces_are_one_string(self):
        self.assertEqual(self.params("j { path = /jails/\"$name\"'-x'; }")["path"], "/jails/j-x")

    def test_booleans_lists_and_appending(self):
        p = self.params("j { persist; nopersist; allow.raw_sockets; ip4.addr = 10.0.0.1, 10.0.0.2;"
                        " ip4.addr += 10.0.0.3; mount.devfs 1; }")
        self.assertEqual(p["nopersist"], "true")
        self.assertNotIn("persist", p)
        self.assertEqual(p["ip4.addr"], "10.0.0.1, 10.0.0.2, 10.0.0.3")
        self.assertEqual(p["mount.devfs"], "1")

    def test_global_and_wildcard_parameters(self):
        conf, ok, warnings = self.load('path = "/jails/$name"; exec.start = a;\n'
                                       'pg { exec.start = b; }\n"*" { x = 1; }\nweb { sub { y; } }\n')
        self.assertTrue(ok, warnings)
        self.assertEqual(conf["pg"].flat()["path"], "/jails/pg")
        self.assertEqual(conf["pg"].flat()["exec.start"], "b")
        self.assertEqual(conf["pg"].flat()["x"], "1")
        self.assertEqual(conf["web.sub"].flat()["path"], "/jails/web.sub")

    def test_variables(self):
        p = self.params('j { $base = "/jails"; $dir = "$base/$name"; path = "${dir}/root"; }')
        self.assertEqual(p["path"], "/jails/j/root")
        self.assertNotIn("base", p)

    def test_an_unknown_variable_fails_its_jail(self):
        conf, ok, warnings = self.load('j { path = "/j/$nope"; }\nk { path = /k; }\n')
        self.assertTrue(ok)
        self.assertTrue(conf["j"].failed)
        self.assertFalse(conf["k"].failed)
        self.assertEqual(warnings, ['j: path: variable "nope" not found'])

    def test_variable_errors(self):
        for text, warning in (('j { $x = "$y"; $y = "$x"; a = $x; }', "j: x: variable loop"),
                              ('j { $path = 1; }', 'j: variable "$path" cannot have the same name as a parameter.'),
                              ('j { name = k; }', 'j: cannot redefine parameter "name".'),
                              ('j { a = 1, 2; b = "x$a"; }', "j: b: array cannot be substituted inline")):
            conf, ok, warnings = self.load(text)
            self.assertTrue(conf["j"].failed, text)
            self.assertEqual(warnings, [warning])

    def test_syntax_errors(self):
        for text, warnings in (
                ('j {\n path = "/x;\n}\n', ["/etc/jail.conf line 2: unterminated string",
                                            "/etc/jail.conf line 3: }: syntax error"]),
                ("j {\n path = /x\n}\n", ["/etc/jail.conf line 3: }: syntax error"]),
                ("j {\n path = /x;\n", ["/etc/jail.conf: unexpected EOF"]),
                ("j { }\n/* open\n\n", ["/etc/jail.conf line 4: unterminated comment"]),
                ("j { a = ${x\n; }\n", ["/etc/jail.conf line 1: unterminated variable",
                                        "/etc/jail.conf line 2: ;: syntax error"]),
                ("j { a = ${x; }\n", ["/etc/jail.conf: unexpected EOF"]),
                ("j { } }\n", ["/etc/jail.conf line 1: }: syntax error"]),
                ('j { a = "x" "y"; }', ['/etc/jail.conf line 1: "y": syntax error']),
                ("j { = ; = ; b; c = ; }", ["/etc/jail.conf line 1: =: syntax error",
                                            "/etc/jail.conf line 1: ;: syntax error"])):
            conf, ok, got = self.load(text)
            self.assertFalse(ok, text)
            self.assertEqual(got, warnings, text)

    def test_jail_fails_with_the_messages(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "jail.conf")
            with open(path, "w") as f:
                f.write('j {\n path = "/x;\n}\n')
            r = subprocess.run([sys.executable, os.path.join(HERE, "freebsd_sim.py"), "jail", "-f", path, "-q", "-c", "j"],
                               capture_output=True, text=True, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "jail: %s line 2: unterminated string\njail: %s line 3: }: syntax error\n"
                         % (path, path))


if __name__ == "__main__":
    unittest.main()
