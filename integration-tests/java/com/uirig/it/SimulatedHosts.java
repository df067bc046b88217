package com.uirig.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ContainerNetwork;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The seed's network, simulated: two FreeBSD servers (server-a, server-b) whose public NIC is on
 * a network standing for the internet (192.0.2.0/24, the prod inventory's addresses), a private
 * LAN between them (inic, 192.168.56.0/24), a router container holding every outside address the
 * firewall names (resolvers, payments, email, a package mirror, outside clients), and the
 * orchestrator: a network namespace at 192.0.2.5 (prod's {@code <xpeers>} entry) in which every
 * uirig command of the tests runs, so all its SSH traffic arrives on xnic and passes pf.
 *
 * <pre>
 *   orchestrator netns 192.0.2.5 --+                       +-- router 192.0.2.1 (1.1.1.1 8.8.8.8
 *                                  |  internet 192.0.2/24  |   198.51.100.20/21 66.111.4.25
 *   server-a xnic 192.0.2.155 -----+-----------------------+   192.0.2.80 mirror, clients .200 .201)
 *   server-b xnic 192.0.2.165 -----+
 *   server-a inic ----- lan 192.168.56/24 ----- server-b inic
 * </pre>
 *
 * Both Docker networks are internal and give the machine running the tests no address on them
 * (inhibit_ipv4): nothing reaches them from outside, and no packet to their addresses can leave
 * the machine (this machine's own uplink may well be 192.0.2.0/24: it is a documentation range).
 */
final class SimulatedHosts implements AutoCloseable {
    static final String ORCHESTRATOR = "192.0.2.5";
    static final String ROUTER = "192.0.2.1";
    /** The router a fresh host's DHCP lease names (the network's gateway address, where nothing answers). */
    static final String DHCP_ROUTER = "192.0.2.254";
    static final List<String> RESOLVERS = List.of("1.1.1.1", "8.8.8.8");
    static final List<String> PAYMENTS = List.of("198.51.100.20", "198.51.100.21");
    static final String EMAIL = "66.111.4.25";
    static final String MIRROR = "192.0.2.80";
    /** Outside clients: not in {@code <xpeers>}, not in any blocking table. */
    static final List<String> CLIENTS = List.of("192.0.2.200", "192.0.2.201");
    static final Map<String, String> PUBLIC = Map.of("server-a", "192.0.2.155", "server-b", "192.0.2.165");

    /** The tests' traffic probes (integration-tests/probes), copied into every container. */
    private static final org.testcontainers.utility.MountableFile PROBES =
            org.testcontainers.utility.MountableFile.forHostPath("integration-tests/probes/");

    /** What a uirig command printed and returned. */
    record Result(int code, String out, String err) {}

    final Path dir;
    final Path identity;
    final Path knownHosts;
    final Network internet;
    final Network lan;
    final GenericContainer<?> router;
    final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();
    private final String suffix = Long.toHexString(System.nanoTime() & 0xffffffffL);
    private final String netns = "uirig-orch-" + suffix;
    private boolean netnsMade;
    private boolean bridgeRuleAdded;

    SimulatedHosts(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
        this.dir = dir;
        String image = buildImage();
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        identity = dir.resolve("id_ed25519");
        try (OutputStream out = Files.newOutputStream(identity)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "uirig-it", null, out);
        }
        knownHosts = dir.resolve("known_hosts");
        byte[] authorized = (PublicKeyEntry.toString(key.getPublic()) + "\n").getBytes(StandardCharsets.UTF_8);
        internet = network("uirig-i" + suffix, "192.0.2.0/24", "192.0.2.254");
        lan = network("uirig-l" + suffix, "192.168.56.0/24", "192.168.56.254");
        List<String> roles = List.of("resolver=" + String.join(",", RESOLVERS), "payments=" + String.join(",", PAYMENTS),
                "email=" + EMAIL, "mirror=" + MIRROR, "client=" + String.join(",", CLIENTS));
        List<String> command = new ArrayList<>(List.of("/usr/bin/tini", "--", "/usr/lib/uirig-sim/internet"));
        command.addAll(roles);
        router = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(n -> false)
                .withNetwork(internet)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withHostName("internet").withIpv4Address(ROUTER);
                    cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN);
                })
                .withCommand(command.toArray(String[]::new))
                .withCopyFileToContainer(PROBES, "/usr/local/lib/uirig-probes/")
                .waitingFor(Wait.forLogMessage(".*internet ready.*", 1).withStartupTimeout(Duration.ofSeconds(60)));
        router.start();
        DockerClient docker = DockerClientFactory.instance().client();
        for (String name : List.of("server-a", "server-b")) {
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                    .withImagePullPolicy(n -> false)
                    .withNetwork(internet)
                    .withEnv("UIRIG_SIM_UPLINK", "eth0")
                    // The DHCP lease of a fresh install gives a default route via another router
                    // than the seed's gateway (192.0.2.1): uirig must change it, not add one.
                    .withEnv("UIRIG_SIM_ROUTER", DHCP_ROUTER)
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withHostName(name).withIpv4Address(PUBLIC.get(name));
                        // SYS_PTRACE: root sees which jail (network namespace) any process is in, as
                        // FreeBSD's root does with ps -o jid; without it Linux hides the namespaces
                        // of other users' processes (the app runs as www).
                        cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN, Capability.SYS_ADMIN, Capability.SYS_PTRACE);
                    })
                    // FreeBSD's sshd refuses root: uirig logs in as the installer's wheel user.
                    .withCopyToContainer(Transferable.of(authorized, 0600), "/home/admin/.ssh/authorized_keys")
                    .withCopyFileToContainer(PROBES, "/usr/local/lib/uirig-probes/")
                    .waitingFor(Wait.forLogMessage(".*Server listening on 0\\.0\\.0\\.0 port 22.*", 1)
                            .withStartupTimeout(Duration.ofSeconds(60)));
            c.start();
            docker.connectToNetworkCmd().withContainerId(c.getContainerId()).withNetworkId(lan.getId())
                    .withContainerNetwork(new ContainerNetwork()).exec();
            exec(c, "/usr/lib/uirig-sim/boot");
            containers.put(name, c);
        }
        orchestratorNamespace();
        com.uirig.config.InventoryCopy.copy(Path.of("playbooks"), dir.resolve("playbooks"));
        writeInventory("test", Map.of());
    }

    /**
     * An internal Docker network that gives this machine no address on it (the orchestrator joins
     * through its own namespace), its bridge named NAME so the namespace can be plugged into it.
     */
    private static Network network(String name, String subnet, String gateway) {
        return Network.builder().createNetworkCmdModifier(cmd -> cmd.withInternal(true).withName(name)
                        .withOptions(Map.of("com.docker.network.bridge.inhibit_ipv4", "true",
                                "com.docker.network.bridge.name", name))
                        .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                                new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(subnet).withGateway(gateway))))
                .build();
    }

    /**
     * Docker drops frames on an internal network's bridge whose addresses are outside its subnet
     * (DOCKER-ISOLATION-STAGE-1, through br_netfilter), so 1.1.1.1 and the other outside addresses
     * could not be reached over it. This accepts what stays on that bridge, from one port to
     * another (nothing that leaves it), until {@link #close}.
     */
    private List<String> bridgeRule() {
        String bridge = "uirig-i" + suffix;
        return List.of("DOCKER-USER", "-i", bridge, "-o", bridge, "-j", "ACCEPT");
    }

    /** The orchestration server: a namespace at 192.0.2.5 with one veth into the internet's bridge. */
    private void orchestratorNamespace() throws IOException, InterruptedException {
        internet.getId(); // creates the network and its bridge
        List<String> insert = new ArrayList<>(List.of("iptables", "-I"));
        insert.addAll(bridgeRule());
        host(insert.toArray(String[]::new));
        bridgeRuleAdded = true;
        String bridge = "uirig-i" + suffix;
        String veth = "uo" + suffix;
        host("ip", "netns", "add", netns);
        netnsMade = true;
        host("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns);
        host("ip", "link", "set", veth, "master", bridge, "up");
        host("ip", "-n", netns, "addr", "add", ORCHESTRATOR + "/24", "dev", "eth0");
        host("ip", "-n", netns, "link", "set", "eth0", "up");
        host("ip", "-n", netns, "link", "set", "lo", "up");
    }

    private static void host(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + out);
        }
    }

    /** Runs integration-tests/image/build.sh and returns the image it names on its last line. */
    static String buildImage() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "integration-tests/image/build.sh")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("building the simulated FreeBSD image failed");
        }
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    /**
     * Writes inventory/NAME/hosts.yml: prod's, with the test's SSH key and known_hosts file.
     * {@code ports} overrides a host's SSH port (to make it unreachable).
     */
    Path writeInventory(String name, Map<String, Integer> ports) throws IOException {
        String text = Files.readString(Path.of("inventory/prod/hosts.yml"), StandardCharsets.UTF_8)
                .replace("identity: ~/.ssh/uirig_ed25519", "identity: " + identity)
                .replace("known_hosts: ../../orchestrator/known_hosts", "known_hosts: " + knownHosts);
        for (var e : ports.entrySet()) {
            String address = PUBLIC.get(e.getKey());
            text = text.replace("ssh: {address: " + address + "}", "ssh: {address: " + address + ", port: " + e.getValue() + "}");
        }
        Path inv = dir.resolve("inventory").resolve(name);
        Files.createDirectories(inv);
        Files.writeString(inv.resolve("hosts.yml"), text, StandardCharsets.UTF_8);
        return inv;
    }

    Path inventory() {
        return dir.resolve("inventory/test");
    }

    /**
     * Starts uirig (this build's classes) on the orchestrator, with no terminal. SIGINT and SIGTERM
     * are reset to their defaults first, as a login shell has them: a build started in the
     * background inherits SIGINT ignored, and the JVM then leaves it ignored.
     */
    Process start(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", netns, "python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGTERM, signal.SIG_DFL);"
                        + " os.execvp(sys.argv[1], sys.argv[1:])",
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "com.uirig.cli.Main"));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /** Runs uirig on the orchestrator and waits for it. */
    Result uirig(String... args) {
        try {
            return finish(start(args), "uirig " + String.join(" ", args));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (10 minutes at most) for a process, collecting what it prints. */
    private static Result finish(Process p, String what) {
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = drain(p.getErrorStream(), err);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish");
            }
            errReader.join();
            return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Thread drain(InputStream in, OutputStream into) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(into);
            } catch (IOException e) {
                // the process ended
            }
        });
        t.start();
        return t;
    }

    /** Runs a command on the orchestrator (its namespace), as its operator would. */
    Result orchestrator(String command) {
        try {
            return finish(new ProcessBuilder("ip", "netns", "exec", netns, "sh", "-c", command).start(), command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a shell command in the container, as an operator on the host's console would. */
    String exec(String host, String command) {
        return exec(containers.get(host), command);
    }

    /** Runs a shell command on the router (the simulated internet), e.g. as an outside client. */
    org.testcontainers.containers.Container.ExecResult internet(String command) {
        try {
            return router.execInContainer("sh", "-c", command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String exec(GenericContainer<?> c, String command) {
        try {
            var r = c.execInContainer("sh", "-c", command);
            if (r.getExitCode() != 0) {
                throw new IllegalStateException("'" + command + "' exited " + r.getExitCode() + ": " + r.getStderr());
            }
            return r.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        containers.values().forEach(GenericContainer::stop);
        if (router != null) {
            router.stop();
        }
        if (netnsMade) {
            try {
                host("ip", "netns", "del", netns);
            } catch (IOException | InterruptedException | RuntimeException e) {
                // already gone
            }
        }
        if (bridgeRuleAdded) {
            List<String> delete = new ArrayList<>(List.of("iptables", "-D"));
            delete.addAll(bridgeRule());
            try {
                host(delete.toArray(String[]::new));
            } catch (IOException | InterruptedException | RuntimeException e) {
                // already gone
            }
        }
        lan.close();
        internet.close();
    }
}
