package com.uirig.ssh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import com.uirig.model.Become;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Runs commands over one authenticated SSH session, each as root: through {@link Become} when
 * the login is not root.
 */
public final class SshTransport implements Transport {
    private final String host;
    private final ClientSession session;
    private final String user;
    private final Become become;

    SshTransport(String host, ClientSession session, String user, Become become) {
        this.host = host;
        this.session = session;
        this.user = user;
        this.become = become;
    }

    @Override
    public CommandResult run(String command, InputStream stdin, Duration timeout) throws IOException {
        return run(command, stdin, timeout, new ByteArrayOutputStream());
    }

    @Override
    public CommandResult run(String command, byte[] stdin, Duration timeout, java.util.function.Consumer<String> errLine)
            throws IOException {
        return run(command, stdin == null ? null : new ByteArrayInputStream(stdin), timeout, new LineTee(errLine));
    }

    /** Standard error kept whole, and each line handed on as it completes (in MINA's I/O thread). */
    private static final class LineTee extends ByteArrayOutputStream {
        private final java.util.function.Consumer<String> errLine;
        private int lineStart;

        LineTee(java.util.function.Consumer<String> errLine) {
            this.errLine = errLine;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            for (int i = count - len; i < count; i++) {
                if (buf[i] == '\n') {
                    errLine.accept(new String(buf, lineStart, i - lineStart, StandardCharsets.UTF_8));
                    lineStart = i + 1;
                }
            }
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    private CommandResult run(String command, InputStream stdin, Duration timeout, ByteArrayOutputStream err) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec channel = channel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            // MINA pumps the stream into the channel in packets, as the host's window allows.
            channel.setIn(stdin == null ? new ByteArrayInputStream(new byte[0]) : stdin);
            try {
                channel.open().verify(timeout);
            } catch (IOException e) {
                throw new IOException(host + ": cannot start a command on " + where() + ": the connection is closed or broken", e);
            }
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException(host + ": a command on " + where() + " did not finish within " + timeout.toSeconds()
                        + " s (it may still run there)");
            }
            Integer exit = channel.getExitStatus();
            String stderr = err.toString(StandardCharsets.UTF_8);
            refusedByBecome(exit, out.size(), stderr);
            return new CommandResult(exit == null ? -1 : exit, out.toString(StandardCharsets.UTF_8), stderr);
        }
    }

    /** A new channel for {@code command}; MINA refuses one on a session that is closing (the host dropped it). */
    private ChannelExec channel(String command) throws IOException {
        try {
            return session.createExecChannel(become.wrap(command));
        } catch (IllegalStateException e) {
            throw new IOException(host + ": cannot start a command on " + where() + ": the connection is closed or broken", e);
        }
    }

    /** The address and port this session was opened to, as the inventory gave them. */
    private String where() {
        java.net.SocketAddress a = session.getConnectAddress();
        return a instanceof java.net.InetSocketAddress i ? i.getHostString() + ":" + i.getPort()
                : a instanceof org.apache.sshd.common.util.net.SshdSocketAddress d ? d.getHostName() + ":" + d.getPort()
                : String.valueOf(a);
    }

    /**
     * doas and sudo exit 1 with their own name first on stderr when they refuse (a password asked
     * for, the user not permitted), and the login shell exits 127 when they are not installed:
     * a setup problem of the host, reported as such instead of as a failed step.
     */
    private void refusedByBecome(Integer exit, int stdoutBytes, String stderr) throws IOException {
        if (become == Become.NONE || exit == null || stdoutBytes > 0) {
            return;
        }
        String name = become.program();
        String first = stderr.lines().findFirst().orElse("").strip();
        boolean refused = exit == 1 && first.startsWith(name + ":");
        boolean missing = exit == 127 && first.contains(name) && first.contains("not found");
        if (refused || missing) {
            String allow = become == Become.DOAS ? "doas.conf: permit nopass " + user : "sudoers: " + user + " ALL=(ALL) NOPASSWD: ALL";
            throw new IOException(host + ": " + (missing ? name + " is not installed (" + first + ")"
                    : name + " refused to run commands as root for " + user + " (" + first + ")")
                    + "; become: " + name + " needs " + name + " installed and " + user
                    + " allowed to run any command without a password (" + allow + ")");
        }
    }

    @Override
    public AutoCloseable hold(String command, Duration timeout) throws IOException {
        return hold(command, new byte[0], null, timeout).release();
    }

    @Override
    public Held hold(String command, byte[] input, String readyLine, Duration timeout) throws IOException {
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        // The input first, then a stream that ends only when the handle is closed.
        InputStream in = new java.io.SequenceInputStream(new ByteArrayInputStream(input), new java.io.PipedInputStream(feed));
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] line = readyLine == null ? null : ("\n" + readyLine + "\n").getBytes(StandardCharsets.UTF_8);
        int[] readyAt = {-1};
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
                if (readyAt[0] < 0) {
                    readyAt[0] = line == null ? indexOf(buf, count, new byte[] {'\n'}) : indexOf(buf, count, line);
                    if (readyAt[0] >= 0) {
                        ready.countDown();
                    }
                }
            }

            @Override
            public synchronized void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
        ChannelExec channel = channel(command);
        channel.setIn(in);
        channel.setOut(out);
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
                    throw new IOException(host + ": '" + command + "' was not ready within " + timeout.toSeconds() + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close(true);
            throw new IOException("interrupted", e);
        }
        String before;
        synchronized (out) {
            before = readyLine == null ? "" : new String(out.toByteArray(), 0, readyAt[0], StandardCharsets.UTF_8);
        }
        // Released by the end of its input: the command reads it to its end, then ends. Not waited
        // for: the connection's close that follows ends the channel either way.
        return new Held(() -> {
            feed.close();
            channel.close(false);
        }, before);
    }

    /** Where {@code what} first occurs in the first {@code count} bytes of {@code b} (a line at the very start counts), or -1. */
    private static int indexOf(byte[] b, int count, byte[] what) {
        boolean line = what.length > 1 && what[0] == '\n';
        if (line && count >= what.length - 1 && java.util.Arrays.equals(b, 0, what.length - 1, what, 1, what.length)) {
            return 0;
        }
        outer:
        for (int i = 0; i + what.length <= count; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
