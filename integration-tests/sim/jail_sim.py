"""jail(8), jls(8), jexec(8) and jail.conf(5) of the simulated FreeBSD host: a VNET jail is a
network namespace (named by freebsd_sim.jail_netns) with a root directory; its bookkeeping is the
"jails" state. Imported by freebsd_sim.py's dispatcher, rc_sim.py and pkg_sim.py (-j JAIL)."""
import json
import os
import re
import signal
import subprocess
import sys
import time

import freebsd_sim as fs
from freebsd_sim import State, become, fail, jail_netns, out, read_state, run

# jail.conf(5) as usr.sbin/jail reads it: jaillex.l's tokens, jailparse.y's grammar (FreeBSD 14:
# nested jails, parameters outside a block go to the "*" pseudo-jail) and config.c load_config's
# merging of wildcard/global parameters and variable substitution.

JC_ATOM = r"[A-Za-z0-9_!%&()\-.:<>?@\[\]^`|~]+|\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.|\n)|[$*+/\\]"
JC_VAR = r"\$[A-Za-z_][A-Za-z_0-9]*"
# jaillex.l's rules per start condition, in its order (flex: longest match, then first rule).
JC_RULES = {
    "_": [(r"[ \t\r\n]+", "space"), (r"#.*", "space"), (r"//.*", "space"),
          (r"/\*(?:[^*]|\*+[^*/])*\*+/", "space"), (r"\+=", "PLEQ"), (r"[,;={}]", "char"),
          (JC_ATOM, "atom"), (r"'(?:[^'\\]|\\(?:.|\n))*'", "squote"), (r'"(?:[^"\\]|\\(?:.|\n))*"', "dquote"),
          (JC_VAR, "var"), (r"\$\{(?:\\(?:.|\n)|[^\n{}])*\}", "bvar"),
          (r"/\*(?:[^*]|\*+[^*/])*\**", "unterminated comment"),
          (r"'(?:[^\n'\\]|\\.)*|\"(?:[^\n\"\\]|\\.)*", "unterminated string"),
          (r"\$\{(?:\\.|[^\n{}])*", "unterminated variable"), (r".", "char")],
    "DQ": [(JC_ATOM, "atom"), (r'[^"$\\](?:[^"\\]|\\(?:.|\n))*"', "dquote"), (r'"', "close"),
           (JC_VAR, "var"), (r'\$\{(?:\\(?:.|\n)|[^\n"{}])*\}', "bvar"),
           (r'\$\{(?:\\.|[^\n"{}])*', "unterminated variable"), (r"(?:.|\n)", "leave")],
}
JC_COMPILED = {state: [(re.compile(p), kind) for p, kind in rules] for state, rules in JC_RULES.items()}
JC_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def jc_unescape(text, tovar=False):
    """jaillex.l text2lval: backslash escapes (octal, \\x hex, C letters, \\newline dropped);
    with tovar, stop at a '$'. Returns (value, index of the '$' or None)."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            if tovar and c == "$":
                return "".join(out), i
            out.append(c)
            i += 1
            continue
        i += 1
        e = text[i] if i < len(text) else "\0"
        octal = re.match(r"[0-7]{1,3}", text[i:])
        hexa = re.match(r"x([0-9A-Fa-f]{0,2})", text[i:])
        if octal:
            out.append(chr(int(octal.group(), 8) & 0xff))
            i += len(octal.group())
        elif hexa:
            out.append(chr(int(hexa.group(1) or "0", 16)))
            i += len(hexa.group())
        else:
            out.append("" if e == "\n" else JC_ESCAPES.get(e, e))
            i += 1
    return "".join(out), None


def c_string(value):
    """A jail.conf string is a C string: it ends at its first NUL."""
    return value.split("\0", 1)[0]


class JailConfLexer:
    """jaillex.l: yields (kind, value, raw text, line); kinds STR STR1 VAR VAR1 PLEQ , ; = { } EOF,
    or the character itself for anything else. Complaints go to warn() and make the file fail."""

    def __init__(self, text, cfname, warn):
        self.text, self.cfname, self.warn = text, cfname, warn
        self.pos, self.state, self.instr, self.error = 0, "_", False, False

    def line(self):
        return self.text.count("\n", 0, self.pos) + 1

    def longest(self):
        best, kind = None, None
        for rx, k in JC_COMPILED[self.state]:
            m = rx.match(self.text, self.pos)
            if m and (best is None or len(m.group()) > len(best.group())):
                best, kind = m, k
        return best, kind

    def piece(self, value, var=False):
        kind = ("VAR" if var else "STR") + ("1" if self.instr else "")
        self.instr = True
        return kind, c_string(value)

    def next(self):
        while self.pos < len(self.text):
            start = self.pos
            m, kind = self.longest()
            raw = m.group()
            self.pos = m.end()
            token = self.action(kind, raw, start)
            if token:
                return token + (self.text[start:self.pos], self.line())
        return "EOF", "", "", self.line()

    def action(self, kind, raw, start):
        if kind == "space":
            self.instr = False
        elif kind in ("PLEQ", "char") and (kind == "PLEQ" or raw in ",;={}"):
            self.instr = False
            return (kind if kind == "PLEQ" else raw), raw
        elif kind == "char":
            return raw, raw
        elif kind == "atom":
            return self.piece(jc_unescape(raw)[0])
        elif kind == "squote":
            return self.piece(jc_unescape(raw[1:-1])[0])
        elif kind == "dquote":
            return self.dquote(raw, start)
        elif kind == "close":
            self.state = "_"
        elif kind == "var":
            return self.piece(raw[1:], var=True)
        elif kind == "bvar":
            return self.piece(jc_unescape(raw[2:-1])[0], var=True)
        elif kind == "leave":
            self.state, self.pos = "_", start
        else:
            self.warn("%s line %d: %s" % (self.cfname, self.line(), kind))
            self.error = True
        return None

    def dquote(self, raw, start):
        skip = 1 if raw.startswith('"') else 0
        value, at = jc_unescape(raw[skip:-1], tovar=True)
        if at is None:
            self.state = "_"
        else:
            # A variable inside the string: back up to the '$' (yyless) and go on in DQ mode.
            self.state, self.pos = "DQ", start + skip + at
        return self.piece(value)


class JailConfSyntax(Exception):
    pass


class JailConfAbort(Exception):
    pass


class JailConfParser:
    """jailparse.y by recursive descent, with yacc's recovery (the 'param: error' rule):
    after a syntax error, tokens are dropped up to a ';', and a new error is reported only once
    three tokens have been shifted since. Jails are [name, params]; a param is
    {name, var, append, values: [[text, [[var, pos], ...]], ...]}."""

    def __init__(self, text, cfname, warn):
        self.lex = JailConfLexer(text, cfname, warn)
        self.cfname, self.warn = cfname, warn
        self.look = self.lex.next()
        self.errflag, self.syntax_errors, self.aborted = 0, 0, False
        self.jails, self.glob = [], None

    def shift(self):
        token = self.look
        self.errflag = max(0, self.errflag - 1)
        self.look = self.lex.next()
        return token

    def report(self):
        kind, _, raw, line = self.look
        if self.errflag == 0:
            self.syntax_errors += 1
            if kind == "EOF":
                self.warn("%s: unexpected EOF" % self.cfname)
            else:
                self.warn("%s line %d: %s: syntax error" % (self.cfname, line, raw))
        self.errflag = 3

    def recover(self):
        """Drops tokens up to the ';' that ends the bad parameter; yacc aborts at the end of file."""
        while self.look[0] != ";":
            if self.look[0] == "EOF":
                raise JailConfAbort()
            self.look = self.lex.next()
        self.shift()

    def parse(self):
        try:
            self.conf(None)
        except JailConfAbort:
            self.aborted = True
        return self.jails

    def conf(self, jail):
        while True:
            kind = self.look[0]
            if kind == "EOF" and jail is None or kind == "}" and jail is not None:
                return
            try:
                self.item(jail)
            except JailConfSyntax:
                self.report()
                self.recover()

    def item(self, jail):
        kind = self.look[0]
        if kind == ";":
            self.shift()
            return
        if kind not in ("STR", "VAR"):
            raise JailConfSyntax()
        name = self.shift()
        if name[0] == "STR" and self.look[0] == "{":
            return self.block(jail, name[1])
        param = self.param(name)
        if self.look[0] != ";":
            raise JailConfSyntax()
        self.shift()
        target = jail if jail is not None else self.global_jail()
        target[1].append(param)

    def global_jail(self):
        if self.glob is None:
            self.glob = ["*", []]
            self.jails.append(self.glob)
        return self.glob

    def block(self, parent, name):
        jail = [name if parent is None else parent[0] + "." + name, []]
        self.jails.append(jail)
        self.shift()
        self.conf(jail)
        self.shift()

    def param(self, name):
        param = {"name": name[1], "var": name[0] == "VAR", "append": False, "values": []}
        if self.look[0] in ("=", "PLEQ"):
            param["append"] = self.shift()[0] == "PLEQ"
            param["values"] = self.value()
        elif self.look[0] in ("STR", "VAR"):
            param["values"] = self.value()
        return param

    def value(self):
        values = [self.string()]
        while self.look[0] == ",":
            self.shift()
            values.append(self.string())
        return values

    def string(self):
        """A string is a STR or VAR, then the STR1/VAR1 pieces glued to it (no space between)."""
        if self.look[0] not in ("STR", "VAR"):
            raise JailConfSyntax()
        text, variables = "", []
        while True:
            kind, value = self.shift()[:2]
            if kind.startswith("VAR"):
                variables.append([value, len(text)])
            else:
                text += value
            if self.look[0] not in ("STR1", "VAR1"):
                return [text, variables]


# config.c intparams: names jail(8) knows; a $variable may not take one of them.
JC_INTERNAL = ("allow.dying", "command", "depend", "exec.clean", "exec.consolelog", "exec.fib",
               "exec.jail_user", "exec.poststart", "exec.poststop", "exec.prepare", "exec.prestart",
               "exec.prestop", "exec.release", "exec.created", "exec.start", "exec.stop",
               "exec.system_jail_user", "exec.system_user", "exec.timeout", "interface", "ip_hostname",
               "mount", "mount.devfs", "mount.fdescfs", "mount.procfs", "mount.fstab", "stop.timeout",
               "vnet.interface", "ip4.addr", "ip6.addr", "allow.chflags", "allow.mount",
               "allow.raw_sockets", "allow.set_hostname", "allow.socket_af", "allow.sysvipc",
               "devfs_ruleset", "host.hostname", "jid", "name", "path", "persist", "securelevel", "vnet")


def equalopts(a, b):
    """config.c equalopts: "opt" and "noopt" (also after a dotted prefix) name one parameter."""
    if a == b or a.startswith("no") and a[2:] == b or b.startswith("no") and b[2:] == a:
        return True
    while "." in a:
        prefix = a[:a.index(".") + 1]
        if not b.startswith(prefix):
            return False
        a, b = a[len(prefix):], b[len(prefix):]
        if a.startswith("no") and a[2:] == b or b.startswith("no") and b[2:] == a:
            return True
    return False


def wild_jail_name(name):
    """config.c wild_jail_name: a '*' that is a whole dot-separated component."""
    return "*" in name.split(".")


def wild_jail_match(name, wild):
    """config.c wild_jail_match: a non-final '*' matches one component, a final one the rest."""
    jparts, wparts = name.split("."), wild.split(".")
    for i, w in enumerate(wparts):
        if i == len(wparts) - 1:
            return w == "*" or ".".join(jparts[i:]) == w
        if i >= len(jparts) - 1 or w not in ("*", jparts[i]):
            return False
    return False


class JailConfJail:
    """One jail's parameters as config.c load_config builds them."""

    def __init__(self, name, warn):
        self.name, self.warn, self.failed, self.params = name, warn, False, []

    def complain(self, message):
        self.warn("%s: %s" % (self.name, message))
        self.failed = True

    def add(self, param, immutable=False):
        """config.c add_param: a parameter named again replaces (or with += extends) the first."""
        values = [[t, [list(v) for v in vs]] for t, vs in param["values"]]
        for p in self.params:
            if not equalopts(p["name"], param["name"]):
                continue
            if p["var"] != param["var"]:
                return self.complain('variable "$%s" cannot have the same name as a parameter.' % param["name"])
            if p.get("immutable"):
                return self.complain('cannot redefine parameter "%s".' % p["name"])
            p["name"] = param["name"]
            p["values"] = (p["values"] if param["append"] and values else []) + values
            return None
        if param["var"] and any(equalopts(param["name"], n) for n in JC_INTERNAL):
            return self.complain('variable "$%s" cannot have the same name as a parameter.' % param["name"])
        self.params.append({"name": param["name"], "var": param["var"], "values": values,
                            "immutable": immutable, "gen": 0, "bad": False})
        return None

    def resolve(self):
        """config.c load_config: substitutes each $variable with that parameter's value,
        resolving a variable's own variables first; then drops the variables."""
        pgen, i = 0, 0
        while i < len(self.params):
            pgen += 1
            p = self.params[i]
            p["gen"] = pgen
            while p is not None:
                p = self.resolve_param(p, pgen, i)
            i += 1
        self.params = [p for p in self.params if not p["var"]]

    def resolve_param(self, p, pgen, index):
        """Substitutes p's variables; returns the parameter to resolve first, if any."""
        for s in p["values"]:
            while s[1]:
                var, pos = s[1][0]
                vp = next((q for q in self.params if q["name"] == var), None)
                if vp is None or not vp["values"]:
                    self.complain('%s: variable "%s" not found' % (p["name"], var))
                elif vp["bad"]:
                    self.failed = True
                elif vp["gen"] == pgen:
                    self.complain("%s: variable loop" % var)
                elif any(vs[1] for vs in vp["values"]):
                    vp["gen"] = pgen
                    self.params.remove(vp)
                    self.params.insert(index, vp)
                    return vp
                elif len(vp["values"]) > 1 and (s[0] or len(s[1]) > 1):
                    self.complain("%s: array cannot be substituted inline" % p["name"])
                else:
                    self.substitute(p, s, vp)
                    continue
                for q in self.params:
                    q["bad"] = q["bad"] or q["gen"] == pgen
                s[1].pop(0)
        return None

    def substitute(self, p, s, vp):
        var, pos = s[1].pop(0)
        first = vp["values"][0][0]
        s[0] = s[0][:pos] + first + s[0][pos:]
        for v in s[1]:
            v[1] += len(first)
        at = p["values"].index(s)
        p["values"][at + 1:at + 1] = [[t, []] for t, _ in vp["values"][1:]]

    def flat(self):
        """The simulator's view: {param: value}; several values joined by ", ", "true" for none.
        The file was read byte for byte (latin-1); values go back to UTF-8 text here."""
        def text(t):
            return t.encode("latin-1").decode("utf-8", "surrogateescape")
        return {p["name"]: ", ".join(text(t) for t, _ in p["values"]) if p["values"] else "true"
                for p in self.params}


