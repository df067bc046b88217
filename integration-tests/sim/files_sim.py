"""Commands on files and datasets of the simulated FreeBSD host: zfs(8) create, clone, get, set,
mount and list, sha256(1), stat(1) -f and lockf(1)."""
import fcntl
import grp
import os
import pwd
import re
import signal
import subprocess
import sys
import time

import freebsd_sim as fs
from freebsd_sim import State, become, fail, out, read_state, run

# ---------------------------------------------------------------- zfs(8)
# After FreeBSD's sys/contrib/openzfs: cmd/zfs/zfs_main.c (the commands, their options, usage and
# messages), lib/libzfs/libzfs_dataset.c (zfs_validate_name, check_parents, zfs_create,
# create_parents, zfs_valid_proplist, zfs_prop_get, get_source), libzfs_util.c (zfs_verror's
# "ACTION: DESCRIPTION", zfs_nicestrtonum, zprop_parse_value, zprop_get_list,
# zprop_print_one_property), libzfs_mount.c (zfs_mount_at), module/zcommon/zfs_namecheck.c and
# zfs_prop.c (the property table). The pools and datasets are a record in the state (zfs.json); a
# mounted dataset is its mountpoint directory, made as zfs_mount_at makes it (mkdirp 0755), whose
# earlier content is put aside while the dataset covers it (STATE/zfs-covered).

# The state of a host installed by bsdinstall with root on ZFS (usr.sbin/bsdinstall/scripts/zfsboot:
# zpool create -O compression=on -O atime=off -m none, ZFSBOOT_DATASETS, zfs set mountpoint=/zroot
# zroot, canmount=noauto on the boot environment), plus the jail template uirig's README asks for
# (zroot/jails/template@14.1-RELEASE).
ZFS_INSTALLED = {"pools": ["zroot"], "snapshots": ["zroot/jails/template@14.1-RELEASE"], "covered": {}, "datasets": {
    "zroot": {"props": {"mountpoint": "/zroot", "compression": "on", "atime": "off"}, "mounted": True},
    "zroot/ROOT": {"props": {"mountpoint": "none"}, "mounted": False},
    "zroot/ROOT/default": {"props": {"mountpoint": "/", "canmount": "noauto"}, "mounted": True},
    "zroot/home": {"props": {"mountpoint": "/home"}, "mounted": True},
    "zroot/tmp": {"props": {"mountpoint": "/tmp", "exec": "on", "setuid": "off"}, "mounted": True},
    "zroot/usr": {"props": {"mountpoint": "/usr", "canmount": "off"}, "mounted": False},
    "zroot/usr/ports": {"props": {"setuid": "off"}, "mounted": True},
    "zroot/usr/src": {"props": {}, "mounted": True},
    "zroot/var": {"props": {"mountpoint": "/var", "canmount": "off"}, "mounted": False},
    "zroot/var/audit": {"props": {"exec": "off", "setuid": "off"}, "mounted": True},
    "zroot/var/crash": {"props": {"exec": "off", "setuid": "off"}, "mounted": True},
    "zroot/var/log": {"props": {"exec": "off", "setuid": "off"}, "mounted": True},
    "zroot/var/mail": {"props": {"atime": "on"}, "mounted": True},
    "zroot/var/tmp": {"props": {"setuid": "off"}, "mounted": True},
    "zroot/jails": {"props": {}, "mounted": True},
    "zroot/jails/template": {"props": {}, "mounted": True}}}

# compress_table of zfs_prop.c: gzip-6 and zstd-fast-1 are stored as (and printed as) gzip and zstd-fast.
ZFS_COMPRESS = (["on", "off", "lzjb", "gzip"] + ["gzip-%d" % i for i in range(1, 10)] + ["zle", "lz4", "zstd", "zstd-fast"]
                + ["zstd-%d" % i for i in range(1, 20)]
                + ["zstd-fast-%d" % i for i in list(range(1, 11)) + [20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000]])
ZFS_COMPRESS_STORED = {"gzip-6": "gzip", "zstd-fast-1": "zstd-fast"}
ZFS_COMPRESS_VALUES = ("on | off | lzjb | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19] | zstd-fast | "
                       "zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]")

# The simulated properties (zfs_prop.c zfs_prop_init): kind, default, inheritable, the VALUES of
# zfs get's usage. ZIO_COMPRESS_DEFAULT is off (zio.h).
ZFS_PROPS = {
    "atime": ("index", "on", True, "on | off", ["on", "off"]),
    "canmount": ("index", "on", False, "on | off | noauto", ["off", "on", "noauto"]),
    "compression": ("index", "off", True, ZFS_COMPRESS_VALUES, ZFS_COMPRESS),
    "exec": ("index", "on", True, "on | off", ["on", "off"]),
    "mounted": ("readonly", None, False, "yes | no", None),
    "mountpoint": ("mountpoint", "/", True, "<path> | legacy | none", None),
    "name": ("readonly", None, False, None, None),
    "origin": ("readonly", None, False, "<snapshot>", None),
    "overlay": ("index", "on", True, "on | off", ["on", "off"]),
    "quota": ("number", "0", False, "<size> | none", None),
    "recordsize": ("number", "131072", True, "512 to 1M, power of 2", None),
    "reservation": ("number", "0", False, "<size> | none", None),
    "setuid": ("index", "on", True, "on | off", ["on", "off"]),
    "type": ("readonly", None, False, "filesystem | volume | snapshot | bookmark", None),
}
# Every other name of zfs_prop.c's table: a real property the simulator does not model.
ZFS_UNSIMULATED = set((
    "redundant_metadata sync checksum dedup snapdir snapdev aclmode acltype aclinherit copies primarycache "
    "secondarycache prefetch logbias xattr dnodesize volmode direct relatime devices readonly jailed vscan nbmand "
    "version defer_destroy keystatus normalization casesensitivity keyformat encryption utf8only clones sharenfs "
    "sharesmb mlslabel context fscontext defcontext rootcontext receive_resume_token encryptionroot keylocation "
    "redact_snaps used available referenced compressratio refcompressratio volblocksize volthreading "
    "usedbysnapshots usedbydataset usedbychildren usedbyrefreservation userrefs written logicalused "
    "logicalreferenced filesystem_count snapshot_count guid createtxg pbkdf2iters objsetid volsize refquota "
    "refreservation filesystem_limit snapshot_limit special_small_blocks creation snapshots_changed").split())
