package com.uirig.apply;

import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollback found on a host: armed by a run that is not there to confirm it (killed, or cut
 * off), or one that fired. It is host state: plan and check report it, and apply takes it over
 * before it reads the host (see {@link #TAKE_OVER}), so that it never undoes later work.
 *
 * @param state  {@code armed} (its timer waits), {@code firing} (claimed, timer alive),
 *               {@code fired} (restored), {@code orphaned} (no timer: killed, or the host
 *               rebooted, or it was never fully armed)
 */
public record PendingRollback(String state, String dir, String resource, Instant armed, Instant fires, Instant fired) {
    /**
     * Where rollbacks live. A reboot ends the timer, and libexec/rc/rc.d/cleanvar deletes the files
     * under /var/run at boot: the directory left is an orphaned rollback.
     */
    public static final String BASE = "/var/run";
    static final String PREFIX = "uirig-rollback.";

    /**
     * Whether the timer of rollback {@code $d} still waits: its pid names a process whose command
     * line holds the directory (a reused pid does not).
     */
    private static final String TIMER_ALIVE = "{ p=$(cat \"$d/pid\" 2>/dev/null) && ps -o command= -p \"$p\" 2>/dev/null"
            + " | grep -qF \"$d\"; }";

    /** Prints one line about rollback {@code $d} in state {@code $s}. */
    private static final String SHOW = "echo \"$s $d $(cat \"$d/fired\" 2>/dev/null || echo -) $(cat \"$d/info\" 2>/dev/null)\"";

    /** One line per rollback directory: STATE DIR FIRED-EPOCH|- RESOURCE ARMED-EPOCH FIRES-EPOCH (read only). */
    public static final String LIST = list(BASE);

    static String list(String base) {
        return "for d in " + base + "/" + PREFIX + "*; do [ -d \"$d\" ] || continue; "
                + "if [ -e \"$d/fired\" ]; then s=fired; elif " + TIMER_ALIVE + "; then "
                + "if [ -d \"$d/claimed\" ]; then s=firing; else s=armed; fi; else s=orphaned; fi; " + SHOW + "; done";
    }

    /**
     * Takes every rollback on the host over, for a run that holds the host's lock and reached it
     * over SSH (the proof a rollback waits for): claims it and ends its timer; one that claimed
     * itself first is waited for (at most 60 s) to finish restoring. Prints LIST's lines with the
     * state each had: {@code armed}/{@code orphaned} taken over, {@code fired} restored.
     */
    static final String TAKE_OVER = takeOver(BASE);

    static String takeOver(String base) {
        return "for d in " + base + "/" + PREFIX + "*; do [ -d \"$d\" ] || continue; "
                + "if mkdir \"$d/claimed\" 2>/dev/null; then if " + TIMER_ALIVE + "; then s=armed; " + endTimer("\"$p\"", "\"$d\"")
                + "; else s=orphaned; fi; "
                + "else n=0; while [ ! -e \"$d/fired\" ] && [ $n -lt 60 ] && " + TIMER_ALIVE + "; do sleep 1; n=$((n + 1)); done; "
                + "if [ -e \"$d/fired\" ]; then s=fired; else s=orphaned; fi; fi; " + SHOW + "; rm -rf \"$d\"; done";
    }

    /** Runs {@link #TAKE_OVER} on a host this run holds the lock of; returns what it found. */
    public static List<PendingRollback> takeOver(String host, Transport t, Duration timeout) throws IOException {
        CommandResult r = t.run(TAKE_OVER, timeout.plusSeconds(70));
        if (!r.ok()) {
            throw new IOException(host + ": cannot take over the rollbacks left in " + BASE + " (exit " + r.exit() + ")");
        }
        return parse(r.stdout());
    }

    /**
     * Ends the timer of rollback {@code dir} once it is claimed: SIGKILL to the waiting shell first
     * (ending its sleep first would start the restore at once), then its sleep, then waits until no
     * restore of it runs: one started just before finds the claim taken and ends. Only then may
     * the directory go (removing it under a running restore would let that restore claim it).
     * The bracket keeps the pattern from matching this command's own shell.
     */
    static String endTimer(String pid, String dir) {
        return "{ c=$(pgrep -P " + pid + " 2>/dev/null); kill -9 " + pid + " 2>/dev/null; [ -z \"$c\" ] || kill $c 2>/dev/null; "
                + "while pgrep -f " + dir + "'/restor[e].sh' >/dev/null 2>&1; do sleep 0.1; done; }";
    }

    /** The rollbacks in LIST's (or TAKE_OVER's) output; lines that are not one are ignored. */
    public static List<PendingRollback> parse(String output) {
        List<PendingRollback> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length < 3 || !List.of("armed", "firing", "fired", "orphaned").contains(f[0])) {
                continue;
            }
            out.add(new PendingRollback(f[0], f[1], f.length > 3 ? f[3] : "?", epoch(f, 4), epoch(f, 5), epoch(f, 2)));
        }
        return out;
    }

    private static Instant epoch(String[] f, int i) {
        if (i >= f.length || !f[i].matches("[0-9]{1,12}")) {
            return null;
        }
        return Instant.ofEpochSecond(Long.parseLong(f[i]));
    }

    /** What {@link #TAKE_OVER} did with it, in words. */
    public String takenOver() {
        String what = "the rollback of " + resource + (armed == null ? "" : " armed at " + armed) + " by a run that did not confirm it";
        return switch (state) {
            case "armed" -> "took over " + what + ": it will not fire; this run goes on from the host's state as it is";
            case "fired" -> what + " had fired" + (fired == null ? "" : " at " + fired)
                    + " and restored the state before that change; this run goes on from there";
            default -> "removed " + what + " (it had no timer left)";
        };
    }

    /** In words, for plan, check and apply's output. */
    public String describe() {
        String what = "the rollback of " + resource + (armed == null ? "" : " armed at " + armed) + " by a run that did not confirm it";
        return switch (state) {
            case "armed" -> what + " fires at " + fires + " and would restore the state before that change";
            case "firing" -> what + " is restoring the state before that change";
            case "fired" -> what + " fired" + (fired == null ? "" : " at " + fired) + " and restored the state before that change";
            default -> what + " has no timer left (the host rebooted, or the run died while arming it)";
        };
    }
}