def load_jail_conf(text, cfname, warn):
    """config.c load_config: parse, then give each jail the global and matching wildcard
    parameters (those written before the jail first, its own, then those after) and resolve
    variables. Returns ({jail: JailConfJail} in order, False if the file is unusable)."""
    parser = JailConfParser(text, cfname, warn)
    jails = parser.parse()
    if parser.aborted or parser.syntax_errors or parser.lex.error:
        return {}, False
    wild = [(seq, j) for seq, j in enumerate(jails) if wild_jail_name(j[0])]
    result = {}
    for seq, (name, own) in enumerate(jails):
        if wild_jail_name(name):
            continue
        jail = JailConfJail(name, warn)
        numeric = re.fullmatch(r"\s*[+-]?\d+", name) and int(name) != 0
        jail.add({"name": "jid" if numeric else "name", "var": False, "append": True,
                  "values": [[name, []]]}, immutable=True)
        done = False
        for wseq, (wname, wparams) in wild:
            if seq < wseq and not done:
                done = [jail.add(p) for p in own] or True
            if wild_jail_match(name, wname):
                for p in wparams:
                    jail.add(p)
        if not done:
            for p in own:
                jail.add(p)
        jail.resolve()
        result[name] = jail
    return result, True


def jails_state():
    return read_state("jails", {"next": 1, "jails": {}})


