package com.uirig.ssh;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The keys of a running ssh-agent (the socket in SSH_AUTH_SOCK), used for authentication
 * through the agent protocol: uirig never sees the private keys. Only listing and signing.
 */
final class UnixSocketAgent implements SshAgent {
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;
    private static final int RSA_SHA2_256 = 2;
    private static final int RSA_SHA2_512 = 4;

    private final Path socket;

    UnixSocketAgent(Path socket) {
        this.socket = socket;
    }

    /** A factory that gives MINA's client this agent; it forwards nothing and serves nothing. */
    static SshAgentFactory factory(Path socket) {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of();
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) {
                return new UnixSocketAgent(socket);
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) {
                throw new UnsupportedOperationException("uirig does not forward its agent");
            }
        };
    }

    private Buffer request(byte type, Buffer payload) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] body = payload == null ? new byte[0] : payload.getCompactData();
            ByteBuffer out = ByteBuffer.allocate(5 + body.length);
            out.putInt(1 + body.length).put(type).put(body).flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer length = read(channel, 4);
            int n = length.getInt();
            if (n <= 0 || n > 256 * 1024) {
                throw new IOException("ssh-agent answered a message of " + n + " bytes");
            }
            return new ByteArrayBuffer(read(channel, n).array());
        }
    }

    private static ByteBuffer read(SocketChannel channel, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
        b.flip();
        return b;
    }

    @Override
    public Iterable<? extends Map.Entry<PublicKey, String>> getIdentities() throws IOException {
        Buffer answer = request(REQUEST_IDENTITIES, null);
        if (answer.getByte() != IDENTITIES_ANSWER) {
            throw new IOException("ssh-agent refused to list its keys");
        }
        int count = answer.getInt();
        List<Map.Entry<PublicKey, String>> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] blob = answer.getBytes();
            String comment = answer.getString();
            try {
                keys.add(new AbstractMap.SimpleImmutableEntry<>(new ByteArrayBuffer(blob).getRawPublicKey(), comment));
            } catch (RuntimeException e) {
                // a key type this client cannot use: skip it
            }
        }
        return keys;
    }

    @Override
    public Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algorithm, byte[] data) throws IOException {
        Buffer payload = new ByteArrayBuffer();
        ByteArrayBuffer blob = new ByteArrayBuffer();
        blob.putRawPublicKey(key);
        payload.putBytes(blob.getCompactData());
        payload.putBytes(data);
        payload.putInt("rsa-sha2-256".equals(algorithm) ? RSA_SHA2_256 : "rsa-sha2-512".equals(algorithm) ? RSA_SHA2_512 : 0);
        Buffer answer = request(SIGN_REQUEST, payload);
        if (answer.getByte() != SIGN_RESPONSE) {
            throw new IOException("ssh-agent refused to sign with the key");
        }
        Buffer signature = new ByteArrayBuffer(answer.getBytes());
        String algo = signature.getString();
        return new AbstractMap.SimpleImmutableEntry<>(algo, signature.getBytes());
    }

    @Override
    public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints) {
        throw new UnsupportedOperationException("uirig does not add keys to the agent");
    }

    @Override
    public void removeIdentity(PublicKey key) {
        throw new UnsupportedOperationException("uirig does not remove keys from the agent");
    }

    @Override
    public void removeAllIdentities() {
        throw new UnsupportedOperationException("uirig does not remove keys from the agent");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
        // each request opens and closes its own connection to the agent
    }
}
