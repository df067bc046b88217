package com.uirig.facts;

/**
 * The lock one uirig run holds on a host while it changes it (apply's HostLock holds it with
 * lockf(1)); the probe of check and plan reads whether it is held.
 */
public final class LockFile {
    public static final String PATH = "/var/run/uirig.lock";
    /** lockf's exit code when the lock is taken (EX_TEMPFAIL, usr.bin/lockf/lockf.c). */
    public static final int BUSY = 75;
    /** Exits {@link #BUSY} while another run holds the lock. */
    public static final String CHECK = "lockf -s -t 0 " + PATH + " true";

    private LockFile() {}
}