def run_in_jail(jail, path, argv, env_extra=None):
    env = ["env", "UIRIG_JAIL=" + jail, "UIRIG_JAIL_ROOT=" + path, "PATH=" + jail_search_path(path)]
    return subprocess.run(["ip", "netns", "exec", jail_netns(jail)] + env + argv, text=True)


def cmd_jail(args):
    """jail(8), after usr.sbin/jail/jail.c (-c/-r/-m on jail.conf(5) entries; "NAME: created"/"removed")."""
    conf_file = "/etc/jail.conf"
    quiet = False
    action = None
    names = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-f":
            conf_file = args[i + 1]
            i += 2
            continue
        if a.startswith("-") and len(a) > 1:
            for ch in a[1:]:
                if ch in "crm":
                    action = (action or "") + ch
                elif ch == "q":
                    quiet = True
            i += 1
            continue
        names.append(a)
        i += 1
    if not action or not names:
        fail("usage: jail [-dhilqv] [-J jid_file] [-u username] [-U username] -[cmr] param=value ... [command=command ...]")
    conf = read_jail_conf(conf_file)  # jail.c main: load_config comes before any jail_set(2)
    if os.geteuid() != 0:
        # jail_set(2)/jail_remove(2) need PRIV_JAIL_SET/REMOVE (sys/kern/kern_jail.c): EPERM.
        fail("jail: jail_remove: Operation not permitted" if action == "r" else "jail: jail_set: Operation not permitted")
    code = 0
    for name in names:
        if name in conf and conf[name].failed:
            # jail.c main loop: a jail that failed in load_config is neither created nor removed.
            code = 1
            continue
        params = conf[name].flat() if name in conf else {}
        if "r" in action:
            code |= jail_remove(name, params, quiet)
        if "c" in action:
            if name not in conf:
                fail('jail: "%s" not found' % name)
            code |= jail_create(name, params, quiet)
    return code


