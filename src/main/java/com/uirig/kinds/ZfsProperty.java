package com.uirig.kinds;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The ZFS properties uirig reads and sets, with OpenZFS's rules for them: how {@code zfs set} reads
 * a value and how {@code zfs get -H -p} prints it back (the canonical value uirig compares), and
 * which values {@code zfs get -p} can print. Also OpenZFS's check of a dataset name. Sources are
 * FreeBSD 14's sys/contrib/openzfs, named at each rule.
 */
enum ZfsProperty {
    // zfs_prop.c zfs_prop_init: "mountpoint" is a string, "<path> | legacy | none", default "/".
    MOUNTPOINT("mountpoint", true) {
        @Override
        String canonical(String text) {
            return mountpoint(text);
        }

        @Override
        boolean printable(String value) {
            return value.equals("none") || value.equals("legacy") || value.startsWith("/");
        }
    },
    // zfs_prop.c: "mounted" is read-only, printed yes or no (libzfs_dataset.c zfs_prop_get).
    MOUNTED("mounted", false) {
        @Override
        boolean printable(String value) {
            return value.equals("yes") || value.equals("no");
        }
    },
    // zfs_prop.c: "canmount" is an index of canmount_table (off, on, noauto), default on.
    CANMOUNT("canmount", false) {
        @Override
        boolean printable(String value) {
            return List.of("on", "off", "noauto").contains(value);
        }
    },
    // zfs_prop.c: "recordsize", a number, "512 to 1M, power of 2", default SPA_OLD_MAXBLOCKSIZE (128K).
    RECORDSIZE("recordsize", true) {
        @Override
        String canonical(String text) {
            BigInteger n = nicestrtonum(text);
            // libzfs_dataset.c zfs_valid_proplist: a power of two from SPA_MINBLOCKSIZE to the pool's
            // maxblocksize. Past 128K the pool needs the large_blocks feature, past 1M also the kernel's
            // zfs_max_recordsize raised (vfs.zfs.max_recordsize): uirig reads neither, so it takes 512 to 1M.
            if (n.bitCount() != 1 || n.compareTo(BigInteger.valueOf(512)) < 0) {
                throw new IllegalArgumentException("'recordsize' must be power of 2 from 512B to 1M");
            }
            if (n.compareTo(BigInteger.valueOf(1 << 20)) > 0) {
                throw new IllegalArgumentException("'recordsize' must be power of 2 from 512B to 1M (larger records need"
                        + " the pool's large_blocks feature and vfs.zfs.max_recordsize raised, which uirig does not manage)");
            }
            return n.toString();
        }

        @Override
        boolean printable(String value) {
            return value.matches("[1-9][0-9]{0,9}") && Long.bitCount(Long.parseLong(value)) == 1;
        }
    },
    COMPRESSION("compression", true) {
        @Override
        String canonical(String text) {
            // zprop_common.c zprop_string_to_index: an exact (case-sensitive) name of compress_table.
            if (!COMPRESSION_NAMES.test(text)) {
                throw new IllegalArgumentException("'compression' must be one of '" + COMPRESSION_VALUES + "'");
            }
            // zfs_prop_index_to_string prints the first name of the table with the value: gzip-6 is
            // stored as gzip (ZIO_COMPRESS_GZIP_6), zstd-fast-1 as zstd-fast (ZIO_ZSTD_LEVEL_FAST_DEFAULT).
            return text.equals("gzip-6") ? "gzip" : text.equals("zstd-fast-1") ? "zstd-fast" : text;
        }

        @Override
        boolean printable(String value) {
            return COMPRESSION_NAMES.test(value) && !value.equals("gzip-6") && !value.equals("zstd-fast-1");
        }
    },
    // zfs_prop.c: "atime", an index of boolean_table (off, on), default on.
    ATIME("atime", true) {
        @Override
        String canonical(String text) {
            if (!printable(text)) {
                throw new IllegalArgumentException("'atime' must be one of 'on | off'");
            }
            return text;
        }

        @Override
        boolean printable(String value) {
            return value.equals("on") || value.equals("off");
        }
    },
    // zfs_prop.c: "quota", a number, "<size> | none", default 0; zfs get -p prints none as 0.
    QUOTA("quota", true) {
        @Override
        String canonical(String text) {
            if (text.equals("none")) {
                return "0";
            }
            BigInteger n = nicestrtonum(text);
            // libzfs_util.c zprop_parse_value: "Quota special: force 'none' and don't allow 0."
            if (n.signum() == 0) {
                throw new IllegalArgumentException("use 'none' to disable quota/refquota");
            }
            return n.toString();
        }

        @Override
        boolean printable(String value) {
            return value.matches("0|[1-9][0-9]{0,19}");
        }
    },
    // zfs_prop.c: "reservation", a number, "<size> | none", default 0 (printed 0 with -p).
    RESERVATION("reservation", true) {
        @Override
        String canonical(String text) {
            return text.equals("none") ? "0" : nicestrtonum(text).toString();
        }

        @Override
        boolean printable(String value) {
            return value.matches("0|[1-9][0-9]{0,19}");
        }
    };

