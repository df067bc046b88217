package com.uirig.ssh;

import com.uirig.model.DesiredHost.SshTarget;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Opens SSH connections to hosts with one shared Apache MINA SSHD client. Each connection
 * checks the host's key against the inventory's pin or known_hosts; an unknown or changed key
 * fails that connection with the offered key's fingerprint, never silently accepted.
 */
public final class SshConnector implements AutoCloseable {
    private static final AttributeRepository.AttributeKey<HostKeyCheck> CHECK = new AttributeRepository.AttributeKey<>();

    private final SshClient client;
    private final Duration connectTimeout;
    private final boolean agent;

    /** What a connection expects of the host's key; {@code offered} records what was seen. */
    private record HostKeyCheck(String host, String address, int port, KnownHosts knownHosts, boolean recordOnly,
                                AtomicReference<PublicKey> offered, AtomicReference<KnownHosts.Verdict> verdict) {}

    /** A connector that also uses the ssh-agent named by SSH_AUTH_SOCK, when it is set. */
    public SshConnector(Duration connectTimeout) {
        this(connectTimeout, Optional.ofNullable(System.getenv("SSH_AUTH_SOCK")).filter(s -> !s.isBlank()).map(Path::of));
    }

    public SshConnector(Duration connectTimeout, Optional<Path> agentSocket) {
        this.connectTimeout = connectTimeout;
        this.agent = agentSocket.isPresent();
        client = SshClient.setUpDefaultClient();
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.setServerKeyVerifier(SshConnector::verify);
        agentSocket.ifPresent(socket -> client.setAgentFactory(UnixSocketAgent.factory(socket)));
        client.start();
    }

    private static boolean verify(ClientSession session, SocketAddress remote, PublicKey key) {
        AttributeRepository context = session.getConnectionContext();
        HostKeyCheck check = context == null ? null : context.getAttribute(CHECK);
        if (check == null) {
            return false;
        }
        check.offered().set(key);
        if (check.recordOnly()) {
            return false;
        }
        try {
            KnownHosts.Verdict v = check.knownHosts().check(check.address(), check.port(), key);
            check.verdict().set(v);
            return v == KnownHosts.Verdict.TRUSTED;
        } catch (IOException e) {
            return false;
        }
    }

    /** Connects and authenticates; the transport runs commands on that one connection. */
    public SshTransport connect(String host, SshTarget target, Path inventoryDir) throws IOException {
        KnownHosts knownHosts = knownHosts(target);
        HostKeyCheck check = new HostKeyCheck(host, target.address(), target.port(), knownHosts, false,
                new AtomicReference<>(), new AtomicReference<>());
        ClientSession session = open(target, check);
        try {
            for (KeyPair identity : identities(target, inventoryDir, agent)) {
                session.addPublicKeyIdentity(identity);
            }
        } catch (IOException e) {
            session.close(true);
            throw new IOException(host + ": authentication as " + target.user() + " failed: " + message(e), e);
        }
        authenticate(host, target, session);
        return new SshTransport(host, session, target.user(), target.become());
    }

    /** Public key authentication, its failure said in words (MINA's own text names its internals). */
    private void authenticate(String host, SshTarget target, ClientSession session) throws IOException {
        String who = host + ": authentication as " + target.user();
        try {
            AuthFuture auth = session.auth();
            if (!auth.await(connectTimeout)) {
                throw new IOException(who + " on " + where(target) + " did not finish within " + seconds(connectTimeout));
            }
            if (!auth.isSuccess()) {
                throw new IOException(who + " failed on " + where(target) + ": " + (session.isClosed() || session.isClosing()
                        ? "the host closed the connection" : "the host accepted none of the keys uirig offered"));
            }
        } catch (IOException e) {
            session.close(true);
            throw e;
        }
    }

    /** Connects only far enough to see the key the host offers (for {@code uirig trust}). */
    public PublicKey offeredKey(String host, SshTarget target) throws IOException {
        HostKeyCheck check = new HostKeyCheck(host, target.address(), target.port(), knownHosts(target), true,
                new AtomicReference<>(), new AtomicReference<>());
        try {
            open(target, check).close(true);
        } catch (IOException e) {
            if (check.offered().get() == null) {
                throw e;
            }
        }
        PublicKey key = check.offered().get();
        if (key == null) {
            throw new IOException(host + ": the host offered no key");
        }
        return key;
    }