def warn_bytes(message):
    """warnx(3) of text read byte for byte (latin-1 here): the bytes go out as they came in."""
    line = ("jail: %s\n" % message).encode("latin-1")
    sys.stderr.flush()
    if hasattr(sys.stderr, "buffer"):
        sys.stderr.buffer.write(line)
        sys.stderr.flush()
    else:
        sys.stderr.write(line.decode("utf-8", "replace"))


def read_jail_conf(conf_file):
    """config.c load_config: err(1) if the file cannot be opened; exit(1) after any complaint
    about its syntax (each printed by warnx, "jail: FILE line N: ...")."""
    try:
        with open(conf_file, "rb") as f:
            text = f.read().decode("latin-1")
    except FileNotFoundError:
        fail("jail: %s: No such file or directory" % conf_file)
    conf, ok = load_jail_conf(text, conf_file, warn_bytes)
    if not ok:
        sys.exit(1)
    return conf


def jail_create(name, params, quiet):
    with State("jails", {"next": 1, "jails": {}}) as st:
        if name in st.data["jails"]:
            sys.stderr.write('jail: "%s" already exists\n' % name)
            return 1
        path = params.get("path", "")
        if not os.path.isdir(path):
            sys.stderr.write("jail: %s: path %s: No such file or directory\n" % (name, path))
            return 1
        ns = jail_netns(name)
        run(["ip", "netns", "add", ns])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        for iface in [x.strip() for x in params.get("vnet.interface", "").split(",") if x.strip()]:
            r = run(["ip", "link", "set", iface, "netns", ns], check=False)
            if r.returncode != 0:
                run(["ip", "netns", "del", ns], check=False)
                sys.stderr.write("jail: %s: vnet.interface %s: No such file or directory\n" % (name, iface))
                return 1
        jid = st.data["next"]
        st.data["next"] = jid + 1
        st.data["jails"][name] = {"jid": jid, "path": path, "params": params}
    start = params.get("exec.start", "")
    if start:
        run_in_jail(name, path, ["/bin/sh", "-c", start.replace("/bin/sh /etc/rc", fs.SIM + " rc start")])
    if not quiet:
        out("%s: created\n" % name)
    return 0


