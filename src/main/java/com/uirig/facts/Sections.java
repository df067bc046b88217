package com.uirig.facts;

/**
 * Names of the probe's sections. They are also the relative paths (plus {@code .txt}) that
 * {@code facts --save} writes raw outputs to, so each name reads like the fact it holds.
 */
public final class Sections {
    public static final String LOCK = "lock";
    public static final String IFCONFIG = "ifconfig";
    public static final String JLS = "jls";
    public static final String ROUTE = "route";
    public static final String PF_RUNNING = "pf/running";
    public static final String PF_RULES = "pf/rules";
    /** {@code kldstat -q -m pf}: exit 0 when the pf module is loaded. */
    public static final String PF_MODULE = "pf/module";
    /** What pfctl printed right after uirig loaded /etc/pf.conf (the record plan's PfResource keeps). */
    public static final String PF_LOADED = "pf/loaded";
    /** Rollbacks left on the host (see {@link com.uirig.facts.PendingRollback#LIST}). */
    public static final String ROLLBACKS = "rollbacks";

    private Sections() {}

    public static String table(String name) {
        return "pf/table/" + name;
    }

    public static String packages(String jail) {
        return jail.isEmpty() ? "packages" : "jail/" + jail + "/packages";
    }

    /** Whether a jail's root filesystem is in place: {@code root/jails/pg_j} for /jails/pg_j. */
    public static String jailRoot(String path) {
        return "root" + path;
    }

    public static String jailIfconfig(String jail) {
        return "jail/" + jail + "/ifconfig";
    }

    public static String service(String jail, String service) {
        return (jail.isEmpty() ? "service/" : "jail/" + jail + "/service/") + service;
    }

    /** Whether one spiped pipe's daemon runs (its pid file names a live process). */
    public static String pipe(String jail, String pipe) {
        return "jail/" + jail + "/spiped/" + pipe;
    }

    /** Whether a path exists on the host ({@code test -e}): {@code exists/usr/local/sbin/pkg}. */
    public static String exists(String path) {
        return "exists" + path;
    }

    /** A managed file's mode, owner and content; {@code /etc/pf.conf} becomes {@code file/etc/pf.conf}. */
    public static String file(String path) {
        return "file" + path;
    }

    /** A secret file's mode, owner and hash only. */
    public static String secret(String path) {
        return "secret" + path;
    }
}
