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

    /** The lock, and what a script run while it is held printed. */
    public record Held(AutoCloseable lock, String output) {}

    /**
     * Takes the lock and, holding it, runs {@code script} (the probe): one command, one round trip.
     * lockf runs a shell reading its script on standard input: it records its pid as the holder,
     * runs {@code script}, prints a marker line with a nonce drawn here, and becomes a {@code cat}
     * that holds the lock until uirig closes the channel (its pid stays the holder's).
     */
    public static Held acquireAndRun(String host, Transport t, String script, Duration timeout) throws IOException {
        String ready = "@@uirig-held-" + java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(8));
        String input = "echo $$ > " + HOLDER + "\n" + script + "\nprintf '\\n%s\\n' " + ready + "\nexec cat >/dev/null\n";
        try {
            Transport.Held h = t.hold("lockf -s -t 0 " + PATH + " /bin/sh -s",
                    input.getBytes(java.nio.charset.StandardCharsets.UTF_8), ready, timeout);
            return new Held(h.release(), h.output());
        } catch (HeldCommandFailed e) {
            throw notTaken(host, e);
        }
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
            throw notTaken(host, e);
        }
    }

    private static IOException notTaken(String host, HeldCommandFailed e) {
        return e.exit() == BUSY ? new Busy(host) : new IOException(host + ": cannot take the lock " + PATH + ": " + e.getMessage(), e);
    }
}