# zfs_max_recordsize (1M): the pool's maxblocksize with large_blocks enabled (spa.c spa_prop_get_config).
ZFS_MAXBLOCKSIZE = 1 << 20

ZFS_USAGE = {
    "create": "\tcreate [-Pnpuv] [-o property=value] ... <filesystem>\n"
              "\tcreate [-Pnpsv] [-b blocksize] [-o property=value] ... -V <size> <volume>\n",
    "clone": "\tclone [-p] [-o property=value] ... <snapshot> <filesystem|volume>\n",
    "get": "\tget [-rHp] [-j [--json-int]] [-d max] [-o \"all\" | field[,...]]\n\t    [-t type[,...]] [-s source[,...]]\n"
           "\t    <\"all\" | property[,...]> [filesystem|volume|snapshot|bookmark] ...\n",
    "set": "\tset [-u] <property=value> ... <filesystem|volume|snapshot> ...\n",
    "mount": "\tmount [-j]\n\tmount [-flvO] [-o opts] <-a|-R filesystem|filesystem>\n",
}


class ZfsError(Exception):
    """libzfs's zfs_error: "ACTION: DESCRIPTION" on standard error."""


def zfs_usage(command):
    """zfs_main.c usage(B_FALSE): the command's usage, for set and get the property table (here the
    simulated properties only), then exit 2."""
    text = "usage:\n" + ZFS_USAGE[command]
    if command in ("set", "get"):
        text += "\nThe following properties are supported:\n\n\t%-21s %s  %s   %s\n\n" % ("PROPERTY", "EDIT", "INHERIT", "VALUES")
        for name in sorted(ZFS_PROPS):
            kind, _, inherit, values, _ = ZFS_PROPS[name]
            if name != "name":
                text += "\t%-22s %s%s%s\n" % (name, " NO    " if kind == "readonly" else "YES    ",
                                               "  YES   " if inherit else "   NO   ", values or "-")
        text += "\nSizes are specified in bytes with standard units such as K, M, G, etc.\n"
    else:
        text += ("\nFor the property list, run: zfs set|get\n\nFor the delegated permission list, run: zfs allow|unallow\n"
                 "\nFor further help on a command or topic, run: zfs help [<topic>]\n")
    sys.stderr.write(text)
    sys.exit(2)


def zfs_name_problem(name, modifying=False, types=("filesystem",)):
    """libzfs_dataset.c zfs_validate_name over zfs_namecheck.c entity_namecheck: why OpenZFS refuses
    the name, or None."""
    if "snapshot" not in types and "@" in name:
        return "snapshot delimiter '@' is not expected here"
    if types == ("snapshot",) and "@" not in name:
        return "missing '@' delimiter in snapshot name"
    if "bookmark" not in types and "#" in name:
        return "bookmark delimiter '#' is not expected here"
    if modifying and "%" in name:
        return "invalid character % in name"
    if name.count("@") + name.count("#") > 1:
        return "multiple '@' and/or '#' delimiters in name"
    if len(name.encode()) >= 256:
        return "name is too long"
    if name.startswith("/"):
        return "leading slash in name"
    if not name:
        return "empty component or misplaced '@' or '#' delimiter in name"
    dataset, at, snap = name.replace("#", "@").partition("@")
    parts = dataset.split("/") + ([snap] if at else [])
    for i, part in enumerate(parts):
        if i == len(parts) - 1 and not part and not at:
            return "trailing slash in name"
        bad = [c for c in part if not (c.isascii() and c.isalnum()) and c not in "-_.: %"]
        if bad:
            return "invalid character '%s' in name" % bad[0]
        if part in (".", ".."):
            return "self reference, '.' is found in name" if part == "." else "parent reference, '..' is found in name"
        if not part:
            return "empty component or misplaced '@' or '#' delimiter in name"
    return None


def nicestrtonum(value):
    """libzfs_util.c zfs_nicestrtonum and str2shift; ValueError with libzfs's words."""
    if not value or not (value[0].isdigit() and value[0].isascii() or value[0] == "."):
        raise ValueError("bad numeric value '%s'" % value)
    m = re.match(r"[0-9]*", value)
    whole, rest = m.group(), value[m.end():]
    if whole and int(whole) >= 1 << 64:
        raise ValueError("numeric value is too large")
    fraction = None
    if rest.startswith("."):
        f = re.match(r"[0-9]*\.[0-9]*(?:[eE][+-]?[0-9]+)?", value)
        if f and re.search(r"[0-9]", f.group().split("e")[0].split("E")[0]):
            fraction, rest = float(f.group()), value[f.end():]
        else:
            rest = value
    shift = 0
    if rest:
        i = "BKMGTPEZ".find(rest[0].upper())
        tail = rest[1:].upper()
        if i < 0 or not (tail == "" or i > 0 and tail in ("B", "IB")):
            raise ValueError("invalid numeric suffix '%s'" % rest)
        shift = 10 * i
    if fraction is not None:
        number = fraction * 2 ** shift
        if number >= 2 ** 64:
            raise ValueError("numeric value is too large")
        return int(number)
    number = int(whole or 0) << shift
    if shift >= 64 or number >= 1 << 64:
        raise ValueError("numeric value is too large")
    return number