def jail_remove(name, params, quiet):
    st = jails_state()
    if name not in st["jails"]:
        sys.stderr.write('jail: "%s" not found\n' % name)
        return 1
    info = st["jails"][name]
    stop = info["params"].get("exec.stop", "")
    if stop:
        run_in_jail(name, info["path"], ["/bin/sh", "-c", stop.replace("/bin/sh /etc/rc.shutdown", fs.SIM + " rc stop")])
    ns = jail_netns(name)
    pids = run(["ip", "netns", "pids", ns], check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass
    deadline = time.time() + 10
    while run(["ip", "netns", "pids", ns], check=False).stdout.split() and time.time() < deadline:
        time.sleep(0.1)
    for pid in run(["ip", "netns", "pids", ns], check=False).stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    # VNET interfaces return to the host when the jail dies.
    data = json.loads(run(["ip", "-n", ns, "-j", "link", "show"]).stdout or "[]")
    for l in data:
        if l.get("link_type") != "loopback":
            run(["ip", "-n", ns, "link", "set", l["ifname"], "netns", "1"], check=False)
    run(["ip", "netns", "del", ns], check=False)
    with State("jails", {"next": 1, "jails": {}}) as s:
        s.data["jails"].pop(name, None)
    if not quiet:
        out("%s: removed\n" % name)
    return 0


def cmd_jls(args):
    """jls(8), after usr.sbin/jls/jls.c (the default table, -j, and --libxo json through libxo)."""
    st = jails_state()
    jails = sorted(st["jails"].items(), key=lambda kv: kv[1]["jid"])
    if "--libxo" in args and "json" in args:
        items = []
        for name, info in jails:
            entry = {"jid": str(info["jid"]), "name": name, "path": info["path"], "vnet": "new",
                     "host.hostname": info["params"].get("host.hostname", name)}
            for k, v in info["params"].items():
                if k.startswith("exec.") or k.startswith("mount.") or k in ("path", "vnet", "vnet.interface") or v == "true":
                    continue
                entry[k] = v
            items.append(entry)
        # libxo's layout: spaced envelope, compact jail objects.
        out('{"__version": "2", "jail-information": {"jail": [' + ", ".join(json.dumps(j, separators=(",", ":")) for j in items)
            + "]}}\n")
        return 0
    if "-j" in args:
        name = args[args.index("-j") + 1]
        info = st["jails"].get(name)
        if not info:
            fail("jls: jail \"%s\" not found" % name)
        out("%d\n" % info["jid"])
        return 0
    out("   JID  IP Address      Hostname                      Path\n")
    for name, info in jails:
        out("%6d  %-15s %-29s %s\n" % (info["jid"], "", info["params"].get("host.hostname", name)[:29], info["path"]))
    return 0


def cmd_jexec(args):
    """jexec(8), after usr.sbin/jexec/jexec.c: runs the command in the jail (here its network namespace and root)."""
    if not args:
        fail("usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]")
    name = args[0]
    st = jails_state()
    info = st["jails"].get(name)
    if info is None:
        for n, i in st["jails"].items():
            if str(i["jid"]) == name:
                name, info = n, i
    if info is None:
        fail('jexec: jail "%s" not found' % args[0])
    if os.geteuid() != 0:
        # jail_attach(2) needs PRIV_JAIL_ATTACH (usr.sbin/jexec/jexec.c: err(1, "jail_attach(%d)")).
        fail("jexec: jail_attach(%d): Operation not permitted" % info["jid"])
    argv = args[1:] or ["/bin/sh"]
    return become("ip", ["ip", "netns", "exec", jail_netns(name), "env", "UIRIG_JAIL=" + name,
                         "UIRIG_JAIL_ROOT=" + info["path"], "PATH=" + jail_search_path(info["path"])] + argv)


def jail_search_path(root):
    """PATH for a jailed command: a jailed process finds its commands in the jail's root. With
    no chroot here, each PATH directory the jail's root has comes first, under that root (so a
    package's /usr/local/bin/node is found only in the jail that installed it)."""
    dirs = []
    for d in os.environ.get("PATH", "/sbin:/bin:/usr/sbin:/usr/bin").split(":"):
        if d.startswith("/") and os.path.isdir(root + d) and d not in ("/bin", "/sbin", "/usr/bin", "/usr/sbin"):
            dirs.append(root + d)
        dirs.append(d)
    return ":".join(dirs)
