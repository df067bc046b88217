"""pkg(8) of the simulated FreeBSD 14.1 host.

Two programs, as on FreeBSD: /usr/sbin/pkg is the bootstrap stub (usr.sbin/pkg/pkg.c), which
installs the real pkg (ports-mgmt/pkg) into LOCALBASE/sbin of the root it runs in and then hands
it the command. The simulated real pkg reads its repositories from the root's /etc/pkg/*.conf and
/usr/local/etc/pkg/repos/*.conf, resolves the repository's host with the root's /etc/resolv.conf
and downloads over HTTP from the network stack the command runs in (the host's, or the jail's
VNET for pkg -j), so routes, NAT and pf decide whether it works.

The repository is the harness's mirror (see install.sh): packagesite.txt ("NAME VERSION SIZE
DEPS" lines) and All/NAME-VERSION.pkg blobs. Installing a package records it in the root's
package database and installs what the port ships that the tests use (rc.d scripts, binaries
that run Debian's, default configuration files).
"""
import errno
import json
import os
import random
import re
import socket
import struct
import sys
import time

import freebsd_sim as fs

ABI = "FreeBSD:14:amd64"
LOCALBASE = "/usr/local"
PKG_VERSION = "1.21.3"  # ports-mgmt/pkg of the 2024Q3 quarterly branch, 14.1's era
SIM_DIR = "/usr/lib/uirig-sim"
CLIENT = SIM_DIR + "/client"
DB = "/var/db/pkg/uirig-sim-packages.json"
CACHE = "/var/cache/pkg"


def out(text):
    sys.stdout.write(text)
    sys.stdout.flush()


def err(text):
    sys.stderr.write(text + "\n")


def truthy(value):
    """libpkg config.c / usr.sbin/pkg/config.c boolstr_to_bool: yes, true, on or a leading 1."""
    v = (value or "").strip().lower()
    return v in ("yes", "true", "on") or v.startswith("1")


# ---------------------------------------------------------------- the stub (usr.sbin/pkg/pkg.c)

NON_INTERACTIVE = ("The package management tool is not yet installed on your system.\n"
                   "Please set ASSUME_ALWAYS_YES=yes environment variable to be able to bootstrap "
                   "in non-interactive (stdin not being a tty)\n")
CONFIRM = ("The package management tool is not yet installed on your system.\n"
           "Do you want to fetch and install it now? [y/N]: ")


def bootstrapped():
    return os.access(fs.in_root(LOCALBASE + "/sbin/pkg"), os.X_OK)


def stub_options(args):
    """pkg.c main: getopt "+:dN46" before the command (unknown options such as -j are skipped and
    their argument then ends the options), then "+:fy" after 'bootstrap' only. FreeBSD 14.1's stub
    does not look for -y after any other command, so 'pkg install -y' cannot bootstrap."""
    i, activation = 0, False
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        activation |= "N" in args[i][1:]
        i += 1
    rest = args[i:]
    command = rest[0] if rest else ""
    force = yes = False
    extra = []
    if command == "bootstrap":
        for a in rest[1:]:
            if a.startswith("-") and len(a) > 1:
                force |= "f" in a
                yes |= "y" in a
            else:
                extra.append(a)
    return command, activation, force, yes, extra


def cmd_pkg(args):
    """/usr/sbin/pkg: pkg.c main."""
    command, activation, force, yes, extra = stub_options(args)
    if command == "bootstrap" and extra:
        sys.stderr.write("Too many arguments\nUsage: pkg [-4|-6] bootstrap [-f] [-y]\n")
        return 1
    if (command == "bootstrap" and force) or not bootstrapped():
        if activation:
            fs.fail("pkg: pkg is not installed")
        yes = yes or truthy(os.environ.get("ASSUME_ALWAYS_YES"))
        if not yes:
            if not os.isatty(0):
                sys.stderr.write(NON_INTERACTIVE)
                return 1
            out(CONFIRM)
            if sys.stdin.readline()[:1] not in ("y", "Y"):
                return 1
        if bootstrap(force) != 0:
            return 1
        if command == "bootstrap":
            return 0
    elif command == "bootstrap":
        out("pkg already bootstrapped at %s/sbin/pkg\n" % LOCALBASE)
        return 0
    return cmd_real(args)