def nicebytes(n):
    """lib/libzutil/zutil_nicenum.c zfs_nicenum_format with ZFS_NICENUM_BYTES (zfs get without -p)."""
    units, index, m = "BKMGTPE", 0, n
    while m >= 1024 and index < 6:
        m //= 1024
        index += 1
    if index == 0 or n % (1024 ** index) == 0:
        return "%d%s" % (m, units[index])
    for prec in (2, 1, 0):
        text = "%.*f%s" % (prec, n / 1024 ** index, units[index])
        if len(text) <= 5:
            return text
    return text


def zfs_stored(st, name, prop, text):
    """zfs_valid_proplist and zprop_parse_value for one property=value: the value as stored (and as
    zfs get -p prints it), or ZfsError's description."""
    if ":" in prop:
        return text  # a user property: any string
    if prop not in ZFS_PROPS:
        if prop in ZFS_UNSIMULATED:
            fail("zfs: property '%s' is not simulated" % prop)
        raise ZfsError("invalid property '%s'" % prop)
    kind, _, _, _, table = ZFS_PROPS[prop]
    if kind == "readonly":
        raise ZfsError("'%s' is readonly" % prop)
    if kind == "index":
        if text not in table:
            raise ZfsError("'%s' must be one of '%s'" % (prop, ZFS_PROPS[prop][3]))
        return ZFS_COMPRESS_STORED.get(text, text) if prop == "compression" else text
    if kind == "mountpoint":
        if text in ("none", "legacy"):
            return text
        if not text.startswith("/"):
            raise ZfsError("'mountpoint' must be an absolute path, 'none', or 'legacy'")
        if any(len(c.encode()) >= 256 for c in text[1:].split("/")):
            raise ZfsError("component of 'mountpoint' is too long")
        return text
    if text == "none":
        number = 0
    else:
        try:
            number = nicestrtonum(text)
        except ValueError as e:
            raise ZfsError(str(e))
        if number == 0 and prop == "quota":
            raise ZfsError("use 'none' to disable quota/refquota")
    if prop == "recordsize" and (number < 512 or number > ZFS_MAXBLOCKSIZE or number & (number - 1)):
        raise ZfsError("'recordsize' must be power of 2 from 512B to %s" % nicebytes(ZFS_MAXBLOCKSIZE))
    return str(number)


def zfs_parent(name):
    return name.rsplit("/", 1)[0] if "/" in name else None


def zfs_prop(st, name, prop):
    """zfs_prop_get with its source (get_source): (value as -p prints it, source column)."""
    ds = st["datasets"][name]
    if prop == "name":
        return name, "-"
    if prop == "type":
        return "filesystem", "-"
    if prop == "mounted":
        return ("yes" if ds["mounted"] else "no"), "-"
    if prop == "origin":
        return ds.get("origin") or "-", "-"
    if ":" in prop:
        for at in [name] + zfs_ancestors(name):
            if prop in st["datasets"][at]["props"]:
                return st["datasets"][at]["props"][prop], "local" if at == name else "inherited from " + at
        return "-", "-"
    kind, default, inherit, _, _ = ZFS_PROPS[prop]
    if prop in ds["props"]:
        return ds["props"][prop], "local"
    if inherit:
        for at in zfs_ancestors(name):
            if prop in st["datasets"][at]["props"]:
                value = st["datasets"][at]["props"][prop]
                if prop == "mountpoint" and value.startswith("/"):
                    # An inherited mountpoint is the ancestor's and the rest of the name ("/" not doubled).
                    value = value.rstrip("/") + "/" + name[len(at) + 1:]
                return value, "inherited from " + at
    if prop == "mountpoint":
        return "/" + name, "default"
    return default, "default"


def zfs_ancestors(name):
    out, at = [], zfs_parent(name)
    while at is not None:
        out.append(at)
        at = zfs_parent(at)
    return out


def zfs_check_parents(st, name, what, accept_ancestor=False):
    """libzfs_dataset.c check_parents: the closest existing ancestor, or ZfsError."""
    parent = zfs_parent(name)
    if parent is None:
        raise ZfsError("cannot %s '%s': missing dataset name" % (what, name))
    pool = parent.split("/")[0]
    if pool not in st["pools"]:
        raise ZfsError("cannot %s '%s': no such pool '%s'" % (what, name, pool))
    while parent not in st["datasets"]:
        if not accept_ancestor:
            raise ZfsError("cannot %s '%s': parent does not exist" % (what, name))
        parent = zfs_parent(parent)
    return parent


def zfs_mount(st, name):
    """libzfs_mount.c zfs_mount_at: the mountpoint made (mkdirp 0755) when missing; with overlay on (the
    default) no emptiness check; then the directory is the dataset's root: what it held is put aside
    while the dataset is mounted, and a new dataset's root is root's, mode 0755 (zfs_znode.c
    zfs_create_fs)."""
    mountpoint, _ = zfs_prop(st, name, "mountpoint")
    if not mountpoint.startswith("/"):
        return
    if not os.path.lexists(mountpoint):
        old = os.umask(0o022)
        try:
            os.makedirs(mountpoint, 0o755)
        finally:
            os.umask(old)
    elif not os.path.isdir(mountpoint):
        raise ZfsError("cannot mount '%s': Not a directory" % name)
    elif zfs_prop(st, name, "overlay")[0] != "on" and os.listdir(mountpoint):
        raise ZfsError("cannot mount '%s': directory is not empty" % mountpoint)
    entries = os.listdir(mountpoint)
    if entries or mountpoint in st["covered"]:
        import shutil
        store = os.path.join(fs.STATE, "zfs-covered", str(len(os.listdir(os.path.join(fs.STATE, "zfs-covered")))
                                                          if os.path.isdir(os.path.join(fs.STATE, "zfs-covered")) else 0))
        os.makedirs(store)
        for e in entries:
            shutil.move(os.path.join(mountpoint, e), store)
        info = os.stat(mountpoint)
        st["covered"].setdefault(mountpoint, []).append({"store": store, "mode": info.st_mode & 0o7777,
                                                         "uid": info.st_uid, "gid": info.st_gid})
    os.chown(mountpoint, 0, 0)
    os.chmod(mountpoint, 0o755)
    st["datasets"][name]["mounted"] = True


