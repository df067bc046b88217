package com.uirig.expect;

import com.uirig.expect.ExpectationResult.Found;
import com.uirig.model.Expectation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Tests an expectation from uirig's own process: a TCP connect with the expectation's timeout.
 * Open is a completed handshake (and, with {@code receive}, a reply holding it); closed is a
 * refused connect or none within the timeout.
 */
final class OrchestratorConnect {
    /** At most this much of a reply is read while looking for {@code receive}. */
    static final int MAX_REPLY = 64 * 1024;

    private OrchestratorConnect() {}

    static ExpectationResult test(Expectation x) {
        int timeoutMs = x.timeoutSeconds() * 1000;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(address(x), x.port()), timeoutMs);
            } catch (SocketTimeoutException e) {
                return ExpectationResult.of(x, Found.CLOSED, "timed out after " + x.timeoutSeconds() + " s");
            } catch (NoRouteToHostException e) {
                return ExpectationResult.of(x, Found.CLOSED, "no route to host");
            } catch (IOException e) {
                return ExpectationResult.of(x, Found.CLOSED, connectFailure(e, x));
            }
            if (x.send().isEmpty() && x.receive().isEmpty()) {
                return ExpectationResult.of(x, Found.OPEN, "connected");
            }
            return converse(socket, x, timeoutMs);
        } catch (IOException | RuntimeException e) {
            return ExpectationResult.of(x, Found.UNKNOWN, "the connect could not be made from the orchestrator");
        }
    }

    /** Sends {@code send} (then, like {@code nc -N}, closes the writing side) and reads the reply. */
    private static ExpectationResult converse(Socket socket, Expectation x, int timeoutMs) {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        String ending;
        try {
            socket.setSoTimeout(timeoutMs);
            if (x.send().isPresent()) {
                socket.getOutputStream().write(x.send().get().getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
            }
            if (x.receive().isEmpty()) {
                return ExpectationResult.of(x, Found.OPEN, "connected and sent " + Replies.quote(x.send().get()));
            }
            socket.shutdownOutput();
            ending = read(socket.getInputStream(), reply, x.receive().get());
        } catch (SocketTimeoutException e) {
            ending = "no more reply within " + x.timeoutSeconds() + " s";
        } catch (IOException e) {
            ending = "the connection broke";
        }
        return Replies.judge(x, reply.toString(StandardCharsets.UTF_8), ending);
    }

    /** Reads until the reply holds {@code receive}, the peer closes or {@link #MAX_REPLY} bytes came. */
    private static String read(InputStream in, ByteArrayOutputStream reply, String receive) throws IOException {
        byte[] buffer = new byte[4096];
        while (reply.size() < MAX_REPLY) {
            int n = in.read(buffer, 0, Math.min(buffer.length, MAX_REPLY - reply.size()));
            if (n < 0) {
                return "the connection was closed";
            }
            reply.write(buffer, 0, n);
            if (reply.toString(StandardCharsets.UTF_8).contains(receive)) {
                return "";
            }
        }
        return "read " + MAX_REPLY + " bytes";
    }

    private static InetAddress address(Expectation x) throws IOException {
        int bits = x.to().bits();
        return InetAddress.getByAddress(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
    }

    /** Why a connect failed, in words (the exception's text is used only to tell cases apart). */
    private static String connectFailure(IOException e, Expectation x) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("refused")) {
            return "connection refused";
        }
        if (m.contains("timed out")) {
            return "timed out after " + x.timeoutSeconds() + " s";
        }
        if (m.contains("network is unreachable") || m.contains("network unreachable")) {
            return "network unreachable";
        }
        if (m.contains("host is unreachable") || m.contains("no route")) {
            return "no route to host";
        }
        return "connection failed";
    }
}
