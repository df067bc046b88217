package com.uirig.facts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollback found on a host: armed by a run that is not there to confirm it (killed, or cut
 * off), or one that fired. It is host state: plan and check report it, and apply takes it over
 * before it reads the host (apply's RollbackTakeOver), so that it never undoes later work.
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
    public static final String PREFIX = "uirig-rollback.";

    /**
     * Whether the timer of rollback {@code $d} still waits: its pid names a process whose command
     * line holds the directory (a reused pid does not).
     */
    public static final String TIMER_ALIVE = "{ p=$(cat \"$d/pid\" 2>/dev/null) && ps -o command= -p \"$p\" 2>/dev/null"
            + " | grep -qF \"$d\"; }";

    /** Prints one line about rollback {@code $d} in state {@code $s}. */
    public static final String SHOW = "echo \"$s $d $(cat \"$d/fired\" 2>/dev/null || echo -) $(cat \"$d/info\" 2>/dev/null)\"";

    /** One line per rollback directory: STATE DIR FIRED-EPOCH|- RESOURCE ARMED-EPOCH FIRES-EPOCH (read only). */
    public static final String LIST = list(BASE);

    public static String list(String base) {
        return "for d in " + base + "/" + PREFIX + "*; do [ -d \"$d\" ] || continue; "
                + "if [ -e \"$d/fired\" ]; then s=fired; elif " + TIMER_ALIVE + "; then "
                + "if [ -d \"$d/claimed\" ]; then s=firing; else s=armed; fi; else s=orphaned; fi; " + SHOW + "; done";
    }

    /** The rollbacks in LIST's (or the take-over's) output; lines that are not one are ignored. */
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

    /** What taking it over did with it, in words. */
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