def zfs_remount(st, name, old):
    """changelist_prefix/postfix for a mounted dataset whose mountpoint changed: its files move with it
    to the new place, and what the old directory covered comes back."""
    import shutil
    new, _ = zfs_prop(st, name, "mountpoint")
    if not old.startswith("/") or new == old:
        return
    held = [(e, os.path.join(old, e)) for e in os.listdir(old)] if os.path.isdir(old) else []
    info = os.stat(old) if os.path.isdir(old) else None
    st["datasets"][name]["mounted"] = False
    if new.startswith("/"):
        zfs_mount(st, name)
        for e, path in held:
            shutil.move(path, new)
        if info is not None:
            os.chown(new, info.st_uid, info.st_gid)
            os.chmod(new, info.st_mode & 0o7777)
    covered = st["covered"].get(old)
    if covered:
        layer = covered.pop()
        for e in os.listdir(layer["store"]):
            shutil.move(os.path.join(layer["store"], e), old)
        os.rmdir(layer["store"])
        os.chown(old, layer["uid"], layer["gid"])
        os.chmod(old, layer["mode"])
        if not covered:
            del st["covered"][old]


def zfs_options(command, args, spec):
    """getopt(3) as zfs_main.c uses it: "invalid option 'c'" and usage for a letter not in spec."""
    def bad():
        zfs_usage(command)
    opts, rest = [], list(args)
    while rest and rest[0].startswith("-") and rest[0] != "-":
        word = rest.pop(0)
        if word == "--":
            break
        j = 1
        while j < len(word):
            c = word[j]
            pos = spec.find(c)
            if pos < 0 or c == ":":
                sys.stderr.write("invalid option '%s'\n" % c)
                bad()
            if spec[pos + 1:pos + 2] == ":":
                value = word[j + 1:] or (rest.pop(0) if rest else None)
                if value is None:
                    return opts + [(":", c)], rest
                opts.append((c, value))
                break
            opts.append((c, None))
            j += 1
    return opts, rest


def zfs_parseprop(props, text):
    """zfs_main.c parseprop: PROPERTY=VALUE, each property once."""
    if "=" not in text:
        sys.stderr.write("missing '=' for property=value argument\n")
        return False
    prop, value = text.split("=", 1)
    if prop in props:
        sys.stderr.write("property '%s' specified multiple times\n" % prop)
        return False
    props[prop] = value
    return True


def zfs_privileged(action, name):
    """The zfs ioctls' secpolicy (zfs_ioctl.c): without root or a delegation, EPERM."""
    if os.geteuid() != 0:
        raise ZfsError("cannot %s '%s': permission denied" % (action, name))


def zfs_create_one(st, name, props, mount):
    """libzfs_dataset.c zfs_create and zfs_main.c zfs_mount_and_share."""
    problem = zfs_name_problem(name, modifying=True)
    if problem:
        raise ZfsError("cannot create '%s': %s" % (name, problem))
    if name.count("/") >= 50:
        raise ZfsError("cannot create '%s': maximum name nesting depth exceeded" % name)
    zfs_check_parents(st, name, "create")
    if name in st["datasets"]:
        raise ZfsError("cannot create '%s': dataset already exists" % name)
    zfs_privileged("create", name)
    stored = {}
    for prop, value in props.items():
        try:
            stored[prop] = zfs_stored(st, name, prop, value)
        except ZfsError as e:
            raise ZfsError("cannot create '%s': %s" % (name, e))
    st["datasets"][name] = {"props": stored, "mounted": False}
    if mount and zfs_prop(st, name, "canmount")[0] == "on":
        try:
            zfs_mount(st, name)
        except ZfsError as e:
            sys.stderr.write("%s\n" % e)
            raise ZfsError("filesystem successfully created, but not mounted")


def zfs_do_create(st, args):
    """zfs_main.c zfs_do_create for filesystems: -o, -p (ancestors created and mounted first, nothing
    done when the dataset exists), -u (not mounted)."""
    opts, rest = zfs_options("create", args, ":PV:b:nso:puv")
    props, parents, mount = {}, False, True
    for c, value in opts:
        if c == ":":
            sys.stderr.write("missing size argument\n")
            zfs_usage("create")
        if c == "o":
            if not zfs_parseprop(props, value):
                return 1
        elif c == "p":
            parents = True
        elif c == "u":
            mount = False
        else:
            fail("zfs: create -%s is not simulated (volumes, dry runs)" % c)
    if not rest:
        sys.stderr.write("missing filesystem argument\n")
        zfs_usage("create")
    if len(rest) > 1:
        sys.stderr.write("too many arguments\n")
        zfs_usage("create")
    name = rest[0]
    if parents and zfs_name_problem(name) is None:
        if name in st["datasets"]:
            return 0
        # zfs_create_ancestors: each missing ancestor created with no property, mounted where it inherits.
        if name.count("/") >= 50:
            raise ZfsError("cannot create '%s': maximum name nesting depth exceeded" % name)
        top = zfs_check_parents(st, name, "create", accept_ancestor=True)
        for ancestor in reversed(zfs_ancestors(name)):
            if len(ancestor) > len(top) and ancestor not in st["datasets"]:
                zfs_create_one(st, ancestor, {}, True)
    zfs_create_one(st, name, props, mount)
    return 0


