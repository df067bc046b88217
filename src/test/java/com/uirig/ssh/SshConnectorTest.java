package com.uirig.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uirig.facts.Probe;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host keys are verified against known_hosts or a pin, commands run over one real SSH session. */
class SshConnectorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestSshServer server;
    private SshConnector connector;
    private Path knownHosts;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir);
        connector = new SshConnector(TIMEOUT);
        knownHosts = dir.resolve("known_hosts");
    }

    @AfterEach
    void stop() throws Exception {
        connector.close();
        server.close();
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprint() {
        assertThatThrownBy(() -> connector.connect("server-a", server.target(knownHosts, Optional.empty()), dir))
                .isInstanceOf(HostKeyException.class)
                .hasMessageContaining("server-a: unknown host key " + KnownHosts.fingerprint(server.hostKey.getPublic()))
                .hasMessageContaining("uirig trust INVENTORY --host server-a");
    }

    @Test
    void aTrustedHostRunsCommandsAndTheProbe() throws Exception {
        var target = server.target(knownHosts, Optional.empty());
        var offered = connector.offeredKey("server-a", target);
        assertThat(KnownHosts.openSsh(offered)).isEqualTo(KnownHosts.openSsh(server.hostKey.getPublic()));
        new KnownHosts(Optional.of(knownHosts), Optional.empty()).trust("127.0.0.1", server.port(), offered);
        assertThat(Files.readString(knownHosts)).startsWith("[127.0.0.1]:" + server.port() + " ecdsa-sha2-nistp256 ");

        try (Transport t = connector.connect("server-a", target, dir)) {
            assertThat(t.run("echo hello", TIMEOUT)).isEqualTo(new CommandResult(0, "hello\n", ""));
            assertThat(t.run("false", TIMEOUT).exit()).isEqualTo(1);
            Map<String, String> commands = new LinkedHashMap<>();
            commands.put("greeting", "echo hi there");
            commands.put("missing", "cat /nonexistent/file");
            Probe probe = Probe.ofCommands(commands);
            CommandResult r = t.run("sh -s", probe.script().getBytes(StandardCharsets.UTF_8), TIMEOUT);
            Map<String, Probe.Section> sections = probe.split(r.stdout());
            assertThat(sections.get("greeting")).isEqualTo(new Probe.Section("greeting", 0, "hi there\n"));
            assertThat(sections.get("missing").exit()).isNotZero();
        }
    }

    @Test
    void becomeRunsEveryCommandThroughItAndAMissingOneIsASetupError() throws Exception {
        var plain = server.target(knownHosts, Optional.empty());
        new KnownHosts(Optional.of(knownHosts), Optional.empty()).trust("127.0.0.1", server.port(),
                connector.offeredKey("server-a", plain));
        org.junit.jupiter.api.Assumptions.assumeTrue(!Files.isExecutable(Path.of("/usr/bin/doas"))
                && !Files.isExecutable(Path.of("/usr/local/bin/doas")), "this machine has doas");
        var target = new com.uirig.model.DesiredHost.SshTarget(plain.address(), plain.port(), plain.user(), plain.identity(),
                plain.knownHosts(), Optional.empty(), com.uirig.model.Become.DOAS);
        try (Transport t = connector.connect("server-a", target, dir)) {
            assertThatThrownBy(() -> t.run("echo hello", TIMEOUT)).isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("server-a: doas is not installed (")
                    .hasMessageEndingWith("; become: doas needs doas installed and " + plain.user()
                            + " allowed to run any command without a password (doas.conf: permit nopass " + plain.user() + ")");
        }
    }

    @Test
    void aStepThatStartsADaemonGivesItsOutputThroughFiles() throws Exception {
        var target = server.target(knownHosts, Optional.empty());
        new KnownHosts(Optional.of(knownHosts), Optional.empty()).trust("127.0.0.1", server.port(),
                connector.offeredKey("server-a", target));
        // Like spiped: it detaches but keeps the stdout and stderr it was given.
        var daemon = com.uirig.plan.Step.startingDaemons("sh", "-c", "echo Starting; sleep 60 & echo $! > " + dir.resolve("pid"));
        try (Transport t = connector.connect("server-a", target, dir)) {
            // (OpenSSH's sshd would wait for the daemon's end here: the integration tests' spiped
            // starts prove the other half; this server ends channels when the command exits.)
            CommandResult r = t.run(com.uirig.apply.StepRunnerAccess.throughFiles(daemon), Duration.ofSeconds(10));
            assertThat(r).isEqualTo(new CommandResult(0, "Starting\n", ""));
        } finally {
            for (String pid : Files.readAllLines(dir.resolve("pid"))) {
                new ProcessBuilder("kill", pid.trim()).start().waitFor();
            }
        }
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        KeyPair other = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        new KnownHosts(Optional.of(knownHosts), Optional.empty()).trust("127.0.0.1", server.port(), other.getPublic());
        assertThatThrownBy(() -> connector.connect("server-b", server.target(knownHosts, Optional.empty()), dir))
                .isInstanceOf(HostKeyException.class)
                .hasMessageContaining("server-b: CHANGED host key " + KnownHosts.fingerprint(server.hostKey.getPublic()));
    }

    @Test
    void aPinnedKeyIsUsedInsteadOfKnownHosts() throws Exception {
        String pin = KnownHosts.openSsh(server.hostKey.getPublic());
        try (Transport t = connector.connect("server-a", server.target(null, Optional.of(pin)), dir)) {
            assertThat(t.run("echo pinned", TIMEOUT).stdout()).isEqualTo("pinned\n");
        }
        String wrong = KnownHosts.openSsh(KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256).getPublic());
        assertThatThrownBy(() -> connector.connect("server-a", server.target(null, Optional.of(wrong)), dir))
                .isInstanceOf(HostKeyException.class).hasMessageContaining("CHANGED host key");
    }

    @Test
    void hashedKnownHostsEntriesMatch() throws Exception {
        String host = "[127.0.0.1]:" + server.port();
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA1"));
        String hashed = "|1|" + java.util.Base64.getEncoder().encodeToString(salt) + "|"
                + java.util.Base64.getEncoder().encodeToString(mac.doFinal(host.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(knownHosts, "# comment\n" + hashed + " " + KnownHosts.openSsh(server.hostKey.getPublic()) + "\n");
        try (Transport t = connector.connect("server-a", server.target(knownHosts, Optional.empty()), dir)) {
            assertThat(t.run("echo ok", TIMEOUT).stdout()).isEqualTo("ok\n");
        }
    }

    @Test
    void anUnreachableHostIsAClearError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        var target = new com.uirig.model.DesiredHost.SshTarget("127.0.0.1", closed, "root", server.identity.toString(),
                knownHosts.toString(), Optional.empty());
        assertThatThrownBy(() -> connector.connect("server-z", target, dir))
                .hasMessageStartingWith("server-z: cannot connect to 127.0.0.1:" + closed);
    }

    @Test
    void keysOfARealSshAgentAuthenticate() throws Exception {
        Path socket = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(20);
            }
            Files.setPosixFilePermissions(server.identity, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            ProcessBuilder pb = new ProcessBuilder("ssh-add", server.identity.toString()).redirectErrorStream(true);
            pb.environment().put("SSH_AUTH_SOCK", socket.toString());
            assertThat(pb.start().waitFor()).isZero();
            String pin = KnownHosts.openSsh(server.hostKey.getPublic());
            var noIdentity = new com.uirig.model.DesiredHost.SshTarget("127.0.0.1", server.port(), "root",
                    dir.resolve("no-such-key").toString(), null, Optional.of(pin));
            try (SshConnector withAgent = new SshConnector(TIMEOUT, Optional.of(socket));
                 Transport t = withAgent.connect("server-a", noIdentity, dir)) {
                assertThat(t.run("echo via agent", TIMEOUT).stdout()).isEqualTo("via agent\n");
            }
            try (SshConnector withoutAgent = new SshConnector(TIMEOUT, Optional.empty())) {
                assertThatThrownBy(() -> withoutAgent.connect("server-a", noIdentity, dir))
                        .hasMessageContaining("cannot be read (and SSH_AUTH_SOCK names no ssh-agent)");
            }
        } finally {
            agent.destroy();
        }
    }

    private com.uirig.model.DesiredHost.SshTarget at(String address, int port, Path identity) {
        return new com.uirig.model.DesiredHost.SshTarget(address, port, System.getProperty("user.name"), identity.toString(),
                null, Optional.of(KnownHosts.openSsh(server.hostKey.getPublic())));
    }

    /** A connection failure's message: words for the user, never Java's or MINA's exception text. */
    private static void inWords(Throwable e) {
        assertThat(e).isInstanceOf(java.io.IOException.class);
        assertThat(e.getMessage()).doesNotContain("Exception", "java.", "org.apache", "sshd");
    }

    @Test
    void anIdentityFileThatHoldsNoPrivateKeyIsSaidInWords() throws Exception {
        Path garbage = dir.resolve("id_garbage");
        Files.writeString(garbage, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot base64 at all!\n-----END OPENSSH PRIVATE KEY-----\n");
        Path pub = dir.resolve("id_pub");
        Files.writeString(pub, KnownHosts.openSsh(server.hostKey.getPublic()) + "\n");
        for (Path p : List.of(garbage, pub)) {
            assertThatThrownBy(() -> connector.connect("server-a", at("127.0.0.1", server.port(), p), dir))
                    .satisfies(SshConnectorTest::inWords)
                    .hasMessageStartingWith("server-a: ")
                    .message().satisfiesAnyOf(
                            m -> assertThat(m).contains("identity file " + p + " holds no private key uirig can read"),
                            m -> assertThat(m).contains("accepted none of the keys uirig offered"));
        }
    }

    @Test
    void aPortThatAcceptsButNeverSpeaksSshIsNoGreetingWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             SshConnector quick = new SshConnector(Duration.ofSeconds(2), Optional.empty())) {
            int port = silent.getLocalPort();
            assertThatThrownBy(() -> quick.connect("server-a", at("127.0.0.1", port, server.identity), dir))
                    .satisfies(SshConnectorTest::inWords)
                    .hasMessage("server-a: no SSH greeting from 127.0.0.1:" + port + " within 2 s (something listens there,"
                            + " but it is no SSH server, or it hangs)");
        }
    }

    @Test
    void aRefusedConnectionAndANameThatDoesNotResolveAreSaidInWords() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThatThrownBy(() -> connector.connect("server-z", at("127.0.0.1", closed, server.identity), dir))
                .satisfies(SshConnectorTest::inWords)
                .hasMessage("server-z: cannot connect to 127.0.0.1:" + closed + ": connection refused (nothing listens on that port)");
        // .invalid never resolves (RFC 6761), so no name server is bothered for long.
        assertThatThrownBy(() -> connector.connect("server-z", at("server-z.invalid", 22, server.identity), dir))
                .satisfies(SshConnectorTest::inWords)
                .hasMessage("server-z: cannot connect to server-z.invalid:22: the name server-z.invalid does not resolve");
    }

    @Test
    void aKeyTheHostRefusesIsAnAuthenticationFailureInWords() throws Exception {
        Path other = dir.resolve("id_other");
        try (java.io.OutputStream out = Files.newOutputStream(other)) {
            org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
                    KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), "other", null, out);
        }
        String user = System.getProperty("user.name");
        assertThatThrownBy(() -> connector.connect("server-a", at("127.0.0.1", server.port(), other), dir))
                .satisfies(SshConnectorTest::inWords)
                .hasMessage("server-a: authentication as " + user + " failed on 127.0.0.1:" + server.port()
                        + ": the host accepted none of the keys uirig offered");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsSaidInWords() throws Exception {
        try (Transport t = connector.connect("server-a", at("127.0.0.1", server.port(), server.identity), dir)) {
            assertThatThrownBy(() -> t.run("sleep 10", Duration.ofSeconds(1)))
                    .satisfies(SshConnectorTest::inWords)
                    .hasMessage("server-a: a command on 127.0.0.1:" + server.port() + " did not finish within 1 s"
                            + " (it may still run there)");
        }
    }

    @Test
    void aHostThatNeverAnswersTheConnectIsNoAnswerWithinTheTimeout() throws Exception {
        // Linux drops a SYN while the listener's accept queue is full: on loopback, a host that never answers.
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             SshConnector quick = new SshConnector(Duration.ofSeconds(2), Optional.empty())) {
            int port = full.getLocalPort();
            java.util.List<java.net.Socket> queued = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 300);
                        queued.add(s);
                    } catch (java.net.SocketTimeoutException e) {
                        s.close();
                        break;
                    }
                }
                assertThatThrownBy(() -> quick.connect("server-a", at("127.0.0.1", port, server.identity), dir))
                        .satisfies(SshConnectorTest::inWords)
                        .hasMessage("server-a: cannot connect to 127.0.0.1:" + port + ": no answer within 2 s"
                                + " (the host is down, or a firewall drops the connection)");
            } finally {
                for (java.net.Socket s : queued) {
                    s.close();
                }
            }
        }
    }
}