    /** What the fact reads, in this order (zfs get prints the properties in the order given). */
    static final List<ZfsProperty> READ = List.of(values());

    /** What a playbook may set under {@code properties} (the mountpoint is the dataset's own key). */
    static final List<ZfsProperty> SETTABLE = List.of(RECORDSIZE, COMPRESSION, ATIME, QUOTA, RESERVATION);

    private static final String COMPRESSION_VALUES = "on | off | lzjb | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19]"
            + " | zstd-fast | zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]";

    // compress_table in zfs_prop.c zfs_prop_init.
    private static final Predicate<String> COMPRESSION_NAMES = Pattern.compile("on|off|lzjb|gzip|gzip-[1-9]|zle|lz4|zstd"
            + "|zstd-([1-9]|1[0-9])|zstd-fast|zstd-fast-([1-9]|10|[2-9]0|100|500|1000)").asMatchPredicate();

    final String zfsName;
    final boolean settable;

    ZfsProperty(String zfsName, boolean settable) {
        this.zfsName = zfsName;
        this.settable = settable;
    }

    /** The value as zfs get -H -p prints it once zfs set took {@code text}; IllegalArgumentException with OpenZFS's words otherwise. */
    String canonical(String text) {
        throw new IllegalArgumentException("'" + zfsName + "' is readonly");
    }

    /** Whether zfs get -H -p can print {@code value} for this property. */
    abstract boolean printable(String value);

    static Optional<ZfsProperty> settable(String name) {
        return SETTABLE.stream().filter(p -> p.zfsName.equals(name)).findFirst();
    }

    /** The names, for messages. */
    static List<String> names(List<ZfsProperty> properties) {
        return properties.stream().map(p -> p.zfsName).toList();
    }

    /**
     * A size as libzfs_util.c zfs_nicestrtonum reads it: a decimal number (a fraction computed in
     * floating point), then an optional suffix B K M G T P E Z in either case, each a power of 1024,
     * optionally followed by B or iB (not after B); no more than 64 bits.
     */
    static BigInteger nicestrtonum(String value) {
        if (value.isEmpty() || (value.charAt(0) < '0' || value.charAt(0) > '9') && value.charAt(0) != '.') {
            throw new IllegalArgumentException("bad numeric value '" + value + "'");
        }
        int end = digits(value, 0);
        BigInteger whole = end == 0 ? BigInteger.ZERO : new BigInteger(value.substring(0, end));
        if (whole.bitLength() > 64) {
            throw new IllegalArgumentException("numeric value is too large");
        }
        if (end < value.length() && value.charAt(end) == '.') {
            // strtod(3): digits, a point, digits, an exponent; nothing read without a digit.
            int number = digits(value, end + 1);
            if (number == end + 1 && end == 0) {
                number = 0;
            } else if (number < value.length() && (value.charAt(number) == 'e' || value.charAt(number) == 'E')) {
                int sign = number + 1 < value.length() && "+-".indexOf(value.charAt(number + 1)) >= 0 ? number + 2 : number + 1;
                int exponent = digits(value, sign);
                number = exponent > sign ? exponent : number;
            }
            BigDecimal d = number == 0 ? BigDecimal.ZERO : new BigDecimal(value.substring(0, number).replace(".e", "e")
                    .replace(".E", "E").replaceAll("\\.$", ""));
            d = d.multiply(BigDecimal.valueOf(2).pow(shift(value.substring(number))));
            if (d.compareTo(new BigDecimal(BigInteger.ONE.shiftLeft(64))) >= 0) {
                throw new IllegalArgumentException("numeric value is too large");
            }
            return d.toBigInteger();
        }
        int shift = shift(value.substring(end));
        BigInteger n = whole.shiftLeft(shift);
        if (shift >= 64 || n.bitLength() > 64) {
            throw new IllegalArgumentException("numeric value is too large");
        }
        return n;
    }