def zfs_do_clone(st, args):
    """zfs_main.c zfs_do_clone: the snapshot opened, the target created from it (its files: the jail
    skeleton, what the template snapshot holds) and mounted."""
    opts, rest = zfs_options("clone", args, "o:p")
    props = {}
    for c, value in opts:
        if c == ":":
            zfs_usage("clone")
        if c == "o" and not zfs_parseprop(props, value):
            return 1
    if len(rest) < 1:
        sys.stderr.write("missing source dataset argument\n")
        zfs_usage("clone")
    if len(rest) < 2:
        sys.stderr.write("missing target dataset argument\n")
        zfs_usage("clone")
    if len(rest) > 2:
        sys.stderr.write("too many arguments\n")
        zfs_usage("clone")
    snapshot, name = rest
    problem = zfs_name_problem(snapshot, types=("snapshot",))
    if problem:
        raise ZfsError("cannot open '%s': %s" % (snapshot, problem))
    if snapshot not in st["snapshots"]:
        raise ZfsError("cannot open '%s': dataset does not exist" % snapshot)
    if ("p", None) in opts and zfs_name_problem(name) is None:
        if name in st["datasets"]:
            return 0
        top = zfs_check_parents(st, name, "create", accept_ancestor=True)
        for ancestor in reversed(zfs_ancestors(name)):
            if len(ancestor) > len(top) and ancestor not in st["datasets"]:
                zfs_create_one(st, ancestor, {}, True)
    zfs_create_one(st, name, props, False)
    st["datasets"][name]["origin"] = snapshot
    zfs_mount(st, name)
    mountpoint, _ = zfs_prop(st, name, "mountpoint")
    if mountpoint.startswith("/"):
        run(["cp", "-a", fs.SKELETON + "/.", mountpoint])
    return 0


def zfs_open(st, name, types=("filesystem",)):
    """libzfs_dataset.c zfs_open: "cannot open 'NAME': WHY", or the name."""
    problem = zfs_name_problem(name, types=types)
    if problem:
        raise ZfsError("cannot open '%s': %s" % (name, problem))
    if name not in st["datasets"]:
        if "snapshot" in types and name in st["snapshots"]:
            fail("zfs: snapshots are not simulated beyond zfs clone")
        if "#" in name:
            fail("zfs: bookmarks are not simulated")
        raise ZfsError("cannot open '%s': dataset does not exist" % name)
    return name


def zfs_do_get(st, args):
    """zfs_main.c zfs_do_get with -H, -p, -o and -s (zprop_print_one_property prints the columns; -H
    separates them with tabs). The datasets, when none is named, are all of them; they are printed
    in name order (zfs_iter.c zfs_for_each sorts by name), after the errors of those that do not open."""
    opts, rest = zfs_options("get", args, ":d:o:s:jrt:Hp")
    scripted = literal = False
    columns, sources = ["name", "property", "value", "source"], None
    for c, value in opts:
        if c == ":":
            sys.stderr.write("missing argument for '%s' option\n" % value)
            zfs_usage("get")
        if c == "H":
            scripted = True
        elif c == "p":
            literal = True
        elif c == "o":
            columns = []
            for tok in value.split(","):
                if len(columns) == 5:
                    sys.stderr.write("too many fields given to -o option\n")
                    zfs_usage("get")
                if tok not in ("name", "property", "value", "received", "source", "all"):
                    sys.stderr.write("invalid column name '%s'\n" % tok)
                    zfs_usage("get")
                if tok == "all":
                    if columns:
                        sys.stderr.write("\"all\" conflicts with specific fields given to -o option\n")
                        zfs_usage("get")
                    columns = ["name", "property", "value", "received", "source"]
                else:
                    columns.append(tok)
        elif c == "s":
            sources = []
            for tok in value.split(","):
                if tok not in ("local", "default", "inherited", "received", "temporary", "none"):
                    sys.stderr.write("invalid source '%s'\n" % tok)
                    zfs_usage("get")
                sources.append(tok)
        else:
            fail("zfs: get -%s is not simulated" % c)
    if not rest:
        sys.stderr.write("missing property argument\n")
        zfs_usage("get")
    if not scripted:
        fail("zfs: get without -H is not simulated (its column widths)")
    fields = rest[0]
    if fields == "all":
        fail("zfs: get all is not simulated")
    if fields == "":
        sys.stderr.write("bad property list: no properties specified\n")
        zfs_usage("get")
    props = []
    for p in fields.split(","):
        if p in ZFS_UNSIMULATED or p == "space":
            fail("zfs: property '%s' is not simulated" % p)
        if p not in ZFS_PROPS and ":" not in p:
            sys.stderr.write("bad property list: invalid property '%s'\n" % p)
            zfs_usage("get")
        props.append(p)
    code, names = 0, []
    for name in rest[1:] or sorted(st["datasets"]):
        if name.startswith("/"):
            fail("zfs: get of a path is not simulated")
        try:
            names.append(zfs_open(st, name, types=("filesystem", "snapshot", "bookmark")))
        except ZfsError as e:
            sys.stderr.write("%s\n" % e)
            code = 1
    for name in sorted(set(names)):
        for p in props:
            value, source = zfs_prop(st, name, p)
            kind = ZFS_PROPS.get(p, ("user",))[0]
            if not literal and kind == "number" and value != "-":
                value = "none" if value == "0" and p in ("quota", "reservation") else nicebytes(int(value))
            group = {"-": "none", "local": "local", "default": "default"}.get(source, "inherited")
            if sources is not None and group not in sources:
                continue
            row = {"name": name, "property": p, "value": value, "received": "-", "source": source}
            out("\t".join(row[c] for c in columns) + "\n")
    return code