def bootstrap(force):
    """pkg.c bootstrap_pkg: fetch URL/Latest/pkg.pkg of the first enabled repository, verify it
    and 'pkg-static add' it. The signature check is not simulated (the mirror signs nothing)."""
    repos = [r for r in load_repos(fs.in_root("/")) if truthy(r.get("enabled", "yes"))]
    for repo in repos:
        out("Bootstrapping pkg from %s, please wait...\n" % repo["url"])
        site = site_url(repo)
        url = site + "/Latest/pkg.pkg"
        status, detail = fetch(repo, url, "/tmp/pkg.pkg.uirig")
        if status != "ok":
            err("pkg: Error fetching %s: %s" % (url, detail))
            if status == "resolv":
                err("Address resolution failed for %s." % site)
            else:
                err("A pre-built version of pkg could not be found for your system.")
            continue
        fs.remove_quietly(fs.in_root("/tmp/pkg.pkg.uirig"))
        out("Verifying signature with trusted certificate pkg.freebsd.org.2013102301... done\n")
        if os.geteuid() != 0:
            err("pkg-static: Insufficient privileges to add packages")
            return 1
        version = (catalogue_of(repo) or {}).get("pkg", {}).get("version", PKG_VERSION)
        out("Installing pkg-%s...\nExtracting pkg-%s: 100%%\n" % (version, version))
        install_files("pkg")
        record({"pkg": {"version": version, "deps": [], "repo": repo["name"]}})
        return 0
    return 1


# ---------------------------------------------------------------- repository configuration

def parse_ucl(text):
    """The subset of UCL that repository files use: NAME: { key: value, ... } blocks, values
    quoted or bare, '#' comments, ',' or ';' or newlines between pairs (libucl)."""
    text = re.sub(r"(?m)#.*$", "", text)
    repos = {}
    for m in re.finditer(r'"?([A-Za-z0-9_.-]+)"?\s*[:=]?\s*\{((?:"(?:[^"\\]|\\.)*"|[^"{}])*)\}', text):
        body = {}
        for kv in re.finditer(r'([A-Za-z_]+)\s*[:=]\s*("(?:[^"\\]|\\.)*"|[^,;\n}]+)', m.group(2)):
            value = kv.group(2).strip()
            body[kv.group(1).lower()] = value[1:-1] if value.startswith('"') else value
        repos.setdefault(m.group(1), {}).update(body)
    return repos


def load_repos(root):
    """libpkg pkg_config.c load_repositories: every *.conf of /etc/pkg, then of
    LOCALBASE/etc/pkg/repos (REPOS_DIR), in name order; a later file's keys override an
    earlier definition of the same repository. Returns the repositories in definition order."""
    merged = {}
    for d in ("/etc/pkg", LOCALBASE + "/etc/pkg/repos"):
        path = os.path.join(root, d.lstrip("/"))
        try:
            names = sorted(n for n in os.listdir(path) if n.endswith(".conf"))
        except OSError:
            continue
        for n in names:
            try:
                with open(os.path.join(path, n)) as f:
                    parsed = parse_ucl(f.read())
            except OSError:
                continue
            for name, body in parsed.items():
                merged.setdefault(name, {"name": name}).update(body)
    return [r for r in merged.values() if r.get("url")]


def site_url(repo):
    """The repository URL with ${ABI} expanded and the pkg+ prefix (which asks for SRV records,
    pkg.c URL_SCHEME_PREFIX) removed."""
    url = repo["url"].replace("${ABI}", os.environ.get("ABI", ABI))
    return url[4:] if url.startswith("pkg+") else url


