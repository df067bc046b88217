package com.uirig.apply;

import com.uirig.plan.Change;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A rollback armed on the host before a change that can cut uirig off: the host keeps copies of
 * the files the change replaces and, unless uirig disarms it in time, puts them back by itself
 * and reloads pf (or disables it when it was disabled before).
 */
final class Rollback {
    private static final String PF_CONF = "/etc/pf.conf";

    /** An armed rollback: the waiting process and the directory with the saved copies. */
    record Armed(String pid, String dir) {}

    private Rollback() {}

    /** The firewall changes: they decide whether uirig's next SSH connection gets through. */
    static boolean guards(Change c) {
        return c.resource().startsWith("pf[") || c.resource().startsWith("pf_table[");
    }

    /** The files the change puts in place (its {@code mv X.uirig-new X} steps), and pf.conf. */
    static List<String> files(Change c) {
        Set<String> out = new LinkedHashSet<>();
        for (Step s : c.steps()) {
            List<String> a = s.argv();
            if (a.size() == 3 && a.get(0).equals("mv") && a.get(1).equals(a.get(2) + ".uirig-new")) {
                out.add(a.get(2));
            }
        }
        out.add(PF_CONF);
        return new ArrayList<>(out);
    }

    static String restoreScript(List<String> files) {
        StringBuilder s = new StringBuilder("d=$1\n");
        for (int i = 0; i < files.size(); i++) {
            String f = Step.quote(files.get(i));
            s.append("if [ -e \"$d/").append(i).append(".absent\" ]; then rm -f ").append(f)
                    .append("; else cp -p \"$d/").append(i).append("\" ").append(f).append("; fi\n");
        }
        s.append("if [ -f ").append(PF_CONF).append(" ]; then pfctl -f ").append(PF_CONF).append("; fi\n");
        s.append("grep -q Enabled \"$d/running\" || pfctl -d\n");
        s.append("echo fired > \"$d/fired\"\n");
        return s.toString();
    }

    static String armCommand(List<String> files, Duration after, String baseDir) {
        StringBuilder s = new StringBuilder("d=$(mktemp -d ").append(baseDir).append("/uirig-rollback.XXXXXX) && cat > \"$d/restore.sh\" && ");
        s.append("{ pfctl -s Running > \"$d/running\" 2>/dev/null; ");
        for (int i = 0; i < files.size(); i++) {
            String f = Step.quote(files.get(i));
            s.append("if [ -e ").append(f).append(" ]; then cp -p ").append(f).append(" \"$d/").append(i)
                    .append("\"; else : > \"$d/").append(i).append(".absent\"; fi; ");
        }
        // Braces: only the waiting shell goes to the background, detached from the SSH channel.
        s.append("} && { nohup sh -c 'sleep ").append(after.toSeconds()).append("; sh \"$0/restore.sh\" \"$0\"' \"$d\"")
                .append(" >/dev/null 2>&1 </dev/null & echo \"$! $d\"; }");
        return s.toString();
    }

    static Armed parse(CommandResult r) {
        String[] out = r.stdout().trim().split(" ");
        return r.ok() && out.length == 2 ? new Armed(out[0], out[1]) : null;
    }

    static Armed arm(String host, Transport t, Change c, Duration after, Duration timeout) throws IOException {
        List<String> files = files(c);
        CommandResult r = t.run(armCommand(files, after, "/var/run"), restoreScript(files).getBytes(StandardCharsets.UTF_8), timeout);
        String[] out = r.stdout().trim().split(" ");
        if (!r.ok() || out.length != 2) {
            throw new IOException(host + ": cannot arm the rollback before " + c.resource() + " (exit " + r.exit() + ")");
        }
        return new Armed(out[0], out[1]);
    }

    static void disarm(Transport t, Armed a, Duration timeout) throws IOException {
        t.run("kill " + Step.quote(a.pid()) + " 2>/dev/null; rm -rf " + Step.quote(a.dir()), timeout);
    }
}