    private ClientSession open(SshTarget target, HostKeyCheck check) throws IOException {
        String cannot = check.host() + ": cannot connect to " + where(target) + ": ";
        ClientSession session;
        try {
            ConnectFuture connect = client.connect(target.user(), target.address(), target.port(),
                    AttributeRepository.ofKeyValuePair(CHECK, check));
            if (!connect.await(connectTimeout)) {
                connect.cancel();
                throw new IOException(cannot + "no answer within " + seconds(connectTimeout)
                        + " (the host is down, or a firewall drops the connection)");
            }
            if (connect.getException() != null) {
                throw new IOException(cannot + why(connect.getException(), target), connect.getException());
            }
            session = connect.getSession();
        } catch (RuntimeException e) {
            throw new IOException(cannot + why(e, target), e);
        }
        Set<ClientSession.ClientSessionEvent> events;
        try {
            events = session.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.WAIT_AUTH, ClientSession.ClientSessionEvent.CLOSED),
                    connectTimeout);
        } catch (RuntimeException e) {
            session.close(true);
            throw new IOException(check.host() + ": the connection to " + where(target) + " failed during the key exchange", e);
        }
        if (events.contains(ClientSession.ClientSessionEvent.TIMEOUT)) {
            boolean greeted = session.getServerVersion() != null;
            session.close(true);
            throw new IOException(check.host() + ": " + (greeted
                    ? "the key exchange with " + where(target) + " did not finish within " + seconds(connectTimeout)
                    : "no SSH greeting from " + where(target) + " within " + seconds(connectTimeout)
                            + " (something listens there, but it is no SSH server, or it hangs)"));
        }
        if (session.isClosed() || session.isClosing()) {
            refused(check);
            throw new IOException(check.host() + ": the connection closed during the key exchange");
        }
        return session;
    }

    /** Explains a refused host key: what was offered and how to trust it. */
    private static void refused(HostKeyCheck check) throws HostKeyException {
        PublicKey offered = check.offered().get();
        if (offered == null || check.recordOnly()) {
            return;
        }
        KnownHosts.Verdict v = check.verdict().get();
        String what = v == KnownHosts.Verdict.CHANGED ? "CHANGED host key"
                : v == KnownHosts.Verdict.REVOKED ? "REVOKED host key" : "unknown host key";
        String why = v == KnownHosts.Verdict.CHANGED ? " (a man-in-the-middle, or the host was reinstalled)" : "";
        throw new HostKeyException(check.host() + ": " + what + " " + KnownHosts.fingerprint(offered) + " ("
                + offered.getAlgorithm() + ") offered by " + KnownHosts.hostField(check.address(), check.port()) + why
                + "; check it on the host's console (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then run"
                + " 'uirig trust INVENTORY --host " + check.host() + "'");
    }

    private static KnownHosts knownHosts(SshTarget target) {
        return new KnownHosts(Optional.ofNullable(target.knownHosts()).map(Path::of), target.hostKey());
    }

    /** The identity files' keys; a missing identity file is an error unless an agent may hold the key. */
    private static List<KeyPair> identities(SshTarget target, Path inventoryDir, boolean agent) throws IOException {
        List<KeyPair> out = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        String home = System.getProperty("user.home");
        if (target.identity() != null) {
            String id = target.identity();
            Path p = id.startsWith("~/") ? Path.of(home, id.substring(2)) : inventoryDir.resolve(id);
            if (Files.isReadable(p)) {
                candidates.add(p);
            } else if (!agent) {
                throw new IOException("identity file " + p + " cannot be read (and SSH_AUTH_SOCK names no ssh-agent)");
            }
        } else {
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                Path p = Path.of(home, ".ssh", name);
                if (Files.isReadable(p)) {
                    candidates.add(p);
                }
            }
        }
        for (Path p : candidates) {
            try (InputStream in = Files.newInputStream(p)) {
                Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(p.toString()), in,
                        (session, resource, retry) -> {
                            throw new IOException("identity file " + p + " is protected by a passphrase;"
                                    + " uirig needs an unencrypted key for unattended runs");
                        });
                if (keys != null) {
                    keys.forEach(out::add);
                }
            } catch (GeneralSecurityException | RuntimeException e) {
                throw notAKey(p, e);
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("identity file ")) {
                    throw e;
                }
                throw notAKey(p, e);
            }
        }
        return out;
    }

    private static String where(SshTarget target) {
        return target.address() + ":" + target.port();
    }

    static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** Why a TCP connection failed, in words: the JDK's exceptions name the case by their class. */
    private static String why(Throwable e, SshTarget target) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused (nothing listens on that port)";
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "the name " + target.address() + " does not resolve";
            }
            if (t instanceof java.net.NoRouteToHostException) {
                return "no route to the host";
            }
            if (t instanceof java.net.SocketTimeoutException || t instanceof java.nio.channels.InterruptedByTimeoutException) {
                return "no answer (the host is down, or a firewall drops the connection)";
            }
        }
        return "the connection failed";
    }

    /** A file that holds no private key MINA can read (garbage, a public key, an unknown format). */
    private static IOException notAKey(Path p, Exception e) {
        return new IOException("identity file " + p + " holds no private key uirig can read (an OpenSSH or PEM private key"
                + " is needed)", e);
    }

    static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? "an error that came without a description" : t.getMessage();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException e) {
            // closing at exit: nothing left to report
        }
    }
}
