package com.uirig.cli;

import com.uirig.model.DesiredHost;
import com.uirig.ssh.KnownHosts;
import com.uirig.ssh.SshConnector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Records the hosts' SSH keys in known_hosts after you confirm their fingerprints.",
                "Connects to each host, prints the SHA256 fingerprint of the key it offers and, once you confirm it",
                "(compare with 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' on the host's console), records it",
                "in the inventory's known_hosts file. Without a terminal it needs --yes."})
final class TrustCommand implements Callable<Integer> {
    @Mixin
    InventoryArgument inventory;

    @Option(names = "--host", split = ",", paramLabel = "HOST", description = "Only these hosts.")
    List<String> hosts;

    @Option(names = "--yes", description = "Record the offered keys without asking (for scripts).")
    boolean yes;

    int timeoutSeconds;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Connect timeout (default: ${DEFAULT-VALUE}).")
    void timeout(int seconds) {
        timeoutSeconds = Options.positive(spec, "--timeout", seconds, "seconds");
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var selection = inventory.select(err, hosts);
        if (selection.isEmpty()) {
            return Main.ERROR;
        }
        var confirmation = Confirmation.open(yes, err, "uirig: no terminal to confirm on; check the fingerprints and run again with --yes");
        if (confirmation.isEmpty()) {
            return Main.ERROR;
        }
        int code = Main.OK;
        try (SshConnector connector = new SshConnector(Duration.ofSeconds(timeoutSeconds))) {
            for (DesiredHost h : selection.get().hosts()) {
                var ssh = h.ssh();
                if (ssh.hostKey().isPresent()) {
                    out.println(h.name() + ": its key is pinned in the inventory (ssh.host_key); nothing to record");
                    continue;
                }
                PublicKey key;
                try {
                    key = connector.offeredKey(h.name(), ssh);
                } catch (IOException e) {
                    err.println("uirig: " + e.getMessage());
                    code = Main.ERROR;
                    continue;
                }
                KnownHosts known = new KnownHosts(Optional.ofNullable(ssh.knownHosts()).map(Path::of), Optional.empty());
                KnownHosts.Verdict verdict = known.check(ssh.address(), ssh.port(), key);
                String where = KnownHosts.hostField(ssh.address(), ssh.port());
                if (verdict == KnownHosts.Verdict.TRUSTED) {
                    out.println(h.name() + ": " + where + " " + KnownHosts.fingerprint(key) + " is already trusted");
                    continue;
                }
                out.println(h.name() + ": " + where + " offers " + key.getAlgorithm() + " key " + KnownHosts.fingerprint(key)
                        + (verdict == KnownHosts.Verdict.CHANGED ? " — DIFFERENT from the key recorded before" : ""));
                out.flush();
                if (!confirmation.get().granted("Trust this key for %s?", h.name())) {
                    out.println(h.name() + ": not recorded");
                    code = Main.ERROR;
                    continue;
                }
                known.trust(ssh.address(), ssh.port(), key);
                out.println(h.name() + ": recorded in " + ssh.knownHosts());
            }
        }
        return code;
    }
}