def split_url(url):
    m = re.fullmatch(r"(\w+)://([^/:]+)(?::(\d+))?(/.*)?", url)
    if not m:
        return None
    return m.group(1), m.group(2), int(m.group(3) or (443 if m.group(1) == "https" else 80)), m.group(4) or "/"


# ---------------------------------------------------------------- DNS (a stub resolver)

def resolv_conf(root):
    """resolv.conf(5): up to MAXNS (3) nameservers (127.0.0.1 without any), options timeout:N and
    attempts:N over RES_TIMEOUT 5 and RES_DFLRETRY 2 (include/resolv.h)."""
    servers, timeout, attempts = [], 5, 2
    try:
        with open(os.path.join(root, "etc/resolv.conf")) as f:
            lines = f.read().splitlines()
    except OSError:
        lines = []
    for line in lines:
        words = line.split()
        if len(words) >= 2 and words[0] == "nameserver" and len(servers) < 3:
            servers.append(words[1])
        elif words[:1] == ["options"]:
            for o in words[1:]:
                if o.startswith("timeout:"):
                    timeout = max(1, int(o[8:] or 5))
                elif o.startswith("attempts:"):
                    attempts = max(1, int(o[9:] or 2))
    return servers or ["127.0.0.1"], timeout, attempts


def dns_query(name, qtype):
    qid = random.randrange(65536)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"
    return qid, struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack(">HH", qtype, 1)


def dns_name(msg, i):
    labels, jumped, end = [], False, i
    while True:
        n = msg[i]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = i + 2
            i, jumped = ((n & 0x3F) << 8) | msg[i + 1], True
            continue
        if n == 0:
            return ".".join(labels), (end if jumped else i + 1)
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += n + 1


def dns_parse(msg, qid):
    """An answer's rcode and its A and SRV records (RFC 1035 4.1)."""
    rid, flags, qd, an = struct.unpack(">HHHH", msg[:8])
    if rid != qid:
        return None
    i = 12
    for _ in range(qd):
        _, i = dns_name(msg, i)
        i += 4
    records = []
    for _ in range(an):
        _, i = dns_name(msg, i)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[i:i + 10])
        i += 10
        if rtype == 1 and rdlen == 4:
            records.append(("A", socket.inet_ntoa(msg[i:i + 4])))
        elif rtype == 33:
            prio, weight, port = struct.unpack(">HHH", msg[i:i + 6])
            records.append(("SRV", (prio, weight, port, dns_name(msg, i + 6)[0])))
        i += rdlen
    return flags & 0xF, records


