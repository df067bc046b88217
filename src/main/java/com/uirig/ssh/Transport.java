package com.uirig.ssh;

import java.io.IOException;
import java.time.Duration;

/** The narrow way uirig talks to a host: run a command, optionally feeding it bytes. */
public interface Transport extends AutoCloseable {
    CommandResult run(String command, byte[] stdin, Duration timeout) throws IOException;

    default CommandResult run(String command, Duration timeout) throws IOException {
        return run(command, null, timeout);
    }

    @Override
    void close();
}
