package com.uirig.ssh;

/** What a command did: its exit code (a failure is data, not an exception) and its output. */
public record CommandResult(int exit, String stdout, String stderr) {
    public boolean ok() {
        return exit == 0;
    }
}
