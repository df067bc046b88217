package com.uirig.apply;

import com.uirig.facts.PendingRollback;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** How apply takes over the rollbacks earlier runs left on a host (see {@link PendingRollback}). */
public final class RollbackTakeOver {
    private static final String TIMER_ALIVE = PendingRollback.TIMER_ALIVE;
    private static final String SHOW = PendingRollback.SHOW;
    private static final String PREFIX = PendingRollback.PREFIX;

    private RollbackTakeOver() {}

    /**
     * Takes every rollback on the host over, for a run that holds the host's lock and reached it
     * over SSH (the proof a rollback waits for): claims it and ends its timer; one that claimed
     * itself first is waited for (at most 60 s) to finish restoring. Prints LIST's lines with the
     * state each had: {@code armed}/{@code orphaned} taken over, {@code fired} restored.
     */
    static final String TAKE_OVER = takeOver(PendingRollback.BASE);

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
            throw new IOException(host + ": cannot take over the rollbacks left in " + PendingRollback.BASE + " (exit " + r.exit() + ")");
        }
        return PendingRollback.parse(r.stdout());
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
}