    /** The end of the decimal digits of {@code text} from {@code from}. */
    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** libzfs_util.c str2shift: the suffix's power of two. */
    private static int shift(String suffix) {
        if (suffix.isEmpty()) {
            return 0;
        }
        int i = "BKMGTPEZ".indexOf(Character.toUpperCase(suffix.charAt(0)));
        String rest = suffix.substring(1).toUpperCase(Locale.ROOT);
        if (i < 0 || !(rest.isEmpty() || i > 0 && (rest.equals("B") || rest.equals("IB")))) {
            throw new IllegalArgumentException("invalid numeric suffix '" + suffix + "'");
        }
        return 10 * i;
    }

    /**
     * A mountpoint as zfs set takes it (libzfs_dataset.c zfs_valid_proplist, zfs_namecheck.c
     * mountpoint_namecheck: none, legacy, or a path from / whose components are under 256 bytes).
     * uirig also wants the path plain (no empty, . or .. component, no trailing /, not / itself,
     * no control character): it compares it with zfs get's and with jails' paths as text.
     */
    static String mountpoint(String text) {
        if (text.equals("none") || text.equals("legacy")) {
            return text;
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("'mountpoint' must be an absolute path, 'none', or 'legacy'");
        }
        for (String component : text.substring(1).split("/", -1)) {
            if (component.length() >= 256) {
                throw new IllegalArgumentException("component of 'mountpoint' is too long");
            }
        }
        if (text.equals("/")) {
            throw new IllegalArgumentException("'/' is the root file system: uirig mounts no dataset there");
        }
        if (text.endsWith("/") || text.contains("//") || text.matches(".*/\\.\\.?(/.*)?") || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("'" + text + "' is not a plain absolute path (no empty, '.' or '..' component,"
                    + " no trailing '/', no control character)");
        }
        return text;
    }

    /**
     * Why OpenZFS refuses {@code name} for zfs create, or empty: libzfs_dataset.c zfs_validate_name
     * for a filesystem being created (no '@', no '#', no '%'), zfs_namecheck.c entity_namecheck,
     * zfs_create's dataset_nestcheck and check_parents ("missing dataset name" for a pool's name).
     */
    static Optional<String> nameProblem(String name) {
        if (name.indexOf('@') >= 0) {
            return Optional.of("snapshot delimiter '@' is not expected here");
        }
        if (name.indexOf('#') >= 0) {
            return Optional.of("bookmark delimiter '#' is not expected here");
        }
        if (name.indexOf('%') >= 0) {
            return Optional.of("invalid character % in name");
        }
        // entity_namecheck: ZFS_MAX_DATASET_NAME_LEN is 256, counting the terminating NUL.
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 256) {
            return Optional.of("name is too long");
        }
        if (name.startsWith("/")) {
            return Optional.of("leading slash in name");
        }
        if (name.isEmpty()) {
            return Optional.of("empty component or misplaced '@' or '#' delimiter in name");
        }
        String[] components = name.split("/", -1);
        for (int i = 0; i < components.length; i++) {
            String c = components[i];
            if (i == components.length - 1 && c.isEmpty()) {
                return Optional.of("trailing slash in name");
            }
            for (char ch : c.toCharArray()) {
                if (!validChar(ch)) {
                    return Optional.of("invalid character '" + ch + "' in name");
                }
            }
            if (c.equals(".")) {
                return Optional.of("self reference, '.' is found in name");
            }
            if (c.equals("..")) {
                return Optional.of("parent reference, '..' is found in name");
            }
            if (c.isEmpty()) {
                return Optional.of("empty component or misplaced '@' or '#' delimiter in name");
            }
        }
        // zfs_namecheck.c dataset_nestcheck: zfs_max_dataset_nesting is 50.
        if (components.length - 1 >= 50) {
            return Optional.of("maximum name nesting depth exceeded");
        }
        if (components.length == 1) {
            return Optional.of("missing dataset name");
        }
        return Optional.empty();
    }

    /** zfs_namecheck.c valid_char. */
    private static boolean validChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.: ".indexOf(c) >= 0;
    }

    /** The names of the properties to a value, for messages and plans. */
    static Map<String, String> byName(Map<ZfsProperty, String> values) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        values.forEach((p, v) -> out.put(p.zfsName, v));
        return out;
    }
}
