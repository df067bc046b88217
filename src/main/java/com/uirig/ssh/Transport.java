package com.uirig.ssh;

import java.io.IOException;
import java.time.Duration;

/** The narrow way uirig talks to a host: run a command, optionally feeding it bytes. */
public interface Transport extends AutoCloseable {
    CommandResult run(String command, byte[] stdin, Duration timeout) throws IOException;

    default CommandResult run(String command, Duration timeout) throws IOException {
        return run(command, null, timeout);
    }

    /**
     * Starts a command that keeps running until the returned handle is closed (or the connection
     * drops), and returns once it printed its first line; fails with its exit code otherwise.
     */
    AutoCloseable hold(String command, Duration timeout) throws IOException;

    @Override
    void close();

    /** Closes without a goodbye: for a connection that no longer passes packets. */
    default void abandon() {
        close();
    }
}
