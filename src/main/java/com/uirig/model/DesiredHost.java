package com.uirig.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the playbooks ask of one host, with every variable resolved and every value typed:
 * how to reach it, its peer, what each registered section asks ({@code kinds}, read back by each
 * kind) and the expectations, which check and apply test but never converge: they are no
 * resources. The records below are the sections' shared vocabulary (a jail's files and run-once
 * commands are the host's kinds too).
 */
public record DesiredHost(
        String name,
        SshTarget ssh,
        Optional<String> peer,
        List<Expectation> expectations,
        KindSpecs kinds) {

    public DesiredHost {
        expectations = List.copyOf(expectations);
    }

    /** The same host with {@code kinds}. */
    public DesiredHost withKinds(KindSpecs kinds) {
        return new DesiredHost(name, ssh, peer, expectations, kinds);
    }

    /** The same host with {@code expectations}. */
    public DesiredHost withExpectations(List<Expectation> expectations) {
        return new DesiredHost(name, ssh, peer, expectations, kinds);
    }

    private static final Pattern RC_VALUE_FORBIDDEN = Pattern.compile("[\"\\\\\\n]");
    // Inside double quotes sh expands $NAME, ${...}, $(...) and runs `...` (sh(1) "Double Quotes").
    private static final Pattern RC_VALUE_EXPANDS = Pattern.compile("[$`]");

    /**
     * Checks an rc.conf value that must mean itself: sysrc writes it raw between double quotes
     * (usr.sbin/bsdconfig/share/sysrc.subr f_sysrc_set), and rc.subr's load_rc_config sources
     * rc.conf with sh at boot, so {@code $} and backquotes would run or expand there.
     * {@code howToMark} says how the playbook can ask for that instead, or is null.
     */
    public static String rcValue(String value, String howToMark) {
        evaluatedRcValue(value);
        if (RC_VALUE_EXPANDS.matcher(value).find()) {
            throw new IllegalArgumentException("an rc.conf value with '$' or '`' is run by sh when rc.conf is read at boot"
                    + (howToMark == null ? "" : ": " + howToMark));
        }
        return value;
    }

    /** Checks an rc.conf value the playbook wants sh to evaluate at boot: only what sysrc cannot write is refused. */
    public static String evaluatedRcValue(String value) {
        if (RC_VALUE_FORBIDDEN.matcher(value).find()) {
            throw new IllegalArgumentException("an rc.conf value cannot contain a double quote, a backslash or a line break: "
                    + "sysrc writes it between double quotes");
        }
        return value;
    }

    /** How uirig reaches the host, and how its commands gain root when the login is not root. */
    public record SshTarget(String address, int port, String user, String identity, String knownHosts,
                            Optional<String> hostKey, Become become) {
        public SshTarget(String address, int port, String user, String identity, String knownHosts, Optional<String> hostKey) {
            this(address, port, user, identity, knownHosts, hostKey, Become.NONE);
        }
    }

    /** Where a jail's root filesystem comes from. */
    public sealed interface RootSource permits ZfsClone, BaseArchive {}

    /** A clone of a ZFS snapshot, as {@code zfs clone -o mountpoint=PATH SNAPSHOT DATASET}. */
    public record ZfsClone(String snapshot, String dataset) implements RootSource {}

    /**
     * A FreeBSD base archive (base.txz) on the orchestrator, streamed to the host and extracted:
     * {@code localPath} as written, {@code file} the absolute path it names, {@code size} in bytes
     * when it was read.
     */
    public record BaseArchive(String localPath, String file, long size) implements RootSource {}

    /** A VNET jail and what runs in it. {@code parameters} are jail.conf parameters (String, Integer or Boolean). */
    public record Jail(String name, String path, RootSource root, Map<String, Object> parameters,
                       List<IfName> vnetInterfaces, String hostname, Map<IfName, Cidr> inet,
                       Optional<Ipv4> defaultRouter, List<String> packages, List<String> services,
                       List<FileSpec> files, List<SpipedPipe> pipes, List<RunOnce> runOnce) {
        /** A path inside the jail as seen from the host. */
        public String hostPath(String inJail) {
            return path + inJail;
        }
    }

    /** spiped's direction: encrypt (client side) or decrypt (server side). */
    public enum PipeMode {
        ENCRYPT, DECRYPT;

        public String rcValue() {
            return name().toLowerCase();
        }
    }

    /** One spiped tunnel end, configured in its jail's rc.conf. */
    public record SpipedPipe(String jail, String name, PipeMode mode, Endpoint source, Endpoint target, String key) {
        /** The pipe's pid file in its jail (sysutils/spiped/files/spiped.in). */
        public String pidFile() {
            return "/var/run/spiped_" + name + ".pid";
        }
    }

    /** A shared spiped key: a secret generated on a host, never in the repository. */
    public record SpipedKey(String name, String path) {}

    /** pf: pf.conf's text and the tables the playbook fills. */
    /**
     * pf.conf (rendered from {@code confTemplate}) and its tables; {@code egressWindow}: filter rules
     * appended to pf.conf while packages install (the seed's "Uncomment for updating FreeBSD and
     * packages"), empty when the playbook declares none.
     */
    public record Pf(String confTemplate, String conf, List<PfTable> tables, Optional<String> egressWindow) {
        /** The ruleset loaded while the egress window is open: pf.conf, then the window's rules (last match wins). */
        public String egressConf() {
            return conf + (conf.endsWith("\n") ? "" : "\n") + "\n# uirig: the egress window, loaded only while packages install\n"
                    + egressWindow.orElse("");
        }
    }

    /** A pf table: filled at run time, or loaded from a file uirig writes. */
    public record PfTable(String name, boolean runtime, Optional<String> file, List<Cidr> addresses) {}

    /** A file uirig owns: its full content, mode and owner. */
    public record FileSpec(String path, String content, String mode, String owner) {}

    /**
     * A command run once, on the host or in a jail ({@code jail} empty for the host), guarded by the
     * path it creates: it runs while {@code creates} does not exist, and must create it. Paths are as
     * the command's scope sees them.
     */
    public record RunOnce(String jail, String name, String command, String creates) {
        /** The directory whose content the command creates (files there are written after it runs). */
        public String createdDirectory() {
            return creates.substring(0, Math.max(1, creates.lastIndexOf('/')));
        }
    }
}
