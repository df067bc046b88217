package com.uirig.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/** The narrow way uirig talks to a host: run a command, optionally feeding it bytes. */
public interface Transport extends AutoCloseable {
    /**
     * Runs a command reading {@code stdin} (none when null) as the channel sends it: a large file
     * goes through in chunks, never whole in memory. The caller closes the stream.
     */
    CommandResult run(String command, InputStream stdin, Duration timeout) throws IOException;

    default CommandResult run(String command, byte[] stdin, Duration timeout) throws IOException {
        return run(command, stdin == null ? null : new ByteArrayInputStream(stdin), timeout);
    }

    default CommandResult run(String command, Duration timeout) throws IOException {
        return run(command, (InputStream) null, timeout);
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
