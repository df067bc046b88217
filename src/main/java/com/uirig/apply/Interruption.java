package com.uirig.apply;

/**
 * A request to stop an apply (SIGINT, SIGTERM, or SIGHUP when the operator's terminal goes away): once made, no new change starts; the running
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

    /** 128 plus the signal's number, as sh reports a command the signal ended. */
    public int exitCode() {
        return exitCode(signal);
    }

    /** 129 for HUP, 130 for INT, 143 for TERM (signal(3): SIGHUP 1, SIGINT 2, SIGTERM 15). */
    public static int exitCode(String signal) {
        return switch (signal) {
            case "HUP" -> 129;
            case "TERM" -> 143;
            default -> 130;
        };
    }
}
