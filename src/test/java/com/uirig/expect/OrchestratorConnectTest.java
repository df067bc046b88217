package com.uirig.expect;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.expect.ExpectationResult.Found;
import com.uirig.model.Expectation;
import com.uirig.model.Expectation.Reach;
import com.uirig.model.Ipv4;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connects from uirig's own process, against real listeners on loopback. */
class OrchestratorConnectTest {
    private ServerSocket server;
    private Thread serving;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (serving != null) {
            serving.interrupt();
            serving.join(5000);
        }
    }

    private static Expectation x(int port, Reach expect, String send, String receive, int timeout) {
        return new Expectation("t", Expectation.ORCHESTRATOR, Ipv4.parse("127.0.0.1"), port, expect,
                Optional.ofNullable(send), Optional.ofNullable(receive), timeout);
    }

    private int listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return server.getLocalPort();
    }

    /** Serves each connection with {@code reply}: what it read until EOF in, what it writes back. */
    private int serve(Function<String, String> reply, boolean waitForEof) throws IOException {
        int port = listen();
        serving = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    String got = waitForEof ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : "";
                    OutputStream out = s.getOutputStream();
                    String answer = reply.apply(got);
                    if (answer == null) {
                        Thread.sleep(3000);
                    } else {
                        out.write(answer.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        serving.start();
        return port;
    }

    /** A port nothing listens on: bound, then released. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aListeningPortIsOpen() throws Exception {
        int port = listen();
        ExpectationResult r = OrchestratorConnect.test(x(port, Reach.OPEN, null, null, 3));
        assertThat(r.found()).isEqualTo(Found.OPEN);
        assertThat(r.passed()).isTrue();
        assertThat(r.describe()).isEqualTo("tcp 127.0.0.1:" + port + " from orchestrator: open, as expected (connected)");
        // The same port expected closed is a failure.
        ExpectationResult closed = OrchestratorConnect.test(x(port, Reach.CLOSED, null, null, 3));
        assertThat(closed.passed()).isFalse();
        assertThat(closed.describe()).isEqualTo("tcp 127.0.0.1:" + port + " from orchestrator: expected closed, found open (connected)");
    }

    @Test
    void aPortNothingListensOnIsClosed() throws Exception {
        int port = freePort();
        ExpectationResult r = OrchestratorConnect.test(x(port, Reach.CLOSED, null, null, 3));
        assertThat(r.found()).isEqualTo(Found.CLOSED);
        assertThat(r.detail()).isEqualTo("connection refused");
        assertThat(r.passed()).isTrue();
        ExpectationResult open = OrchestratorConnect.test(x(port, Reach.OPEN, null, null, 3));
        assertThat(open.passed()).isFalse();
        assertThat(open.describe()).isEqualTo("tcp 127.0.0.1:" + port + " from orchestrator: expected open, found closed (connection refused)");
        assertThat(open.describe()).doesNotContain("Exception");
    }

    @Test
    void sendAndReceiveThroughAnEchoListener() throws Exception {
        int port = serve(got -> got, true);
        ExpectationResult r = OrchestratorConnect.test(x(port, Reach.OPEN, "uirig-ping", "uirig-ping", 3));
        assertThat(r.found()).isEqualTo(Found.OPEN);
        assertThat(r.detail()).isEqualTo("the reply contained 'uirig-ping'");
        assertThat(r.passed()).isTrue();
    }

    @Test
    void aReplyWithoutTheTextIsAWrongReply() throws Exception {
        int port = serve(got -> "ERROR: who are you?\n", true);
        ExpectationResult r = OrchestratorConnect.test(x(port, Reach.OPEN, "uirig-ping", "uirig-ping", 3));
        assertThat(r.found()).isEqualTo(Found.WRONG_REPLY);
        assertThat(r.passed()).isFalse();
        assertThat(r.describe()).isEqualTo("tcp 127.0.0.1:" + port + " from orchestrator: expected open, found a wrong reply"
                + " (connected, but the reply did not contain 'uirig-ping'; got 20 characters: 'ERROR: who are you?\\n',"
                + " then the connection was closed)");
    }

    @Test
    void aBannerIsReceivedWithoutSendingAnything() throws Exception {
        int port = serve(got -> "SSH-2.0-test\r\n", false);
        ExpectationResult r = OrchestratorConnect.test(x(port, Reach.OPEN, null, "SSH-2.0", 3));
        assertThat(r.found()).isEqualTo(Found.OPEN);
    }

    @Test
    void aListenerThatNeverAnswersIsAWrongReplyAfterTheTimeout() throws Exception {
        int port = serve(got -> null, false);
        long t0 = System.nanoTime();
        ExpectationResult r = OrchestratorConnect.test(x(port, Reach.OPEN, "hello", "hello", 1));
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(900L, 2900L);
        assertThat(r.found()).isEqualTo(Found.WRONG_REPLY);
        assertThat(r.detail()).isEqualTo("connected, but the reply did not contain 'hello'; no reply, then no more reply within 1 s");
    }
}
