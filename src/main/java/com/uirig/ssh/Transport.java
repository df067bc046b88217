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

    /**
     * As {@link #run(String, byte[], Duration)}, handing {@code errLine} each line of standard
     * error (without its newline) as it arrives, so a caller can follow a long command: a transport that cannot hands
     * them once the command ended.
     */
    default CommandResult run(String command, byte[] stdin, Duration timeout, java.util.function.Consumer<String> errLine)
            throws IOException {
        CommandResult r = run(command, stdin, timeout);
        r.stderr().lines().forEach(errLine);
        return r;
    }

    default CommandResult run(String command, Duration timeout) throws IOException {
        return run(command, (InputStream) null, timeout);
    }

    /**
     * Starts a command that keeps running until the returned handle is closed (or the connection
     * drops), and returns once it printed its first line; fails with its exit code otherwise.
     */
    AutoCloseable hold(String command, Duration timeout) throws IOException;

    /** A held command's handle, and what it printed before it was ready. */
    record Held(AutoCloseable release, String output) {}

    /**
     * As {@link #hold(String, Duration)}, sending {@code input} on the command's standard input
     * first; ready once it printed the line {@code readyLine}, and its output before that line is
     * returned: a command that holds something and reads the host while it does, in one round trip.
     */
    default Held hold(String command, byte[] input, String readyLine, Duration timeout) throws IOException {
        throw new IOException("this transport cannot hold a command that reads input");
    }

    @Override
    void close();

    /** Closes without a goodbye: for a connection that no longer passes packets. */
    default void abandon() {
        close();
    }
}
