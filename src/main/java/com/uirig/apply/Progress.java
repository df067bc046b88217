package com.uirig.apply;

import com.uirig.plan.Action;
import com.uirig.plan.Address;

/**
 * What apply reports while it runs, as typed events; views decide how to show them
 * ({@code render.ApplyText} prints one line each).
 */
public sealed interface Progress {
    String host();

    /** Change {@code index} of {@code total} on the host ran all its steps. */
    record ChangeDone(String host, int index, int total, Address resource, Action action) implements Progress {}

    /** Change {@code index} of {@code total} failed; the host's later changes are skipped. */
    record ChangeFailed(String host, int index, int total, Address resource, String error) implements Progress {}

    /** A long step (a package install, a base archive) is still running after {@code seconds}. */
    record StillRunning(String host, Address resource, String command, long seconds) implements Progress {}
}