def zfs_do_set(st, args):
    """zfs_main.c zfs_do_set: PROPERTY=VALUE ... DATASET ...; libzfs_dataset.c zfs_prop_set_list_flags
    validates them all first ("cannot set property for 'NAME': WHY"), then remounts a mounted dataset
    whose mountpoint changed (unless -u)."""
    opts, rest = zfs_options("set", args, "u")
    nomount = ("u", None) in opts
    if not rest:
        sys.stderr.write("missing arguments\n")
        zfs_usage("set")
    if len(rest) < 2:
        sys.stderr.write("missing property=value argument(s)\n" if "=" not in rest[0] else "missing dataset name(s)\n")
        zfs_usage("set")
    start = -1
    for i, a in enumerate(rest):
        if "=" in a:
            if start > 0:
                sys.stderr.write("invalid argument order\n")
                zfs_usage("set")
        elif start < 0:
            start = i
    if start < 0:
        sys.stderr.write("missing dataset name(s)\n")
        zfs_usage("set")
    props = {}
    for a in rest[:start]:
        if not zfs_parseprop(props, a):
            return 255  # ret = -1, main's exit status
    code, names = 0, []
    for name in rest[start:]:
        try:
            names.append(zfs_open(st, name, types=("filesystem", "snapshot")))
        except ZfsError as e:
            sys.stderr.write("%s\n" % e)
            code = 1
    for name in sorted(set(names)):
        try:
            stored = {p: zfs_stored(st, name, p, v) for p, v in props.items()}
        except ZfsError as e:
            sys.stderr.write("cannot set property for '%s': %s\n" % (name, e))
            code = 1
            continue
        try:
            zfs_privileged("set property for", name)
        except ZfsError as e:
            sys.stderr.write("%s\n" % e)
            code = 1
            continue
        before = zfs_prop(st, name, "mountpoint")[0]
        st["datasets"][name]["props"].update(stored)
        if "mountpoint" in stored and not nomount:
            # Every mounted dataset below that inherits the mountpoint moves too (changelist_gather).
            for other in sorted(st["datasets"]):
                if (other == name or other.startswith(name + "/")) and st["datasets"][other]["mounted"]:
                    was = before if other == name else before.rstrip("/") + other[len(name):]
                    if other == name or "mountpoint" not in st["datasets"][other]["props"]:
                        zfs_remount(st, other, was)
    return code


def zfs_do_mount(st, args):
    """zfs_main.c zfs_do_mount for one named filesystem (share_mount_one, explicit)."""
    opts, rest = zfs_options("mount", args, ":ajRlvo:Of")
    if opts:
        fail("zfs: mount -%s is not simulated" % opts[0][0])
    if not rest:
        fail("zfs: mount without a filesystem (the list of mounts) is not simulated")
    if len(rest) > 1:
        sys.stderr.write("too many arguments\n")
        zfs_usage("mount")
    name = zfs_open(st, rest[0])
    mountpoint, _ = zfs_prop(st, name, "mountpoint")
    if mountpoint == "legacy":
        raise ZfsError("cannot mount '%s': legacy mountpoint\nuse mount(8) to mount this filesystem" % name)
    if mountpoint == "none":
        raise ZfsError("cannot mount '%s': no mountpoint set" % name)
    if zfs_prop(st, name, "canmount")[0] == "off":
        raise ZfsError("cannot mount '%s': 'canmount' property is set to 'off'" % name)
    if st["datasets"][name]["mounted"]:
        raise ZfsError("cannot mount '%s': filesystem already mounted" % name)
    zfs_privileged("mount", name)
    zfs_mount(st, name)
    return 0


def cmd_zfs(args):
    """zfs(8) create, clone, get, set and mount after cmd/zfs/zfs_main.c and libzfs (see above), and a
    plain list, on the host's dataset record."""
    if not args:
        fail("usage: zfs command args ...", 2)
    command, rest = args[0], args[1:]
    if command == "list":
        st = read_state("zfs", ZFS_INSTALLED)
        out("NAME USED AVAIL REFER MOUNTPOINT\n")
        for name in sorted(st["datasets"]):
            out("%s 1M 10G 1M %s\n" % (name, zfs_prop(st, name, "mountpoint")[0]))
        return 0
    handlers = {"create": zfs_do_create, "clone": zfs_do_clone, "get": zfs_do_get, "set": zfs_do_set,
                "mount": zfs_do_mount}
    if command not in handlers:
        fail("zfs: %s is not simulated" % command)
    if command == "get":
        return zfs_do_get(read_state("zfs", ZFS_INSTALLED), rest)
    error = None
    with State("zfs", ZFS_INSTALLED) as st:
        # What was done before an error stays done (an ancestor of -p, a dataset created but not mounted).
        try:
            code = handlers[command](st.data, rest)
        except ZfsError as e:
            error, code = str(e), 1
    if error:
        sys.stderr.write(error + "\n")
    return code


def cmd_sha256(args):
    """sha256(1), after sbin/md5/md5.c (-q prints the digest alone; "SHA256 (FILE) = ..." otherwise)."""
    import hashlib
    quiet = "-q" in args
    code = 0
    for path in [a for a in args if not a.startswith("-")]:
        try:
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except (FileNotFoundError, IsADirectoryError):
            sys.stderr.write("sha256: %s: No such file or directory\n" % path)
            code = 1
            continue
        out(digest + "\n" if quiet else "SHA256 (%s) = %s\n" % (path, digest))
    return code


STAT_USAGE = "usage: stat [-FLnq] [-f format | -l | -r | -s | -x] [-t timefmt] [file ...]"


def strmode(mode):
    """strmode(3) (lib/libc/string/strmode.c): the type letter, rwx three times with s/S and t/T
    for set-id and sticky bits (the trailing ACL space stat drops)."""
    kind = {0o040000: "d", 0o020000: "c", 0o060000: "b", 0o100000: "-", 0o120000: "l", 0o140000: "s",
            0o010000: "p"}.get(mode & 0o170000, "?")
    text = kind
    for shift, special, letter in ((6, 0o4000, "s"), (3, 0o2000, "s"), (0, 0o1000, "t")):
        bits = (mode >> shift) & 7
        text += "r" if bits & 4 else "-"
        text += "w" if bits & 2 else "-"
        x = bits & 1
        text += (letter if x else letter.upper()) if mode & special else ("x" if x else "-")
    return text


