package com.uirig.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-side rollback scripts, run by a real POSIX shell with a stand-in pfctl. */
class RollbackTest {
    @TempDir
    Path dir;

    private CommandResult sh(String command, String stdin) throws Exception {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path pfctl = bin.resolve("pfctl");
        Files.writeString(pfctl, "#!/bin/sh\necho \"$*\" >> " + dir.resolve("pfctl.log") + "\n[ \"$*\" = \"-s Running\" ] && { echo Disabled; exit 1; }\nexit 0\n");
        Files.setPosixFilePermissions(pfctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the arm command returns without waiting for its timer").isTrue();
        return new CommandResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theChangedFilesComeFromTheChangesSteps() {
        Change c = new Change("pf_table[xpeers]", Action.UPDATE, "", Map.of(), Map.of(), List.of(
                Step.run("install", "-m", "0644", "-o", "root", "-g", "wheel", "/dev/null", "/etc/ips_xnic_peers.uirig-new"),
                Step.run("mv", "/etc/ips_xnic_peers.uirig-new", "/etc/ips_xnic_peers"),
                Step.run("pfctl", "-t", "xpeers", "-T", "replace", "-f", "/etc/ips_xnic_peers")), "");
        assertThat(Rollback.files(c)).containsExactly("/etc/ips_xnic_peers", "/etc/pf.conf", "/var/db/uirig/pf.loaded");
        assertThat(Rollback.guards(c)).isTrue();
        assertThat(Rollback.guards(new Change("jail[pg_j]", Action.CREATE, "", Map.of(), Map.of(), List.of(), ""))).isFalse();
    }

    @Test
    void theEgressWindowIsGuardedLikeAnyPfChangeAndStagedFilesAreFound() {
        Change window = new Change(com.uirig.plan.EgressWindowResource.ADDRESS, Action.UPDATE, "", Map.of(), Map.of(),
                List.of(Step.run("pfctl", "-f", com.uirig.plan.EgressWindowResource.FILE)), "");
        // Restoring pf.conf and its record undoes it: pf.conf is loaded again, or pf disabled as it was.
        assertThat(Rollback.restore(window)).get().extracting(Rollback.Restore::files).isEqualTo(
                List.of("/etc/pf.conf", com.uirig.plan.PfResource.RECORD));
        // A file written through a staging place beside its directory is still one the change replaces.
        Change cron = new Change("pf[/etc/pf.conf]", Action.UPDATE, "", Map.of(), Map.of(), List.of(
                Step.run("mv", "/etc/.cron.d.uirig.uirig-new", "/etc/cron.d/uirig")), "");
        assertThat(Rollback.files(cron)).startsWith("/etc/cron.d/uirig");
    }

    @Test
    void anArmedRollbackRestoresTheFilesAndDisablesPfThatWasDisabled() throws Exception {
        Path kept = dir.resolve("kept.conf");
        Path added = dir.resolve("added.conf");
        Files.writeString(kept, "old\n");
        List<String> files = List.of(kept.toString(), added.toString());
        Rollback.Restore restore = new Rollback.Restore(files, List.of("grep -q Enabled \"$d/running\" || pfctl -d"));
        CommandResult r = sh(Rollback.armCommand(files, Duration.ofSeconds(1), dir.toString()), Rollback.restoreScript(restore));
        Rollback.Armed armed = Rollback.parse(r);
        assertThat(armed).as(r.stderr()).isNotNull();
        Files.writeString(kept, "new\n");
        Files.writeString(added, "new\n");
        Path fired = Path.of(armed.dir(), "fired");
        for (int i = 0; i < 200 && !Files.exists(fired); i++) {
            Thread.sleep(50);
        }
        assertThat(fired).exists();
        assertThat(kept).hasContent("old");
        assertThat(added).doesNotExist();
        assertThat(Files.readString(dir.resolve("pfctl.log"))).contains("-d");
    }

    @Test
    void aRollbackWithoutFilesArmsWhilePfIsDisabledOrAbsent() throws Exception {
        // A NIC change keeps no files; the fake pfctl exits 1 for '-s Running' as FreeBSD's does
        // when pf is disabled (and without the pf module).
        Rollback.Armed armed = Rollback.parse(sh(Rollback.armCommand(List.of(), Duration.ofSeconds(30), dir.toString()),
                Rollback.restoreScript(new Rollback.Restore(List.of(), List.of("true")))));
        assertThat(armed).isNotNull();
        sh("kill " + armed.pid() + " 2>/dev/null; rm -rf " + armed.dir(), "");
    }

    @Test
    void aDisarmedRollbackNeverFires() throws Exception {
        List<String> files = List.of(dir.resolve("x.conf").toString());
        Rollback.Armed armed = Rollback.parse(sh(Rollback.armCommand(files, Duration.ofSeconds(30), dir.toString()),
                Rollback.restoreScript(new Rollback.Restore(files, List.of()))));
        assertThat(armed).isNotNull();
        assertThat(sh("kill -0 " + armed.pid(), "").ok()).isTrue();
        sh("kill " + armed.pid() + " 2>/dev/null; rm -rf " + armed.dir(), "");
        // The timer is gone with its saved copies: there is nothing left it could restore.
        assertThat(Path.of(armed.dir())).doesNotExist();
        boolean alive = true;
        for (int i = 0; i < 100 && alive; i++) {
            alive = sh("ps -o stat= -p " + armed.pid() + " | grep -qv Z", "").ok();
            if (alive) {
                Thread.sleep(50);
            }
        }
        assertThat(alive).as("the rollback timer was killed").isFalse();
    }

    @Test
    void nicAndRouteChangesAreUndoneByCommands() {
        Change nic = new Change("nic[xnic]", Action.CREATE, "", Map.of("name", "em0", "inet", List.of("10.1.1.5/24")),
                Map.of("name", "xnic", "inet", List.of("192.0.2.155/24")), List.of(), "");
        assertThat(Rollback.restore(nic).orElseThrow().commands()).containsExactly(
                "ifconfig xnic inet 192.0.2.155 -alias", "ifconfig xnic name em0", "ifconfig em0 inet 10.1.1.5/24 alias");
        Change route = new Change("route[default]", Action.UPDATE, "", Map.of("gateway", "10.1.1.1"),
                Map.of("gateway", "192.0.2.1"), List.of(), "");
        assertThat(Rollback.restore(route).orElseThrow().commands()).containsExactly("route change default 10.1.1.1");
        Change fresh = new Change("route[default]", Action.CREATE, "", Map.of(), Map.of("gateway", "192.0.2.1"), List.of(), "");
        assertThat(Rollback.restore(fresh).orElseThrow().commands()).containsExactly("route delete default");
        assertThat(Rollback.restore(nic).orElseThrow().files()).isEmpty();
    }
}
