package com.uirig.apply;

import com.uirig.ssh.HeldCommandFailed;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.time.Duration;

/**
 * One uirig run per host at a time: lockf holds /var/run/uirig.lock for as long as the held
 * command runs, which is as long as uirig keeps it open; a dropped connection releases it.
 */
public final class HostLock {
    private static final String PATH = com.uirig.facts.LockFile.PATH;
    private static final int BUSY = com.uirig.facts.LockFile.BUSY;
    /** The pid of the process that holds the lock for its session (the one that ends to release it). */
    static final String HOLDER = PATH + ".holder";
    private static final String HOLDER_BODY = " /bin/sh -c 'echo $$ > " + HOLDER + "; echo locked; exec cat >/dev/null'";
    private static final String HOLD = "lockf -s -t 0 " + PATH + HOLDER_BODY;
    /**
     * Takes the lock over from this run's own session that can no longer speak (its connection was
     * cut by enabling pf): ends that session's holder, then waits for lockf to let go.
     */
    private static final String TAKE_OVER = "kill $(cat " + HOLDER + ") 2>/dev/null; lockf -s -t 10 " + PATH + HOLDER_BODY;

    private HostLock() {}

    /** Another uirig run holds the host. */
    public static final class Busy extends IOException {
        public Busy(String host) {
            super(host + ": busy: another uirig run holds " + PATH);
        }
    }

    public static AutoCloseable acquire(String host, Transport t, Duration timeout) throws IOException {
        return hold(HOLD, host, t, timeout);
    }

    /**
     * Moves the lock this run holds to a new connection {@code t}. Only this run holds it, so the
     * holder ended is this run's; between its end and the new hold another run could take it,
     * and then this fails as busy.
     */
    public static AutoCloseable takeOver(String host, Transport t, Duration timeout) throws IOException {
        return hold(TAKE_OVER, host, t, timeout);
    }

    private static AutoCloseable hold(String command, String host, Transport t, Duration timeout) throws IOException {
        try {
            return t.hold(command, timeout);
        } catch (HeldCommandFailed e) {
            if (e.exit() == BUSY) {
                throw new Busy(host);
            }
            throw new IOException(host + ": cannot take the lock " + PATH + ": " + e.getMessage(), e);
        }
    }
}