def resolve(name, qtype, root):
    """res_send.c: each attempt asks every nameserver in turn, waiting RES_TIMEOUT << attempt
    (divided by the number of servers after the first round). Returns ('ok', records),
    ('nxdomain'|'nodata', []) or ('again', []) when nobody answered or a server failed."""
    servers, timeout, attempts = resolv_conf(root)
    qid, query = dns_query(name, qtype)
    for attempt in range(attempts):
        wait = timeout << attempt
        if attempt:
            wait = max(1, wait // len(servers))
        for server in servers:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.settimeout(wait)
                s.sendto(query, (server, 53))
                deadline = time.time() + wait
                while True:
                    s.settimeout(max(0.01, deadline - time.time()))
                    parsed = dns_parse(s.recv(4096), qid)
                    if parsed:
                        break
            except OSError:
                continue
            finally:
                s.close()
            rcode, records = parsed
            if rcode == 3:
                return "nxdomain", []
            if rcode != 0:
                continue
            return ("ok", records) if records else ("nodata", [])
    return "again", []


# ---------------------------------------------------------------- fetching (libfetch)

# lib/libfetch/common.c netdb_errlist and the errno texts of FreeBSD's strerror(3).
RESOLVER_ERRORS = {"nxdomain": "No address record", "nodata": "No address record",
                   "again": "Transient resolver failure"}
ERRNO_TEXT = {errno.ECONNREFUSED: "Connection refused", errno.ETIMEDOUT: "Operation timed out",
              errno.EHOSTUNREACH: "No route to host", errno.ENETUNREACH: "Network is unreachable",
              errno.EPERM: "Permission denied", errno.EACCES: "Permission denied",
              errno.ECONNRESET: "Connection reset by peer"}
FETCH_TIMEOUT = 30  # pkg.conf(5) FETCH_TIMEOUT default


class Endpoints:
    """Where a repository's host is, looked up once per command (a real pkg would ask again for
    every file; the answer would be the same, only slower)."""
    cache = {}


def endpoints(repo, host):
    key = (repo.get("name"), host)
    if key in Endpoints.cache:
        return Endpoints.cache[key]
    root = fs.in_root("/")
    targets = [(host, None)]
    # libpkg fetch.c: mirror_type srv looks up _SCHEME._tcp.HOST first and falls back to HOST.
    if repo.get("mirror_type", "").lower() == "srv" and repo["url"].startswith("pkg+"):
        status, records = resolve("_http._tcp." + host, 33, root)
        srv = sorted(r[1] for r in records if r[0] == "SRV")
        if srv:
            targets = [(t[3], t[2]) for t in srv]
    result = None
    for target, port in targets:
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", target):
            result = ("ok", [(target, port)])
            break
        status, records = resolve(target, 1, root)
        if status == "ok":
            result = ("ok", [(a[1], port) for a in records if a[0] == "A"])
            break
        result = ("resolv", RESOLVER_ERRORS[status])
    Endpoints.cache[key] = result
    return result


def fetch(repo, url, dest, progress=None):
    """GET url into dest (a path in the current root, or None to keep it in memory). Returns
    ('ok', bytes or size), ('resolv', message) or ('error', message) as libfetch reports."""
    parts = split_url(url)
    if not parts or parts[0] != "http":
        return "error", "Invalid URL" if not parts else "URL scheme not supported by the simulated fetch"
    scheme, host, port, path = parts
    found = endpoints(repo, host)
    if found[0] != "ok":
        return found
    last = "Connection refused"
    for address, srv_port in found[1]:
        try:
            conn = socket.create_connection((address, srv_port or port), FETCH_TIMEOUT)
        except socket.timeout:
            last = "Operation timed out"
            continue
        except OSError as e:
            last = ERRNO_TEXT.get(e.errno, e.strerror or str(e))
            continue
        try:
            return http_get(conn, host, path, dest, progress)
        except socket.timeout:
            return "error", "Operation timed out"
        except OSError as e:
            return "error", ERRNO_TEXT.get(e.errno, e.strerror or str(e))
        finally:
            conn.close()
    return "error", last


def http_get(conn, host, path, dest, progress):
    conn.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: pkg/%s\r\nConnection: close\r\n\r\n"
                  % (path, host, PKG_VERSION)).encode())
    f = conn.makefile("rb")
    status = f.readline().decode("latin-1").split(None, 2)
    headers = {}
    while True:
        line = f.readline().decode("latin-1").strip()
        if not line:
            break
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if len(status) < 2 or status[1] != "200":
        # libfetch http.c http_seterr: the server's reason phrase ("Not Found").
        return "error", status[2].strip() if len(status) > 2 else "Protocol error"
    size = int(headers.get("content-length", "0") or 0)
    sink = open(fs.in_root(dest), "wb") if dest else None
    data, done = [], 0
    try:
        while True:
            chunk = f.read(65536)
            if not chunk:
                break
            done += len(chunk)
            if sink:
                sink.write(chunk)
            else:
                data.append(chunk)
    finally:
        if sink:
            sink.close()
    if size and done < size:
        return "error", "Connection reset by peer"
    return "ok", (done if dest else b"".join(data))


