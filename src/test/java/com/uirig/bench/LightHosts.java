package com.uirig.bench;

import com.uirig.facts.FactsStore;
import com.uirig.facts.Probe;
import com.uirig.model.Become;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * Light stand-ins for many hosts in one process, for the controller-scale benchmark
 * (integration-tests/bench/light-hosts.sh): one SSH server (Apache MINA SSHD) on 127.0.0.1 that
 * listens on one port per host, so the inventory and known_hosts have one entry per host as a
 * real fleet's do, and the port a connection arrived on says which host it is. It accepts only the
 * key it writes to {@code WORK/id_ed25519} and answers uirig's probe ({@code /bin/sh -s}, also
 * through doas or sudo) from the host's saved sections ({@code uirig facts --save} layout), and
 * so apply's lock and probe ({@code lockf -s -t 0 /var/run/uirig.lock /bin/sh -s}: the probe's
 * answer, the marker line, then held until its input ends), all a no-op apply sends; any other
 * command fails with exit 127, as a command sh cannot find.
 *
 * <p>usage: {@code LightHosts FACTS_DIR WORK_DIR [SECONDS]}: serves every host directory of
 * FACTS_DIR, writes {@code WORK_DIR/id_ed25519}, {@code known_hosts} and {@code ports} ("HOST PORT"
 * lines, in host order), prints "ready" and stops after SECONDS (default 1800) or when killed.
 */
public final class LightHosts {
    private static final String PROBE = "/bin/sh -s";
    /** apply's lock-and-probe command (HostLock.acquireAndRun): lockf runs a shell reading its script on stdin. */
    private static final String LOCKED_PROBE = "lockf -s -t 0 /var/run/uirig.lock /bin/sh -s";
    /** The line that ends that script: from it on, the shell is a cat that holds the lock until its input ends. */
    private static final String HOLD = "exec cat >/dev/null";

    private final Map<Integer, String> hostByPort = new LinkedHashMap<>();
    private final Map<String, Map<String, Probe.Section>> saved = new LinkedHashMap<>();
    /**
     * LIGHT_ANSWER_CHUNK=BYTES: answers go in chunks of that size, each flushed (an SSH packet
     * each), as a host's commands print one after another; LIGHT_ANSWER_PAUSE_MS=MS waits that
     * long after each chunk, so that an answer takes as long as a host's probe would. Default: the
     * whole answer at once.
     */
    private static final int CHUNK = Integer.parseInt(System.getenv().getOrDefault("LIGHT_ANSWER_CHUNK", "0"));
    private static final long PAUSE_MS = Long.parseLong(System.getenv().getOrDefault("LIGHT_ANSWER_PAUSE_MS", "0"));
    /** Probe answers are written off MINA's I/O threads (a command must not block them); paused ones each on a thread of its own. */
    private final ExecutorService answers = PAUSE_MS > 0 ? Executors.newCachedThreadPool(LightHosts::daemon)
            : Executors.newFixedThreadPool(2, LightHosts::daemon);
    /** Held commands wait for their input to end, each on a thread of its own (as many as are held). */
    private final ExecutorService holds = Executors.newCachedThreadPool(LightHosts::daemon);
    private final Set<String> probeCommands = new HashSet<>();
    private final Set<String> lockedProbeCommands = new HashSet<>();

    private LightHosts() {
        for (Become b : Become.values()) {
            probeCommands.add(b.wrap(PROBE));
            lockedProbeCommands.add(b.wrap(LOCKED_PROBE));
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r, "light-host-answer");
        t.setDaemon(true);
        return t;
    }

    /** An SSH server that can listen on more addresses than the one it starts on. */
    private static final class MultiPortServer extends SshServer {
        int bindAnother() throws IOException {
            Set<SocketAddress> before = new HashSet<>(acceptor.getBoundAddresses());
            acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
            Set<SocketAddress> now = new HashSet<>(acceptor.getBoundAddresses());
            now.removeAll(before);
            return ((InetSocketAddress) now.iterator().next()).getPort();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LightHosts FACTS_DIR WORK_DIR [SECONDS]");
            System.exit(2);
        }
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 1800;
        new LightHosts().serve(Path.of(args[0]), Path.of(args[1]), seconds);
    }

