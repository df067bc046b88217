package com.uirig.apply;

/**
 * A request to stop an apply (SIGINT or SIGTERM): once made, no new change starts; the running
 * one finishes, with its rollback confirmed or waited for.
 */
public final class Interruption {
    private volatile String signal;

    /** The first request counts; {@code signal} is its name without SIG ({@code INT}, {@code TERM}). */
    public synchronized void request(String signal) {
        if (this.signal == null) {
            this.signal = signal;
        }
    }

    public boolean requested() {
        return signal != null;
    }

    public String signal() {
        return signal;
    }

    /** 128 plus the signal's number, as sh reports a command the signal ended: 130 for INT, 143 for TERM. */
    public int exitCode() {
        return "TERM".equals(signal) ? 143 : 130;
    }
}