def stat_format1(st, path, spec, flags, size, prec, ofmt, hilo, what):
    """format1 of usr.bin/stat/stat.c for the data simulated here: the datum's number and string,
    its default output form, then printf with the flags, size and precision."""
    sdata = None
    if what == "p":
        data, smode = st.st_mode, strmode(st.st_mode)
        # The pieces: H the file type (mode >> 12), M the set-id and sticky bits ((mode >> 9) & 07),
        # L the permission bits alone (mode & 0777: no setuid, setgid or sticky bit).
        if hilo == "H":
            data, smode, hilo = data >> 12, smode[1:4], ""
        elif hilo == "M":
            data, smode, hilo = (data >> 9) & 0o7, smode[4:7], ""
        elif hilo == "L":
            data, smode, hilo = data & 0o777, smode[7:10], ""
        sdata, formats, default = smode, "DOUXS", "O"
    elif what in "ug":
        ident = st.st_uid if what == "u" else st.st_gid
        try:
            sdata = pwd.getpwuid(ident).pw_name if what == "u" else grp.getgrgid(ident).gr_name
        except KeyError:
            sdata = "(%d)" % ident
        data, formats, default = ident, "DOUXS", "U"
    elif what in "zli":
        data, formats, default = {"z": st.st_size, "l": st.st_nlink, "i": st.st_ino}[what], "DOUX", "U"
    elif what == "N":
        data, sdata, formats, default = 0, path, "S", "S"
    else:
        fail("stat: %s: not simulated (uirig-sim knows %%p %%u %%g %%z %%l %%i %%N)" % spec)
    ofmt = ofmt or default
    if hilo or ofmt not in formats:
        fail("stat: %s: bad format" % spec)
    if ofmt == "S":
        return ("%" + flags.replace("#", "") + ("" if size < 0 else str(size)) + ("" if prec < 0 else ".%d" % prec)
                + "s") % sdata
    if ofmt == "D":
        return ("%" + flags.replace("#", "") + ("" if size < 0 else str(size)) + ("" if prec < 0 else ".%d" % prec)
                + "d") % data
    return c_unsigned(data & 0xFFFFFFFFFFFFFFFF, {"O": "o", "U": "u", "X": "x"}[ofmt], flags, size, prec)


def c_unsigned(data, conv, flags, size, prec):
    """printf(3)'s %o, %u and %x with the flags #, - and 0, a width and a precision (# gives
    octal a leading 0 and hex a 0x prefix, for a value other than 0)."""
    digits = ("%o" if conv == "o" else "%x" if conv == "x" else "%d") % data
    if prec >= 0:
        digits = "" if prec == 0 and data == 0 else digits.zfill(prec)
    prefix = ""
    if "#" in flags and conv == "o" and not digits.startswith("0"):
        digits = "0" + digits
    if "#" in flags and conv == "x" and data:
        prefix = "0x"
    pad = max(size - len(prefix) - len(digits), 0)
    if "-" in flags:
        return prefix + digits + " " * pad
    if "0" in flags and prec < 0:
        return prefix + "0" * pad + digits
    return " " * pad + prefix + digits


def stat_output(st, path, fmt, no_newline):
    """output() of stat.c: plain characters as they are, %n %t %% %@, and the form
    %[-# +0][size][.prec][DOUXFS][HML]datum; the newline at the end unless the output ended
    with one or -n."""
    text, i = "", 0
    while i < len(fmt):
        if fmt[i] != "%":
            text += fmt[i]
            i += 1
            continue
        begin, i = i, i + 1
        simple = {"n": "\n", "t": "\t", "%": "%", "@": "1"}.get(fmt[i:i + 1])
        if simple is not None:
            text, i = text + simple, i + 1
            continue
        flags = ""
        while i < len(fmt) and fmt[i] in "# +0-":
            flags, i = flags + fmt[i], i + 1
        size = prec = -1
        m = re.match(r"[0-9]+", fmt[i:])
        if m:
            size, i = int(m.group()), i + m.end()
        if fmt[i:i + 1] == ".":
            m = re.match(r"[0-9]*", fmt[i + 1:])
            prec, i = int(m.group() or 0), i + 1 + m.end()
        ofmt = hilo = ""
        if fmt[i:i + 1] and fmt[i] in "DOUXFS":
            ofmt, i = fmt[i], i + 1
        if fmt[i:i + 1] and fmt[i] in "HML":
            hilo, i = fmt[i], i + 1
        if not fmt[i:i + 1] or fmt[i] not in "RdipluglramcBzbkfvYTNZ":
            out(text)
            fail("stat: %s: bad format" % fmt[begin:i + 1])
        what, i = fmt[i], i + 1
        text += stat_format1(st, path, fmt[begin:i], flags, size, prec, ofmt, hilo, what)
    if text and not text.endswith("\n") and not no_newline:
        text += "\n"
    out(text)


def cmd_stat(args):
    """stat(1) -f FORMAT [-Lnq] [file ...], after usr.bin/stat/stat.c (main, output, format1):
    lstat(2) unless -L (stat(2), then lstat for a dangling link), standard input's fstat
    without a file, "stat: FILE: stat: ERR" (not with -q) and status 1 for a file it cannot
    stat. The other output forms (no -f, -l, -r, -s, -x) are Debian's stat."""
    opts, files = fs.getopt("stat", args, "f:FlLnqrst:x", lambda: fs.fail(STAT_USAGE))
    given = dict(opts)
    if "f" not in given or any(c in given for c in "lrsxFt"):
        return become(fs.LINUX + "/stat", ["stat"] + args)
    code = 0
    for path in files or [None]:
        try:
            if path is None:
                st, path = os.fstat(0), "(stdin)"
            elif "L" in given:
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    st = os.lstat(path)
            else:
                st = os.lstat(path)
        except OSError as e:
            code = 1
            if "q" not in given:
                sys.stdout.flush()
                sys.stderr.write("stat: %s: stat: %s\n" % (path, e.strerror))
            continue
        stat_output(st, path, given["f"], "n" in given)
    return code