# ---------------------------------------------------------------- the catalogue

def parse_packagesite(text):
    """The harness mirror's catalogue: NAME VERSION SIZE DEPS (comma-separated or '-')."""
    packages = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) < 3 or line.lstrip().startswith("#"):
            continue
        deps = [] if len(words) < 4 or words[3] == "-" else [d for d in words[3].split(",") if d]
        packages[words[0]] = {"version": words[1], "size": int(words[2]), "deps": deps}
    return packages


def catalogue_path(repo):
    return "/var/db/pkg/repos/%s/uirig-sim-packagesite.txt" % repo["name"]


def catalogue_of(repo):
    try:
        with open(fs.in_root(catalogue_path(repo))) as f:
            return parse_packagesite(f.read())
    except OSError:
        return None


def update(force=False, quiet=False):
    """pkg update (libpkg repo/binary/update.c pkg_repo_binary_update, pkgcli_update): per
    repository 'Updating NAME repository catalogue...', the fetch errors as 'pkg: URL: MESSAGE',
    'Unable to update repository NAME', and at the end 'All repositories are up to date.' or
    'Error updating repositories!'. Returns the catalogue merged over the updated repositories."""
    merged, failed = {}, False
    repos = [r for r in load_repos(config_root()) if truthy(r.get("enabled", "yes"))]
    if not repos:
        err("No active remote repositories configured.")
        return None
    for repo in repos:
        site = site_url(repo)
        if not quiet:
            out("Updating %s repository catalogue...\n" % repo["name"])
        status, body = fetch(repo, site + "/packagesite.txt", None)
        if status != "ok":
            err("pkg: %s/meta.conf: %s" % (site, body))
            out("repository %s has no meta file, using default settings\n" % repo["name"])
            err("pkg: %s/packagesite.pkg: %s" % (site, body))
            err("pkg: %s/packagesite.txz: %s" % (site, body))
            err("Unable to update repository %s" % repo["name"])
            failed = True
            continue
        text = body.decode("utf-8", "replace")
        path = fs.in_root(catalogue_path(repo))
        old = None
        try:
            with open(path) as f:
                old = f.read()
        except OSError:
            pass
        if old == text and not force:
            if not quiet:
                out("%s repository is up to date.\n" % repo["name"])
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            if not quiet:
                out("Fetching meta.conf: 100%%\nFetching data.pkg: 100%%\nProcessing entries: 100%%\n"
                    "%s repository update completed. %d packages processed.\n" % (repo["name"], len(parse_packagesite(text))))
        for name, p in parse_packagesite(text).items():
            merged.setdefault(name, dict(p, repo=repo))
    if not quiet:
        out("Error updating repositories!\n" if failed else "All repositories are up to date.\n")
    return None if failed else merged


def resolve_deps(catalogue, names):
    """Every package the names need, dependencies before their dependents (libpkg's solver
    reduced to a depth-first walk of the catalogue)."""
    order, seen = [], set()

    def visit(n):
        if n in seen:
            return
        seen.add(n)
        for d in catalogue[n]["deps"]:
            if d in catalogue:
                visit(d)
        order.append(n)

    for n in names:
        visit(n)
    return order


