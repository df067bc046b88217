package com.uirig.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.plan.Action;
import com.uirig.facts.PendingRollback;
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
    void anArmedRollbackRestoresTheFilesAndDisablesPfThatWasDisabled() throws Exception {
        Path kept = dir.resolve("kept.conf");
        Path added = dir.resolve("added.conf");
        Files.writeString(kept, "old\n");
        List<String> files = List.of(kept.toString(), added.toString());
        com.uirig.plan.Guard restore = new com.uirig.plan.Guard(files, List.of("grep -q Enabled \"$d/running\" || pfctl -d"));
        CommandResult r = sh(Rollback.armCommand("pf_table[xpeers]", files, Duration.ofSeconds(1), dir.toString()), Rollback.restoreScript(restore));
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
        Rollback.Armed armed = Rollback.parse(sh(Rollback.armCommand("nic[xnic]", List.of(), Duration.ofSeconds(30), dir.toString()),
                Rollback.restoreScript(new com.uirig.plan.Guard(List.of(), List.of("true")))));
        assertThat(armed).isNotNull();
        assertThat(sh(Rollback.disarmCommand(armed), "").stdout()).isEqualTo("disarmed\n");
    }

    @Test
    void aDisarmedRollbackNeverFires() throws Exception {
        List<String> files = List.of(dir.resolve("x.conf").toString());
        Rollback.Armed armed = Rollback.parse(sh(Rollback.armCommand("pf[/etc/pf.conf]", files, Duration.ofSeconds(30), dir.toString()),
                Rollback.restoreScript(new com.uirig.plan.Guard(files, List.of()))));
        assertThat(armed).isNotNull();
        assertThat(sh("kill -0 " + armed.pid(), "").ok()).isTrue();
        assertThat(sh(Rollback.disarmCommand(armed), "").stdout()).isEqualTo("disarmed\n");
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

    /** Arms a rollback of {@code file} (now "old") that fires after {@code seconds}, then writes "new" to it. */
    private Rollback.Armed armedChange(Path file, int seconds, List<String> commands) throws Exception {
        Files.writeString(file, "old\n");
        List<String> files = List.of(file.toString());
        Rollback.Armed armed = Rollback.parse(sh(Rollback.armCommand("pf_table[xpeers]", files, Duration.ofSeconds(seconds),
                dir.toString()), Rollback.restoreScript(new com.uirig.plan.Guard(files, commands))));
        assertThat(armed).isNotNull();
        Files.writeString(file, "new\n");
        return armed;
    }

    private void awaitFired(Rollback.Armed armed) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(Path.of(armed.dir(), "fired")); i++) {
            Thread.sleep(50);
        }
        assertThat(Path.of(armed.dir(), "fired")).exists();
    }

    @Test
    void aRollbackTheTimerClaimedFirstIsNotDisarmed() throws Exception {
        Path file = dir.resolve("t.conf");
        Rollback.Armed armed = armedChange(file, 1, List.of());
        awaitFired(armed);
        // The confirmation came too late: the change is undone, and disarming says so.
        assertThat(sh(Rollback.disarmCommand(armed), "").stdout()).isEqualTo("fired\n");
        assertThat(file).hasContent("old");
    }

    @Test
    void aRollbackLeftByAKilledRunIsListedWithWhatItGuardsAndWhenItFires() throws Exception {
        Rollback.Armed armed = armedChange(dir.resolve("t.conf"), 30, List.of());
        List<PendingRollback> found = PendingRollback.parse(sh(PendingRollback.list(dir.toString()), "").stdout());
        assertThat(found).hasSize(1);
        PendingRollback r = found.get(0);
        assertThat(r.state()).isEqualTo("armed");
        assertThat(r.dir()).isEqualTo(armed.dir());
        assertThat(r.resource().toString()).isEqualTo("pf_table[xpeers]");
        assertThat(java.time.Duration.between(r.armed(), r.fires())).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.describe()).contains("pf_table[xpeers]", "fires at " + r.fires());
        assertThat(sh(Rollback.disarmCommand(armed), "").ok()).isTrue();
        assertThat(sh(PendingRollback.list(dir.toString()), "").stdout()).isEmpty();
    }

    @Test
    void aRollbackTakenOverNeverFiresAndItsTimerIsGone() throws Exception {
        Path file = dir.resolve("t.conf");
        Rollback.Armed armed = armedChange(file, 2, List.of());
        List<PendingRollback> taken = PendingRollback.parse(sh(RollbackTakeOver.takeOver(dir.toString()), "").stdout());
        assertThat(taken).extracting(PendingRollback::state).containsExactly("armed");
        assertThat(taken.get(0).takenOver()).startsWith("took over the rollback of pf_table[xpeers]");
        assertThat(Path.of(armed.dir())).doesNotExist();
        Thread.sleep(3000);
        assertThat(file).as("the later work is kept").hasContent("new");
        assertThat(sh("ps -o pid= -p " + armed.pid() + " | grep -q .", "").ok()).as("the timer is gone").isFalse();
    }

    @Test
    void aRollbackThatFiredIsReportedAndRemovedAndOneRestoringIsWaitedFor() throws Exception {
        Path file = dir.resolve("t.conf");
        Rollback.Armed fired = armedChange(file, 1, List.of());
        awaitFired(fired);
        // A second one whose restore takes a while: taking over finds it restoring and waits for it.
        Path slow = dir.resolve("s.conf");
        Rollback.Armed restoring = armedChange(slow, 1, List.of("sleep 2"));
        for (int i = 0; i < 100 && !Files.isDirectory(Path.of(restoring.dir(), "claimed")); i++) {
            Thread.sleep(50);
        }
        assertThat(PendingRollback.parse(sh(PendingRollback.list(dir.toString()), "").stdout()))
                .extracting(PendingRollback::state).containsExactlyInAnyOrder("fired", "firing");
        List<PendingRollback> taken = PendingRollback.parse(sh(RollbackTakeOver.takeOver(dir.toString()), "").stdout());
        assertThat(taken).extracting(PendingRollback::state).containsExactly("fired", "fired");
        assertThat(taken.get(0).fired()).isNotNull();
        assertThat(file).hasContent("old");
        assertThat(slow).hasContent("old");
        assertThat(sh(PendingRollback.list(dir.toString()), "").stdout()).isEmpty();
    }

    @Test
    void aRollbackWithoutATimerIsOrphanedAndRemoved() throws Exception {
        // What a reboot leaves (cleanvar deletes /var/run's files), or a run killed while arming.
        Files.createDirectories(dir.resolve("uirig-rollback.AbC123"));
        List<PendingRollback> found = PendingRollback.parse(sh(PendingRollback.list(dir.toString()), "").stdout());
        assertThat(found).extracting(PendingRollback::state, PendingRollback::resource).containsExactly(
                org.assertj.core.groups.Tuple.tuple("orphaned", "?"));
        assertThat(PendingRollback.parse(sh(RollbackTakeOver.takeOver(dir.toString()), "").stdout()))
                .extracting(PendingRollback::state).containsExactly("orphaned");
        assertThat(dir.resolve("uirig-rollback.AbC123")).doesNotExist();
    }

    @Test
    void aDisarmRacingTheTimerEitherWinsWholeOrReportsTheRollback() throws Exception {
        // Disarms sent around the moment the timer ends: each one either disarms and nothing of
        // the restore runs, or finds the timer first and says so; never a restore half-run.
        List<java.util.concurrent.Callable<String>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            runs.add(() -> {
                Path file = dir.resolve("race" + n + ".conf");
                Path ran = dir.resolve("race" + n + ".restored");
                Rollback.Armed armed = armedChange(file, 1, List.of("echo ran > " + ran));
                Thread.sleep(850 + 30L * n);
                String said = sh(Rollback.disarmCommand(armed), "").stdout().strip();
                Thread.sleep(2500);
                if (said.equals("disarmed")) {
                    assertThat(ran).as("run " + n).doesNotExist();
                    assertThat(file).as("run " + n).hasContent("new");
                    assertThat(Path.of(armed.dir())).doesNotExist();
                } else {
                    assertThat(said).isEqualTo("fired");
                    assertThat(ran).as("run " + n).exists();
                    assertThat(file).as("run " + n).hasContent("old");
                }
                return said;
            });
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            for (var f : pool.invokeAll(runs)) {
                assertThat(f.get()).isIn("disarmed", "fired");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
