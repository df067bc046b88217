#!/usr/bin/python3
"""Tests of pkg (pkg_sim.py): repository configuration, messages, downloads from a local mirror.
PYTHONDONTWRITEBYTECODE=1 python3 integration-tests/sim/test_pkg_sim.py"""
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

sys.dont_write_bytecode = True  # before sim_testing: image/build.sh hashes every file of sim/
from sim_testing import HERE, Root, captured, fs  # sys.path, no bytecode beside the simulator

pkg = fs.module("pkg_sim")


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


if __name__ == "__main__":
    unittest.main()
