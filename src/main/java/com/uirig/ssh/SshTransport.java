package com.uirig.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/** Runs commands over one authenticated SSH session. */
public final class SshTransport implements Transport {
    private final String host;
    private final ClientSession session;

    SshTransport(String host, ClientSession session) {
        this.host = host;
        this.session = session;
    }

    @Override
    public CommandResult run(String command, byte[] stdin, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin));
            channel.open().verify(timeout);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException(host + ": command timed out after " + timeout.toSeconds() + " s");
            }
            Integer exit = channel.getExitStatus();
            return new CommandResult(exit == null ? -1 : exit, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    @Override
    public AutoCloseable hold(String command, Duration timeout) throws IOException {
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream in = new java.io.PipedInputStream(feed);
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ChannelExec channel = session.createExecChannel(command);
        channel.setIn(in);
        channel.setOut(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                if (b == '\n') {
                    ready.countDown();
                }
            }
        });
        channel.setErr(err);
        channel.open().verify(timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!ready.await(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (channel.isClosed() || channel.isClosing() || channel.getExitStatus() != null) {
                    channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
                    Integer exit = channel.getExitStatus();
                    channel.close(true);
                    throw new com.uirig.ssh.HeldCommandFailed(exit == null ? -1 : exit, err.toString(StandardCharsets.UTF_8).strip());
                }
                if (System.nanoTime() > deadline) {
                    channel.close(true);
                    throw new IOException(host + ": '" + command + "' did not start within " + timeout.toSeconds() + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close(true);
            throw new IOException("interrupted", e);
        }
        return () -> {
            feed.close();
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
            channel.close(true);
        };
    }

    @Override
    public void abandon() {
        session.close(true);
    }

    @Override
    public void close() {
        try {
            session.close(false).await(Duration.ofSeconds(5));
        } catch (IOException e) {
            session.close(true);
        }
    }
}