def human(size):
    """libpkg humanize_number style sizes of pkg's plan ("5 MiB", "340 KiB")."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return "%d %s" % (size, unit)
        size //= 1024


# ---------------------------------------------------------------- the real pkg

class Root:
    """pkg -r ROOTDIR installs into ROOTDIR with the host's configuration; pkg -c and pkg -j
    (chroot, jail_attach) make the target's configuration and network the command's own."""
    config = None


def config_root():
    return Root.config or fs.in_root("/")


def cmd_real(args):
    """The installed pkg, after pkg(8) and freebsd/pkg src/main.c (main's global options): -j, -c,
    -r, -N, -v, then the command."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("-j", "-c", "-r") and i + 1 < len(args):
            target = args[i + 1]
            if a == "-j":
                if os.geteuid() != 0:
                    fs.fail("pkg: jail_attach(%s): Operation not permitted" % target)
                return fs.module("jail_sim").cmd_jexec([target, fs.SIM, "pkgreal"] + args[i + 2:])
            if a == "-c" and os.geteuid() != 0:
                fs.fail("pkg: chroot failed: Operation not permitted")
            Root.config = fs.in_root("/") if a == "-r" else target
            fs.JROOT = target.rstrip("/") if target != "/" else ""
            i += 2
            continue
        if a in ("-v", "--version"):
            out(PKG_VERSION + "\n")
            return 0
        if a == "-N":
            out("pkg: %d packages installed\n" % len(installed()))
            return 0
        i += 1
    if i >= len(args):
        fs.fail("Usage: pkg [-v] [-d] [-l] [-N] [-j <jail name or id>|-c <chroot path>|-r <rootdir>] "
                "[-C <configuration file>] [-R <repo config dir>] [-o var=value] [-4|-6] <command> [<args>]")
    command, rest = args[i], args[i + 1:]
    handler = {"install": pkg_install, "update": pkg_update, "query": pkg_query, "info": pkg_info,
               "bootstrap": pkg_bootstrap_real, "delete": pkg_delete, "remove": pkg_delete}.get(command)
    if handler is None:
        fs.fail("pkg: unknown command: %s" % command)
    return handler(rest)


def pkg_bootstrap_real(rest):
    """pkg's own 'bootstrap' (src/main.c): pkg is there already."""
    out("pkg(8) already installed, use -f to force.\n")
    return 0


def installed():
    try:
        with open(fs.in_root(DB)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def record(new):
    db = installed()
    db.update(new)
    path = fs.in_root(DB)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump(db, f, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def assume_yes(opts):
    return "y" in opts or truthy(os.environ.get("ASSUME_ALWAYS_YES"))


def split_opts(rest):
    opts, names = "", []
    for a in rest:
        if a == "--yes":
            opts += "y"
        elif a.startswith("-") and len(a) > 1:
            opts += a[1:]
        else:
            names.append(a)
    return opts, names


def pkg_update(rest):
    opts, _ = split_opts(rest)
    if os.geteuid() != 0:
        fs.fail("pkg: Insufficient privileges to update the repository catalogue.", 77)
    return 0 if update(force="f" in opts, quiet="q" in opts) is not None else 1


def pkg_install(rest):
    """pkg install (src/install.c exec_install): privileges, repository update, the plan, the
    confirmation (-y or ASSUME_ALWAYS_YES), fetching every package, then installing in order."""
    opts, names = split_opts(rest)
    if os.geteuid() != 0:
        fs.fail("pkg: Insufficient privileges to install packages", 77)
    catalogue = update(quiet="q" in opts)
    if catalogue is None:
        return 1
    have = installed()
    for n in names:
        if n not in catalogue:
            err("pkg: No packages available to install matching '%s' have been found in the repositories" % n)
            return 1
    todo = [n for n in resolve_deps(catalogue, names) if n not in have]
    if not todo:
        out("Checking integrity... done (0 conflicting)\nThe most recent versions of packages are already installed\n")
        return 0
    out("The following %d package(s) will be affected (of 0 checked):\n\nNew packages to be INSTALLED:\n" % len(todo))
    for n in sorted(todo):
        out("\t%s: %s [%s]\n" % (n, catalogue[n]["version"], catalogue[n]["repo"]["name"]))
    total = sum(catalogue[n]["size"] for n in todo)
    out("\nNumber of packages to be installed: %d\n\nThe process will require %s more space.\n%s to be downloaded.\n"
        % (len(todo), human(total * 3), human(total)))
    if not assume_yes(opts):
        out("\nProceed with this action? [y/N]: ")
        if sys.stdin.readline()[:1] not in ("y", "Y"):
            return 1
    os.makedirs(fs.in_root(CACHE), exist_ok=True)
    for i, n in enumerate(todo, 1):
        p = catalogue[n]
        file = "%s-%s.pkg" % (n, p["version"])
        status, detail = fetch(p["repo"], "%s/All/%s" % (site_url(p["repo"]), file), "%s/%s" % (CACHE, file))
        if status != "ok":
            err("pkg: %s/All/%s: %s" % (site_url(p["repo"]), file, detail))
            return 1
        out("[%d/%d] Fetching %s: 100%%    %s\n" % (i, len(todo), file, human(p["size"])))
    out("Checking integrity... done (0 conflicting)\n")
    for i, n in enumerate(todo, 1):
        v = catalogue[n]["version"]
        out("[%d/%d] Installing %s-%s...\n" % (i, len(todo), n, v))
        install_files(n)
        record({n: {"version": v, "deps": catalogue[n]["deps"], "repo": catalogue[n]["repo"]["name"]}})
        out("[%d/%d] Extracting %s-%s: 100%%\n" % (i, len(todo), n, v))
    return 0


def pkg_delete(rest):
    opts, names = split_opts(rest)
    if os.geteuid() != 0:
        fs.fail("pkg: Insufficient privileges to delete packages", 77)
    db = installed()
    gone = [n for n in names if n in db]
    if not gone:
        out("No packages matched for pattern '%s'\n\nChecking integrity... done (0 conflicting)\n"
            "Nothing to do.\n" % (names[0] if names else ""))
        return 0
    for n in gone:
        out("[1/1] Deleting %s-%s...\n" % (n, db.pop(n)["version"]))
    path = fs.in_root(DB)
    with open(path, "w") as f:
        json.dump(db, f, indent=1, sort_keys=True)
    return 0


def pkg_query(rest):
    """pkg query FORMAT [NAME...] (src/query.c): %n name, %v version, %o origin (not recorded);
    exit 1 when a named package is not installed."""
    opts, words = split_opts(rest)
    if not words:
        fs.fail("Usage: pkg query <query-format> <pkg-name>")
    fmt, names = words[0], words[1:]
    db = installed()
    chosen = [n for n in sorted(db) if not names or n in names]
    for n in chosen:
        out(fmt.replace("%n", n).replace("%v", db[n]["version"]).replace("\\n", "\n") + "\n")
    return 0 if chosen or not names else 1


def pkg_info(rest):
    """pkg info [-e] [NAME...] (src/info.c)."""
    opts, names = split_opts(rest)
    db = installed()
    if "e" in opts:
        return 0 if names and all(n in db for n in names) else 1
    chosen = [n for n in sorted(db) if not names or n in names]
    if names and not chosen:
        fs.fail("pkg: No package(s) matching %s" % names[0])
    for n in chosen:
        out("%-32s %s\n" % ("%s-%s" % (n, db[n]["version"]), "simulated package"))
    return 0


# ---------------------------------------------------------------- what the packages ship

def debian_binary(name, *candidates):
    """A Debian program the simulated package runs, moved aside by install.sh or in place."""
    for c in (fs.LINUX + "/" + name,) + candidates:
        if os.path.exists(c):
            return c
    return candidates[-1] if candidates else name


def put(path, text=None, link=None, mode=0o644, sample=False):
    """Installs one file of a package into the root. sample: the port's @sample, which copies
    FILE-dist to FILE only when FILE does not exist (the operator's copy stays)."""
    target = fs.in_root(path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if link:
        fs.remove_quietly(target)
        os.symlink(link, target)
        return
    dist = target + ("-dist" if sample else "")
    with open(dist, "w") as f:
        f.write(text)
    os.chmod(dist, mode)
    if sample and not os.path.exists(target):
        with open(target, "w") as f:
            f.write(text)
        os.chmod(target, mode)


def rc_script(name):
    with open(os.path.join(SIM_DIR if os.path.isdir(SIM_DIR) else os.path.dirname(__file__), "rc.d-" + name)) as f:
        return f.read()


# Our own rendering of nginx's default configuration as www/nginx installs it (conf/nginx.conf with
# the port's paths): port 80, documents in /usr/local/www/nginx.
NGINX_CONF = """# nginx.conf as the www/nginx package installs it (simulated host).
#user  nobody;
worker_processes  1;

events {
    worker_connections  1024;
}

http {
    include       mime.types;
    default_type  application/octet-stream;
    sendfile        on;
    keepalive_timeout  65;

    server {
        listen       80;
        server_name  localhost;

        location / {
            root   /usr/local/www/nginx;
            index  index.html index.htm;
        }

        error_page   500 502 503 504  /50x.html;
        location = /50x.html {
            root   /usr/local/www/nginx-dist;
        }
    }
}
"""

MIME_TYPES = """types {
    text/html                                        html htm shtml;
    text/css                                         css;
    text/plain                                       txt;
    application/javascript                           js;
    application/json                                 json;
    image/png                                        png;
    image/jpeg                                       jpeg jpg;
    image/svg+xml                                    svg svgz;
    application/octet-stream                         bin exe dll;
}
"""


def install_files(name):
    """The files of a package that the simulated host uses."""
    if name == "pkg":
        put(LOCALBASE + "/sbin/pkg", link=CLIENT)
        put(LOCALBASE + "/sbin/pkg-static", link=CLIENT)
    elif re.fullmatch(r"nginx(-\w+)?", name):
        put(LOCALBASE + "/sbin/nginx", link=CLIENT)
        put(LOCALBASE + "/etc/rc.d/nginx", rc_script("nginx"), mode=0o755)
        put(LOCALBASE + "/etc/nginx/nginx.conf", NGINX_CONF, sample=True)
        put(LOCALBASE + "/etc/nginx/mime.types", MIME_TYPES, sample=True)
        put(LOCALBASE + "/www/nginx-dist/index.html", "<html><body><h1>Welcome to nginx!</h1></body></html>\n")
        put(LOCALBASE + "/www/nginx-dist/50x.html", "<html><body><h1>An error occurred.</h1></body></html>\n")
        if not os.path.lexists(fs.in_root(LOCALBASE + "/www/nginx")):
            put(LOCALBASE + "/www/nginx", link="nginx-dist")
        os.makedirs(fs.in_root("/var/log/nginx"), exist_ok=True)
    elif re.fullmatch(r"node\d+", name):
        # www/nodeNN installs the interpreter; www/node itself is a meta port with no files.
        put(LOCALBASE + "/bin/node", link=debian_binary("node", "/usr/bin/node"))
    elif re.fullmatch(r"postgresql\d+-server", name):
        put(LOCALBASE + "/etc/rc.d/postgresql", rc_script("postgresql"), mode=0o755)
        for tool in ("postgres", "pg_ctl", "initdb"):
            put(LOCALBASE + "/bin/" + tool, link=CLIENT)
        home = fs.in_root("/var/db/postgres")
        os.makedirs(home, exist_ok=True)
        try:
            import pwd
            pw = pwd.getpwnam("postgres")
            os.chown(home, pw.pw_uid, pw.pw_gid)
        except (KeyError, OSError):
            pass
    elif re.fullmatch(r"postgresql\d+-client", name):
        for tool in ("psql", "pg_dump", "createdb", "createuser"):
            put(LOCALBASE + "/bin/" + tool, link=CLIENT)
    elif name == "spiped":
        put(LOCALBASE + "/etc/rc.d/spiped", rc_script("spiped"), mode=0o755)
        put(LOCALBASE + "/bin/spiped", link=debian_binary("spiped", "/usr/bin/spiped"))
