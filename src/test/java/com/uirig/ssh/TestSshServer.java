package com.uirig.ssh;

import com.uirig.model.DesiredHost.SshTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;

/** A real SSH server (Apache MINA SSHD) on loopback that runs commands in a local shell. */
final class TestSshServer implements AutoCloseable {
    final SshServer server;
    final KeyPair hostKey;
    final KeyPair clientKey;
    final Path identity;

    TestSshServer(Path dir) throws IOException, GeneralSecurityException {
        hostKey = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        clientKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        identity = dir.resolve("id_ed25519");
        try (OutputStream out = Files.newOutputStream(identity)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "uirig-test", null, out);
        }
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(session -> List.of(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setCommandFactory(new ProcessShellCommandFactory());
        server.start();
    }

    int port() {
        return server.getPort();
    }

    SshTarget target(Path knownHosts, Optional<String> pinned) {
        return new SshTarget("127.0.0.1", port(), System.getProperty("user.name"), identity.toString(),
                knownHosts == null ? null : knownHosts.toString(), pinned);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
