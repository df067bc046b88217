"""Not a FreeBSD command: the tests' view of the crontabs FreeBSD's cron(8) would load
(usr.sbin/cron), for 'freebsd-sim cronlines'."""
import os
import re

from freebsd_sim import in_root, out

CRON_SPECIAL = ("@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
                "@every_minute", "@every_second")
CRON_FIELD = re.compile(r"[0-9A-Za-z*,/-]+")


def cron_entry(line, system):
    """usr.sbin/cron/lib/entry.c load_entry, reduced: five time fields or an @keyword (or
    @N seconds), then the user in a system crontab, then a command. False when cron would
    reject the line."""
    words = line.split()
    if not words:
        return False
    if words[0].startswith("@"):
        if words[0] not in CRON_SPECIAL and not words[0][1:].isdigit():
            return False
        need = 1
    else:
        if len(words) < 5 or not all(CRON_FIELD.fullmatch(w) for w in words[:5]):
            return False
        need = 5
    return len(words) > need + (1 if system else 0)


def cron_files():
    """The crontabs cron loads (usr.sbin/cron/cron/database.c load_database): /etc/crontab, the
    files of the system crontab directories /etc/cron.d and /usr/local/etc/cron.d whose names
    do not start with a dot (and that are regular files), and the spool /var/cron/tabs."""
    found = [("/etc/crontab", True)]
    for d, system in (("/etc/cron.d", True), ("/usr/local/etc/cron.d", True), ("/var/cron/tabs", False)):
        try:
            names = sorted(os.listdir(in_root(d)))
        except OSError:
            continue
        for n in names:
            if n.startswith(".") or not os.path.isfile(in_root(d + "/" + n)):
                continue
            found.append((d + "/" + n, system))
    return found


def cron_lines(files=None):
    """(file, line) for every job line cron would run; environment settings and comments are
    not jobs (entry.c load_env)."""
    lines = []
    for path, system in (files or cron_files()):
        try:
            with open(in_root(path), errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or re.match(r"[A-Za-z_][A-Za-z0-9_]*\s*=", stripped):
                continue
            if cron_entry(stripped, system):
                lines.append((path, stripped))
    return lines


def cmd_cronlines(args):
    """Not a FreeBSD command (the tests' probe): the job lines FreeBSD's cron would load, each
    as 'FILE: LINE'."""
    out("".join("%s: %s\n" % fl for fl in cron_lines()))
    return 0
