package com.uirig.it;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Two simulated FreeBSD servers (server-a, server-b) in containers built from Debian packages,
 * reached over real SSH; a second Docker network stands for the private LAN (inic). The test
 * inventory is the prod inventory with only its SSH settings pointed at the containers.
 */
final class SimulatedHosts implements AutoCloseable {

    final Path dir;
    final Path identity;
    final Path knownHosts;
    final Network lan;
    final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();

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
        // Internal: the private LAN gives no gateway, so Docker keeps publishing the SSH port
        // through the default bridge (uirig renumbers em1, which would cut a connection through it).
        lan = Network.builder().createNetworkCmdModifier(cmd -> cmd.withInternal(true)
                .withName("uirig-lan-" + Long.toHexString(System.nanoTime()))
                .withIpam(new com.github.dockerjava.api.model.Network.Ipam()
                        .withConfig(new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet("192.168.56.0/24"))))
                .build();
        DockerClient docker = DockerClientFactory.instance().client();
        for (String name : List.of("server-a", "server-b")) {
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                    .withImagePullPolicy(n -> false)
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withHostName(name);
                        cmd.getHostConfig().withCapAdd(com.github.dockerjava.api.model.Capability.NET_ADMIN,
                                com.github.dockerjava.api.model.Capability.SYS_ADMIN);
                    })
                    .withExposedPorts(22)
                    .withCopyToContainer(Transferable.of(authorized, 0600), "/root/.ssh/authorized_keys")
                    .waitingFor(Wait.forLogMessage(".*Server listening on 0\\.0\\.0\\.0 port 22.*", 1)
                            .withStartupTimeout(Duration.ofSeconds(60)));
            c.start();
            docker.connectToNetworkCmd().withContainerId(c.getContainerId()).withNetworkId(lan.getId()).exec();
            exec(c, "/usr/lib/uirig-sim/boot");
            containers.put(name, c);
        }
        com.uirig.config.InventoryCopy.copy(Path.of("playbooks"), dir.resolve("playbooks"));
        writeInventory("test", Map.of());
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
     * Writes inventory/NAME/hosts.yml: prod's, with SSH pointed at the containers. {@code ports}
     * overrides a host's SSH port (to make it unreachable).
     */
    Path writeInventory(String name, Map<String, Integer> ports) throws IOException {
        String prod = Files.readString(Path.of("inventory/prod/hosts.yml"), StandardCharsets.UTF_8);
        String text = prod
                .replace("identity: ~/.ssh/uirig_ed25519", "identity: " + identity)
                .replace("known_hosts: ../../orchestrator/known_hosts", "known_hosts: " + knownHosts)
                .replace("ssh: {address: 192.0.2.155}", "ssh: {address: 127.0.0.1, port: "
                        + ports.getOrDefault("server-a", port("server-a")) + "}")
                .replace("ssh: {address: 192.0.2.165}", "ssh: {address: 127.0.0.1, port: "
                        + ports.getOrDefault("server-b", port("server-b")) + "}");
        Path inv = dir.resolve("inventory").resolve(name);
        Files.createDirectories(inv);
        Files.writeString(inv.resolve("hosts.yml"), text, StandardCharsets.UTF_8);
        return inv;
    }

    Path inventory() {
        return dir.resolve("inventory/test");
    }

    /**
     * The host port Docker maps to the container's SSH port, inspected now: connecting the second
     * network can move the mapping, and Testcontainers keeps the one it saw at start.
     */
    int port(String host) {
        var info = DockerClientFactory.instance().client().inspectContainerCmd(containers.get(host).getContainerId()).exec();
        var bindings = info.getNetworkSettings().getPorts().getBindings()
                .get(com.github.dockerjava.api.model.ExposedPort.tcp(22));
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /** Runs a shell command in the container, as an operator on the host's console would. */
    String exec(String host, String command) {
        return exec(containers.get(host), command);
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
        lan.close();
    }
}