    private void serve(Path facts, Path work, long seconds) throws IOException, GeneralSecurityException, InterruptedException {
        List<Path> hosts;
        try (Stream<Path> s = Files.list(facts)) {
            hosts = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path h : hosts) {
            saved.put(h.getFileName().toString(), FactsStore.load(h));
        }
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        KeyPair clientKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Files.createDirectories(work);
        try (OutputStream out = Files.newOutputStream(work.resolve("id_ed25519"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "uirig-light-hosts", null, out);
        }
        // MINA's default server (ciphers, key exchanges, channels), as this subclass.
        MultiPortServer server = (MultiPortServer) ServerBuilder.builder().factory(MultiPortServer::new).build();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(session -> List.of(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setCommandFactory((channel, command) -> new Answer(channel, command));
        server.start();
        List<String> names = new ArrayList<>(saved.keySet());
        StringBuilder knownHosts = new StringBuilder();
        StringBuilder ports = new StringBuilder();
        String key = PublicKeyEntry.toString(hostKey.getPublic());
        for (int i = 0; i < names.size(); i++) {
            int port = i == 0 ? server.getPort() : server.bindAnother();
            hostByPort.put(port, names.get(i));
            knownHosts.append("[127.0.0.1]:").append(port).append(' ').append(key).append('\n');
            ports.append(names.get(i)).append(' ').append(port).append('\n');
        }
        Files.writeString(work.resolve("known_hosts"), knownHosts.toString());
        Files.writeString(work.resolve("ports"), ports.toString());
        System.out.println("ready: " + names.size() + " light hosts");
        System.out.flush();
        Thread.sleep(seconds * 1000);
        server.stop(true);
    }

    /** One exec request: the probe answered from the saved sections of the host on that port. */
    private final class Answer implements Command {
        private final String host;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        Answer(ChannelSession channel, String command) {
            SocketAddress local = channel.getSession().getIoSession().getLocalAddress();
            this.host = hostByPort.get(((InetSocketAddress) local).getPort());
            this.command = command;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            if (lockedProbeCommands.contains(command)) {
                holds.execute(this::hold);
            } else {
                answers.execute(this::run);
            }
        }

        /**
         * apply's lock and probe: the script up to its last line, {@value #HOLD}, is read; the
         * probe's answer, then the marker line the script's printf prints; then, as the cat that
         * holds the lock, everything to the end of the input, and exit 0 (lockf's status is cat's).
         */
        private void hold() {
            try {
                // Read line by line up to the script's last one: what follows it is the held cat's input.
                StringBuilder script = new StringBuilder();
                String ready = null;
                for (String line; (line = line(in)) != null; ) {
                    script.append(line).append('\n');
                    if (line.startsWith("printf '\\n%s\\n' @@uirig-held-")) {
                        ready = line.substring(line.indexOf("@@uirig-held-"));
                    }
                    if (line.equals(HOLD)) {
                        break;
                    }
                }
                String text = script.toString();
                ProbeAnswer a = ProbeAnswer.of(text, saved.get(host));
                if (ready == null || !a.missing.isEmpty()) {
                    err.write(("light host " + host + ": " + (ready == null ? "no marker line in the locked probe"
                            : "no saved output for " + a.missing) + "\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                    exit.onExit(1);
                    return;
                }
                write(out, a.bytes());
                out.write(("\n" + ready + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                in.transferTo(OutputStream.nullOutputStream());
                exit.onExit(0);
            } catch (IOException | RuntimeException e) {
                exit.onExit(1, String.valueOf(e));
            }
        }

        /** The answer as LIGHT_ANSWER_CHUNK and LIGHT_ANSWER_PAUSE_MS say (see {@link #CHUNK}). */
        private static void write(OutputStream out, byte[] b) throws IOException {
            if (CHUNK <= 0) {
                out.write(b);
                return;
            }
            for (int i = 0; i < b.length; i += CHUNK) {
                out.write(b, i, Math.min(CHUNK, b.length - i));
                out.flush();
                if (PAUSE_MS > 0) {
                    try {
                        Thread.sleep(PAUSE_MS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
        }

        /** One line of {@code in} without its newline (UTF-8), or null at the end of the input. */
        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) >= 0; ) {
                if (c == '\n') {
                    return b.toString(StandardCharsets.UTF_8);
                }
                b.write(c);
            }
            return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
        }

        private void run() {
            try {
                if (!probeCommands.contains(command)) {
                    err.write(("light host " + host + ": command not modelled: " + command + "\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                    exit.onExit(127);
                    return;
                }
                // uirig sends the script, then end of file.
                ByteArrayOutputStream script = new ByteArrayOutputStream();
                in.transferTo(script);
                ProbeAnswer a = ProbeAnswer.of(script.toString(StandardCharsets.UTF_8), saved.get(host));
                write(out, a.bytes());
                out.flush();
                if (!a.missing.isEmpty()) {
                    err.write(("light host " + host + ": no saved output for " + a.missing + "\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                }
                exit.onExit(a.missing.isEmpty() ? 0 : 1);
            } catch (IOException | RuntimeException e) {
                exit.onExit(1, String.valueOf(e));
            }
        }

        @Override
        public void destroy(ChannelSession channel) {}

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }
    }
}
