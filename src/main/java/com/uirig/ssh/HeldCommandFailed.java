package com.uirig.ssh;

import java.io.IOException;

/** A command started with {@link Transport#hold} that ended before it was ready. */
public final class HeldCommandFailed extends IOException {
    private final int exit;

    public HeldCommandFailed(int exit, String stderr) {
        super("exited " + exit + (stderr.isEmpty() ? "" : ": " + stderr));
        this.exit = exit;
    }

    public int exit() {
        return exit;
    }
}