# sysexits.h
EX_USAGE, EX_UNAVAILABLE, EX_SOFTWARE, EX_OSERR, EX_CANTCREAT, EX_TEMPFAIL = 64, 69, 70, 71, 73, 75
LOCKF_USAGE = ("usage: lockf [-knsw] [-t seconds] file command [arguments]\n"
               "       lockf [-s] [-t seconds] fd")


def lockf_open(path, flags):
    """acquire_lock's open(2) with O_EXLOCK|O_NONBLOCK: the fd, or None when the file is locked.
    Linux has no O_EXLOCK: open, then flock(2) (the same BSD-style lock O_EXLOCK takes). Between
    the two another lockf may unlink the file (its cleanup) and release it; a lock then taken on
    the unlinked file would lock nothing, so a lock on a file the path no longer names is given
    up and the open done again (O_EXLOCK takes the lock inside open, leaving FreeBSD no such gap
    worth the name)."""
    while True:
        fd = os.open(path, flags, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            now = os.stat(path)
        except FileNotFoundError:
            now = None
        held = os.fstat(fd)
        if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)
        if not flags & os.O_CREAT and now is None:
            raise FileNotFoundError(2, os.strerror(2))


def cmd_lockf(args):
    """lockf(1) [-knsw] [-t seconds] file command [arguments], after usr.bin/lockf/lockf.c (main,
    acquire_lock, cleanup, wait_for_lock): runs the command holding an exclusive lock on the
    file, created (mode 0666 less the umask) unless -n; EX_TEMPFAIL (75) and "FILE: already
    locked" (not with -s) when the lock is not got, at once with -t 0, after the seconds of -t,
    never without -t. The file is removed when the command ends, while the lock is still held
    (cleanup: unlink), unless -k, which only unlocks it; a lockf that did not get the lock leaves
    the file alone. Without -k a waiter never blocks in the open that locks (the holder's unlink
    would leave it a lock on a file no one else sees): it waits for the lock to be free, then
    opens the path again without blocking. The fd form (lockf fd) is not simulated."""
    opts, rest = fs.getopt("lockf", args, "knst:w", lambda: fs.fail(LOCKF_USAGE, EX_USAGE))
    keep = silent = False
    flags, waitsec = os.O_CREAT | os.O_RDONLY, None
    for ch, value in opts:
        if ch == "k":
            keep = True
        elif ch == "n":
            flags &= ~os.O_CREAT
        elif ch == "s":
            silent = True
        elif ch == "w":
            flags = (flags & ~os.O_RDONLY) | os.O_WRONLY
        else:
            # strtonum(optarg, 0, UINT_MAX): decimal digits only (an optional sign), in range.
            if not re.fullmatch(r"\s*[+-]?[0-9]+", value) or not 0 <= int(value) <= 2 ** 32 - 1:
                fail('lockf: invalid timeout "%s"' % value, EX_USAGE)
            waitsec = int(value)
    if not rest:
        fail(LOCKF_USAGE, EX_USAGE)
    path, command = rest[0], rest[1:]
    if not command:
        if not path.startswith("/"):
            fail("lockf: the fd form (lockf fd) is not simulated")
        sys.stderr.write("Expected fd, got '%s'\n" % path)
        fail(LOCKF_USAGE, EX_USAGE)
    if path.startswith("/dev/fd/") and path[8:].isdigit():
        fail("lockf: the fd form (lockf /dev/fd/N) is not simulated")

    def acquire():
        try:
            return lockf_open(path, flags | os.O_NONBLOCK)
        except FileNotFoundError as e:
            if flags & os.O_CREAT:
                fail("lockf: cannot open %s: %s" % (path, e.strerror), EX_CANTCREAT)
            if not silent:  # -n and no such file: warn(), EX_UNAVAILABLE
                sys.stderr.write("lockf: %s: %s\n" % (path, e.strerror))
            sys.exit(EX_UNAVAILABLE)
        except OSError as e:
            fail("lockf: cannot open %s: %s" % (path, e.strerror), EX_CANTCREAT)

    # The alarm of -t N (whole seconds); -t 0 tries once; no -t waits for ever. The waits (for
    # the lock to be free, or with -k the blocking open) are polled here.
    deadline = None if waitsec is None else time.monotonic() + waitsec
    fd = acquire()
    while fd is None and waitsec != 0 and (deadline is None or time.monotonic() < deadline):
        time.sleep(0.05)
        fd = acquire()
    if fd is None:
        if silent:
            sys.exit(EX_TEMPFAIL)
        fail("lockf: %s: already locked" % path, EX_TEMPFAIL)

    def cleanup():
        if keep:
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass

    def killed(sig, frame):
        # SIGTERM: cleanup, then the signal again with its default action.
        cleanup()
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)

    try:
        try:
            # The lock's fd is close-on-exec here (PEP 446): the child does not hold it, as in
            # lockf.c, where the child closes it before execvp.
            child = subprocess.Popen(command)
        except OSError as e:
            # The child's execvp failed: warn() and _exit(1).
            sys.stderr.write("lockf: %s: %s\n" % (command[0], e.strerror))
            return 1
        # After the fork, the parent ignores SIGINT and SIGQUIT, and cleans up on SIGTERM.
        old = {s: signal.signal(s, h) for s, h in ((signal.SIGINT, signal.SIG_IGN),
                                                   (signal.SIGQUIT, signal.SIG_IGN), (signal.SIGTERM, killed))}
        try:
            status = child.wait()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        return status if status >= 0 else EX_SOFTWARE  # WIFEXITED ? WEXITSTATUS : EX_SOFTWARE
    finally:
        cleanup()
        os.close(fd)
