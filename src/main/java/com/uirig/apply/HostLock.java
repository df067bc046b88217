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
    public static final String PATH = "/var/run/uirig.lock";
    /** lockf's exit code when the lock is taken (EX_TEMPFAIL). */
    public static final int BUSY = 75;
    /** Exits 75 while another run holds the lock; used by the probe of check and plan. */
    public static final String CHECK = "lockf -s -t 0 " + PATH + " true";
    private static final String HOLD = "lockf -s -t 0 " + PATH + " /bin/sh -c 'echo locked; exec cat >/dev/null'";

    private HostLock() {}

    /** Another uirig run holds the host. */
    public static final class Busy extends IOException {
        public Busy(String host) {
            super(host + ": busy: another uirig run holds " + PATH);
        }
    }

    public static AutoCloseable acquire(String host, Transport t, Duration timeout) throws IOException {
        try {
            return t.hold(HOLD, timeout);
        } catch (HeldCommandFailed e) {
            if (e.exit() == BUSY) {
                throw new Busy(host);
            }
            throw new IOException(host + ": cannot take the lock " + PATH + ": " + e.getMessage(), e);
        }
    }
}
