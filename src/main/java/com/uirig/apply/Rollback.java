package com.uirig.apply;

import com.uirig.facts.PendingRollback;
import com.uirig.plan.Change;
import com.uirig.plan.Guard;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A rollback armed on the host before a change that can cut uirig off, from the change's
 * {@link Guard}: the host keeps copies of the files it names and, unless uirig disarms it in
 * time, puts them back and runs its commands by itself.
 */
final class Rollback {
    /** An armed rollback: the waiting process and the directory with the saved copies. */
    record Armed(String pid, String dir) {}

    private Rollback() {}

    /**
     * The script the timer runs: it first claims the rollback (mkdir is atomic), so that it never
     * restores once this run, or a later one, has confirmed or taken the change over.
     */
    static String restoreScript(Guard r) {
        List<String> files = r.files();
        // Only from inside its own directory, and only once it holds the claim: a directory that
        // is gone (confirmed or taken over) restores nothing.
        StringBuilder s = new StringBuilder("d=$1\ncd \"$d\" 2>/dev/null && [ -f info ] || exit 0\n"
                + "mkdir claimed 2>/dev/null || exit 0\n");
        for (int i = 0; i < files.size(); i++) {
            String f = Step.quote(files.get(i));
            s.append("if [ -e \"$d/").append(i).append(".absent\" ]; then rm -f ").append(f)
                    .append("; else cp -p \"$d/").append(i).append("\" ").append(f).append("; fi\n");
        }
        r.commands().forEach(cmd -> s.append(cmd).append('\n'));
        s.append("date +%s > \"$d/fired\"\n");
        return s.toString();
    }

    /**
     * Saves the copies, then starts the timer detached from the SSH channel. The directory also
     * says what it guards and when it fires ({@code info}) and which process waits ({@code pid}),
     * so that a later run finds a rollback this one left behind (see {@link PendingRollback}).
     */
    static String armCommand(String resource, List<String> files, Duration after, String baseDir) {
        StringBuilder s = new StringBuilder("d=$(mktemp -d ").append(baseDir).append('/').append(PendingRollback.PREFIX)
                .append("XXXXXX) && cat > \"$d/restore.sh\" && ");
        s.append("t=$(date +%s) && echo ").append(Step.quote(resource)).append(" $t $((t + ").append(after.toSeconds())
                .append(")) > \"$d/info\" && ");
        // pfctl -s Running exits 1 when pf is disabled, and without the pf module (pfctl.c).
        s.append("{ pfctl -s Running > \"$d/running\" 2>/dev/null || :; ");
        for (int i = 0; i < files.size(); i++) {
            String f = Step.quote(files.get(i));
            s.append("if [ -e ").append(f).append(" ]; then cp -p ").append(f).append(" \"$d/").append(i)
                    .append("\"; else : > \"$d/").append(i).append(".absent\"; fi; ");
        }
        // Braces: only the waiting shell goes to the background, detached from the SSH channel.
        s.append("} && { nohup sh -c 'sleep ").append(after.toSeconds()).append("; sh \"$0/restore.sh\" \"$0\"' \"$d\"")
                .append(" >/dev/null 2>&1 </dev/null & echo $! > \"$d/pid\" && echo \"$! $d\"; }");
        return s.toString();
    }

    static Armed parse(CommandResult r) {
        String[] out = r.stdout().trim().split(" ");
        return r.ok() && out.length == 2 ? new Armed(out[0], out[1]) : null;
    }

    static Armed arm(String host, Transport t, Change c, Duration after, Duration timeout) throws IOException {
        Guard restore = c.guarded().orElseThrow();
        CommandResult r = t.run(armCommand(c.resource().toString(), restore.files(), after, PendingRollback.BASE),
                restoreScript(restore).getBytes(StandardCharsets.UTF_8), timeout);
        String[] out = r.stdout().trim().split(" ");
        if (!r.ok() || out.length != 2) {
            throw new IOException(host + ": cannot arm the rollback before " + c.resource() + " (exit " + r.exit() + ")");
        }
        return new Armed(out[0], out[1]);
    }

    static String disarmCommand(Armed a) {
        String d = Step.quote(a.dir());
        return "if mkdir " + d + "/claimed 2>/dev/null; then " + RollbackTakeOver.endTimer(Step.quote(a.pid()), d)
                + "; rm -rf " + d + "; echo disarmed; else echo fired; fi";
    }

    /** What disarming found: the rollback disarmed, already fired, or the command did not run. */
    enum Disarmed { DISARMED, FIRED, NOT_RUN }

    /**
     * Claims the rollback and ends its timer: {@link Disarmed#FIRED} when the timer claimed it
     * first (it is restoring, or has restored, the host: the change is undone).
     */
    static Disarmed disarm(Transport t, Armed a, Duration timeout) throws IOException {
        CommandResult r = t.run(disarmCommand(a), timeout);
        if (!r.ok()) {
            return Disarmed.NOT_RUN;
        }
        return r.stdout().strip().equals("disarmed") ? Disarmed.DISARMED : Disarmed.FIRED;
    }
}
