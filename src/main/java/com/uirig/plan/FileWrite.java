package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.ObservedHost.FileState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How uirig replaces a file on a host: the new content goes to a temporary file created with
 * its final mode and owner, is checked when the file has a checker, and is renamed into place
 * after the previous version is kept as {@code PATH.uirig-prev}. A cut connection leaves either
 * the old file or the new one, never half of one.
 *
 * <p>In a directory that a program loads whole, both live beside the directory instead: cron runs
 * every file of /etc/cron.d whose name does not start with a dot (usr.sbin/cron/cron/database.c),
 * rc runs every script of /usr/local/etc/rc.d (libexec/rc/rc: rcorder over the directory), and
 * the same goes for rc.conf.d, newsyslog.conf.d, syslog.d, periodic and pkg's repos directory.
 */
public final class FileWrite {
    private FileWrite() {}

    /** Where the new content is written before it is renamed to {@code path}. */
    public static String temporary(String path) {
        return staging(path) + ".uirig-new";
    }

    /** Where the previous version is kept (for rollbacks and for the operator). */
    public static String previous(String path) {
        return staging(path) + ".uirig-prev";
    }

    /** Whether every file of {@code dir} is read by a program: {@code *.d}, periodic's and pkg's directories. */
    static boolean loadedWhole(String dir) {
        String name = dir.substring(dir.lastIndexOf('/') + 1);
        return name.endsWith(".d") || dir.contains("/periodic/") || dir.endsWith("/periodic") || dir.endsWith("/pkg/repos")
                || dir.endsWith("/etc/pkg");
    }

    /** {@code path}, or for a file in a directory loaded whole, a dot file beside that directory. */
    private static String staging(String path) {
        int slash = path.lastIndexOf('/');
        String dir = path.substring(0, slash);
        String file = path.substring(slash + 1);
        while (!dir.isEmpty() && loadedWhole(dir)) {
            int up = dir.lastIndexOf('/');
            file = dir.substring(up + 1) + "." + file;
            dir = dir.substring(0, up);
        }
        return dir.length() == slash ? path : dir + "/." + file;
    }

    /** Creates an empty file with mode and owner set before any content is written to it. */
    public static Step createEmpty(String path, String mode, String owner) {
        String[] ug = owner.split(":", 2);
        return Step.run("install", "-m", mode, "-o", ug[0], "-g", ug[1], "/dev/null", path);
    }

    /** Keeps the previous version (when there is one) and renames the new file into place. */
    public static List<Step> replace(String path, boolean exists) {
        List<Step> steps = new ArrayList<>();
        if (exists) {
            steps.add(Step.run("cp", "-p", path, previous(path)));
        }
        steps.add(Step.run("mv", temporary(path), path));
        return steps;
    }

    /** The steps that write {@code content} at {@code path}; {@code check} runs on the temporary file. */
    static List<Step> write(String path, String content, String mode, String owner, boolean exists, List<Step> check) {
        List<Step> steps = new ArrayList<>();
        if (!exists) {
            // A new file's directory may be new too (a jail's /usr/local/etc/rc.d before any package);
            // the staging place is in it or above it.
            steps.add(Step.run("mkdir", "-p", path.substring(0, Math.max(1, path.lastIndexOf('/')))));
        }
        steps.add(createEmpty(temporary(path), mode, owner));
        steps.add(Step.withContent(content, "dd", "of=" + temporary(path), "status=none"));
        steps.addAll(check);
        steps.addAll(replace(path, exists));
        return steps;
    }

    /** What differs between a desired file and the host's; empty when they are the same. */
    record Outcome(Action action, List<Step> steps, String diff, Map<String, Object> before, Map<String, Object> after) {}

    static Optional<Outcome> compare(String path, String content, String mode, String owner, ObservedHost observed,
                                     List<Step> check) {
        FileState found = observed.get(HostState.FILES).get(path);
        String sha = com.uirig.model.Sha256.hex(content.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> after = describe(sha, mode, owner);
        if (found == null) {
            return Optional.of(new Outcome(Action.CREATE, write(path, content, mode, owner, false, check),
                    UnifiedDiff.of(path, null, content), Map.of(), after));
        }
        Map<String, Object> before = describe(found.sha256(), found.mode(), found.owner());
        if (!found.sha256().equals(sha)) {
            String diff = found.content().map(old -> UnifiedDiff.of(path, old, content)).orElse("");
            return Optional.of(new Outcome(Action.UPDATE, write(path, content, mode, owner, true, check), diff, before, after));
        }
        List<Step> steps = new ArrayList<>();
        if (!found.mode().equals(mode)) {
            steps.add(Step.run("chmod", mode, path));
        }
        if (!found.owner().equals(owner)) {
            steps.add(Step.run("chown", owner, path));
        }
        return steps.isEmpty() ? Optional.empty() : Optional.of(new Outcome(Action.UPDATE, steps, "", before, after));
    }

    static Map<String, Object> describe(String sha256, String mode, String owner) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sha256", sha256);
        m.put("mode", mode);
        m.put("owner", owner);
        return m;
    }
}
