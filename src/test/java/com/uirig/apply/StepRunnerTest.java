package com.uirig.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.Step;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Steps run in order with their input; a secret is read from its host once per apply, as bytes;
 * consecutive steps with neither input nor effect run as one script, and fail as they would alone.
 */
class StepRunnerTest {
    /** A host that records the commands it is asked to run and what they read. */
    static class RecordingHost implements Transport {
        final List<String> commands = new ArrayList<>();
        final List<byte[]> inputs = new ArrayList<>();

        @Override
        public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                throws java.io.IOException {
            commands.add(command);
            inputs.add(stdin == null ? null : stdin.readAllBytes());
            if (command.startsWith("od ")) {
                return new CommandResult(0, " 00 ff 10 7f\n", "");
            }
            return new CommandResult(command.startsWith("false") ? 1 : 0, "", command.startsWith("false") ? "boom" : "");
        }

        @Override
        public AutoCloseable hold(String command, Duration timeout) {
            return () -> { };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSecretIsReadOnceFromItsHostAndPassedAsBytes() throws Exception {
        RecordingHost a = new RecordingHost();
        RecordingHost b = new RecordingHost();
        RecordingHost c = new RecordingHost();
        Map<String, Transport> hosts = Map.of("server-a", a, "server-b", b, "server-c", c);
        Map<String, byte[]> secrets = new ConcurrentHashMap<>();
        Step copy = new Step(List.of("dd", "of=/k.uirig-new", "status=none"), new Step.SecretFrom("server-a", "/k"));
        Change change = new Change(com.uirig.plan.Address.parse("spiped_key[db]"), Action.CREATE, "", Map.of(), Map.of(), List.of(copy), "");
        new StepRunner(hosts::get, Duration.ofSeconds(5), secrets).run("server-b", change);
        new StepRunner(hosts::get, Duration.ofSeconds(5), secrets).run("server-c", change);
        assertThat(a.commands).containsExactly("od -An -v -tx1 /k");
        assertThat(b.commands).containsExactly("dd of=/k.uirig-new status=none");
        assertThat(b.inputs.get(0)).containsExactly(0x00, 0xff, 0x10, 0x7f);
        assertThat(c.inputs.get(0)).containsExactly(0x00, 0xff, 0x10, 0x7f);
    }

    @Test
    void aFileOfTheOrchestratorIsStreamedFromItsFileNotReadIntoMemory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path archive = java.nio.file.Files.write(dir.resolve("base.txz"), new byte[] {1, 2, 3, 4, 5});
        List<java.io.InputStream> given = new ArrayList<>();
        RecordingHost a = new RecordingHost() {
            @Override
            public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                    throws java.io.IOException {
                given.add(stdin);
                return super.run(command, stdin, timeout);
            }
        };
        Step tar = new Step(List.of("tar", "-xpf", "-", "-C", "/jails/j"), new Step.LocalFile(archive.toString(), 5));
        Change change = new Change(com.uirig.plan.Address.parse("jail_root[j]"), Action.CREATE, "", Map.of(), Map.of(), List.of(tar), "");
        new StepRunner(Map.<String, Transport>of("server-a", a)::get, Duration.ofSeconds(5), new ConcurrentHashMap<>())
                .run("server-a", change);
        assertThat(given).singleElement().isNotInstanceOf(java.io.ByteArrayInputStream.class);
        assertThat(a.inputs.get(0)).containsExactly(1, 2, 3, 4, 5);
        assertThat(tar.shellLine()).isEqualTo("tar -xpf - -C /jails/j < [orchestrator:" + archive + ", 5 bytes]");
    }

    @Test
    void aFileOfTheOrchestratorThatChangedSinceTheInventoryWasReadIsNotSent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path archive = java.nio.file.Files.write(dir.resolve("base.txz"), new byte[] {1, 2, 3});
        RecordingHost a = new RecordingHost();
        Change change = new Change(com.uirig.plan.Address.parse("jail_root[j]"), Action.CREATE, "", Map.of(), Map.of(), List.of(
                new Step(List.of("tar", "-xpf", "-"), new Step.LocalFile(archive.toString(), 5))), "");
        StepRunner runner = new StepRunner(Map.<String, Transport>of("server-a", a)::get, Duration.ofSeconds(5), new ConcurrentHashMap<>());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run("server-a", change))
                .isInstanceOf(StepRunner.StepFailed.class)
                .hasMessage("server-a: jail_root[j]: " + archive + " changed since the inventory was read (3 bytes now, 5 then)");
        assertThat(a.commands).isEmpty();
    }

    @Test
    void stepsRunInOrderWithTheirContentAndStopAtTheFirstFailure(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ShellHost a = new ShellHost(dir, com.uirig.model.Become.NONE);
        Step failing = Step.run("sh", "-c", "echo boom >&2; false");
        Change change = new Change(com.uirig.plan.Address.parse("file[/x]"), Action.CREATE, "", Map.of(), Map.of(), List.of(
                Step.withContent("hello\n", "dd", "of=x", "status=none"), failing,
                Step.withContent("x", "dd", "of=y", "status=none")), "");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner(a).run("server-a", change))
                .isInstanceOf(StepRunner.StepFailed.class)
                .hasMessage("server-a: file[/x]: '" + failing.shellLine() + "' exited 1: boom");
        assertThat(a.commands).containsExactly("/bin/sh -s");
        assertThat(dir.resolve("x")).hasContent("hello\n");
        assertThat(dir.resolve("y")).doesNotExist();
    }

    @Test
    void aStepThatCutsTheSessionsStartsDetachedAndTheRestRunsOverTheNewConnection() throws Exception {
        RecordingHost old = new RecordingHost();
        RecordingHost fresh = new RecordingHost() {
            @Override
            public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                    throws java.io.IOException {
                super.run(command, stdin, timeout);
                return new CommandResult(0, command.startsWith("cat /var/run/uirig.cut.") ? "0\n" : "", "");
            }
        };
        Map<String, Transport> hosts = new ConcurrentHashMap<>(Map.of("server-a", old));
        List<String> checks = new ArrayList<>();
        StepRunner runner = new StepRunner(hosts::get, Duration.ofSeconds(5), new ConcurrentHashMap<>(), (host, ranCheck) -> {
            checks.add(ranCheck);
            hosts.put(host, fresh);
            return fresh;
        });
        Change change = new Change(com.uirig.plan.Address.parse("pf[/etc/pf.conf]"), Action.UPDATE, "", Map.of(), Map.of(), List.of(
                Step.run("pfctl", "-f", "/etc/pf.conf"), Step.cuttingSessions("pfctl", "-e"), Step.run("true")), "");
        runner.run("server-a", change);
        assertThat(old.commands).hasSize(2);
        assertThat(old.commands.get(1)).startsWith("nohup sh -c 'sleep 1; pfctl -e >/dev/null 2>&1; echo $? > /var/run/uirig.cut.")
                .endsWith(" >/dev/null 2>&1 </dev/null &");
        String status = checks.get(0).substring("test -s ".length());
        assertThat(fresh.commands).containsExactly("cat " + status + " && rm -f " + status, "true");
    }

    @Test
    void aDetachedStepThatFailsReportsItsExitStatus() throws Exception {
        RecordingHost fresh = new RecordingHost() {
            @Override
            public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout) {
                return new CommandResult(0, "1\n", "");
            }
        };
        StepRunner runner = new StepRunner(Map.<String, Transport>of("server-a", new RecordingHost())::get, Duration.ofSeconds(5),
                new ConcurrentHashMap<>(), (host, ranCheck) -> fresh);
        Change change = new Change(com.uirig.plan.Address.parse("pf[/etc/pf.conf]"), Action.UPDATE, "", Map.of(), Map.of(),
                List.of(Step.cuttingSessions("pfctl", "-e")), "");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.run("server-a", change))
                .isInstanceOf(StepRunner.StepFailed.class).hasMessage("server-a: pf[/etc/pf.conf]: 'pfctl -e' exited 1");
    }

    @Test
    void theDetachedCommandRunsAfterItsStarterReturnedAndLeavesItsStatus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path status = dir.resolve("status");
        Process p = new ProcessBuilder("sh", "-c", StepRunner.detached(Step.run("sh", "-c", "exit 3"), status.toString())).start();
        assertThat(p.waitFor()).isZero();
        assertThat(status).as("not yet: it waits a second").doesNotExist();
        for (int i = 0; i < 100 && !(java.nio.file.Files.exists(status) && java.nio.file.Files.size(status) > 0); i++) {
            Thread.sleep(50);
        }
        assertThat(java.nio.file.Files.readString(status)).isEqualTo("3\n");
    }

    /** A host that runs each command with this machine's /bin/sh (dash here, as in the simulator) in a temporary directory. */
    static class ShellHost extends RecordingHost {
        final java.nio.file.Path dir;
        final List<Duration> timeouts = new ArrayList<>();
        final com.uirig.model.Become become;

        ShellHost(java.nio.file.Path dir, com.uirig.model.Become become) {
            this.dir = dir;
            this.become = become;
        }

        @Override
        public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                throws java.io.IOException {
            super.run(command, stdin, timeout);
            timeouts.add(timeout);
            // The command as the login shell gets it under become, without the program that would make it root.
            String wrapped = become.wrap(command);
            String line = become == com.uirig.model.Become.NONE ? wrapped : wrapped.substring((become.program() + " -n ").length());
            Process p = new ProcessBuilder("/bin/sh", "-c", line).directory(dir.toFile()).start();
            byte[] in = inputs.get(inputs.size() - 1);
            try (java.io.OutputStream stdinOfP = p.getOutputStream()) {
                stdinOfP.write(in == null ? new byte[0] : in);
            }
            java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                return new CommandResult(p.waitFor(), out, new String(err.join(), StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
        }
    }

    private static Change change(Step... steps) {
        return new Change(com.uirig.plan.Address.parse("file[/x]"), Action.CREATE, "", Map.of(), Map.of(), List.of(steps), "");
    }

    private static StepRunner runner(Transport host) {
        return new StepRunner(Map.of("server-a", host)::get, Duration.ofSeconds(5), new ConcurrentHashMap<>());
    }

    @Test
    void consecutiveStepsWithNoInputRunAsOneCommandWithATimeoutForEach(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ShellHost a = new ShellHost(dir, com.uirig.model.Become.NONE);
        runner(a).run("server-a", change(Step.run("mkdir", "d"), Step.run("touch", "d/one"), Step.run("cd", "d"),
                Step.run("sh", "-c", "echo 'printed; not a marker'; echo warned >&2"), Step.run("mv", "d/one", "d/two")));
        // The cd changed the directory of its own subshell only: the mv after it still ran in dir.
        assertThat(a.commands).containsExactly("/bin/sh -s");
        assertThat(new String(a.inputs.get(0), StandardCharsets.UTF_8)).contains("( mkdir d ) </dev/null", "( touch d/one ) </dev/null");
        assertThat(a.timeouts).containsExactly(Duration.ofSeconds(25));
        assertThat(dir.resolve("d/two")).exists();
        assertThat(dir.resolve("d/one")).doesNotExist();
    }

    @Test
    void aFailingStepInABatchIsReportedAsAloneAndTheStepsAfterItDoNotRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // Its error output does not end in a newline, and holds a line that looks like a marker of another run.
        Step failing = Step.run("sh", "-c", "echo out; echo '@@uirig-0123456789abcdef failed 0 0' >&2; printf 'no such thing' >&2; exit 3");
        ShellHost alone = new ShellHost(dir, com.uirig.model.Become.NONE);
        String today = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> runner(alone).run("server-a", change(failing)), StepRunner.StepFailed.class).getMessage();
        assertThat(alone.commands).containsExactly(failing.commandLine());
        assertThat(today).isEqualTo("server-a: file[/x]: '" + failing.shellLine() + "' exited 3: "
                + "@@uirig-0123456789abcdef failed 0 0\nno such thing");
        for (com.uirig.model.Become become : com.uirig.model.Become.values()) {
            ShellHost a = new ShellHost(dir, become);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner(a).run("server-a", change(
                            Step.run("sh", "-c", "echo fine >&2"), Step.run("touch", "before"), failing, Step.run("touch", "after"))))
                    .as(become.name()).isInstanceOf(StepRunner.StepFailed.class).hasMessage(today);
            assertThat(a.commands).hasSize(1);
            assertThat(dir.resolve("before")).exists();
            assertThat(dir.resolve("after")).doesNotExist();
        }
    }

    @Test
    void theFirstStepOfABatchFailingWithNoErrorOutputIsReportedWithItsStatus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ShellHost a = new ShellHost(dir, com.uirig.model.Become.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner(a).run("server-a", change(
                        Step.run("false"), Step.run("touch", "after"))))
                .isInstanceOf(StepRunner.StepFailed.class).hasMessage("server-a: file[/x]: 'false' exited 1");
        assertThat(dir.resolve("after")).doesNotExist();
    }

    @Test
    void aScriptCutShortIsReportedAsTheLastStepItStarted() {
        StepBatch batch = new StepBatch(List.of(Step.run("true"), Step.run("sleep", "600")), "00ff");
        StepBatch.Failure f = batch.failure(new CommandResult(-1, "", "@@uirig-00ff step 0\n\n@@uirig-00ff step 1\npartial")).orElseThrow();
        assertThat(f.step()).isEqualTo(Step.run("sleep", "600"));
        assertThat(f.exit()).isEqualTo(-1);
        assertThat(f.stderr().strip()).isEqualTo("partial");
        assertThat(batch.failure(new CommandResult(0, "", "@@uirig-00ff step 0\n"))).isEmpty();
    }

    @Test
    void aSecretOrALongStepSplitsTheBatchAndASecretStaysOutOfTheScripts() throws Exception {
        byte[] secret = "topsecret".getBytes(StandardCharsets.UTF_8);
        RecordingHost a = new RecordingHost() {
            @Override
            public synchronized CommandResult run(String command, java.io.InputStream stdin, Duration timeout)
                    throws java.io.IOException {
                CommandResult r = super.run(command, stdin, timeout);
                return command.startsWith("od ") ? new CommandResult(0, java.util.HexFormat.of().formatHex(secret), "") : r;
            }
        };
        runner(a).run("server-a", change(Step.run("a"), Step.run("b"),
                Step.withContent("file content\n", "dd", "of=/x"), Step.run("c"), Step.run("d"),
                new Step(List.of("dd", "of=/k"), new Step.SecretFrom("server-a", "/k")), Step.run("e"),
                Step.startingDaemons("service", "x", "start"), Step.run("f"), Step.longRunning("pkg", "install"), Step.run("g")));
        assertThat(a.commands).containsExactly("/bin/sh -s", "od -An -v -tx1 /k", "dd of=/k", "/bin/sh -s",
                "pkg install", "g");
        assertThat(new String(a.inputs.get(0), StandardCharsets.UTF_8))
                .contains("( a )", "( b )", "printf '%s' 'file content\n' | ( dd of=/x )", "( c )", "( d )");
        assertThat(a.inputs.get(2)).isEqualTo(secret);
        assertThat(new String(a.inputs.get(3), StandardCharsets.UTF_8)).contains("( e )", "( service x start )", "( f )");
        assertThat(a.commands).noneMatch(c -> c.contains("topsecret") || c.contains("file content"));
        assertThat(List.of(a.inputs.get(0), a.inputs.get(3))).noneMatch(i -> new String(i, StandardCharsets.UTF_8).contains("topsecret"));
    }

    @Test
    void aDaemonStartedInABatchHoldsNeitherTheScriptsOutputNorItsErrorsAndAFailureShowsItsOwn(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ShellHost a = new ShellHost(dir, com.uirig.model.Become.NONE);
        // The host waits for the script's output to close, as sshd waits to end the channel.
        long t0 = System.nanoTime();
        runner(a).run("server-a", change(Step.run("touch", "before"),
                Step.startingDaemons("sh", "-c", "(sleep 5; echo late >&2) & echo started >&2"), Step.run("touch", "after")));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3000);
        assertThat(a.commands).containsExactly("/bin/sh -s");
        assertThat(dir.resolve("after")).exists();
        Step failing = Step.startingDaemons("sh", "-c", "echo 'no such service' >&2; exit 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner(a).run("server-a", change(
                        Step.startingDaemons("sh", "-c", "(sleep 5; echo late >&2) &"), failing, Step.run("touch", "never"))))
                .isInstanceOf(StepRunner.StepFailed.class)
                .hasMessage("server-a: file[/x]: '" + failing.shellLine() + "' exited 1: no such service");
        assertThat(dir.resolve("never")).doesNotExist();
        try (var left = java.nio.file.Files.list(java.nio.file.Path.of("/tmp"))) {
            assertThat(left.map(Object::toString).filter(f -> f.contains("uirig.out.")).toList()).as("temporary files").isEmpty();
        }
    }

    @Test
    void changesRunTogetherAsOneScriptThatWritesContentExactlyAndTellsOfEachChangeInOrder(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ShellHost a = new ShellHost(dir, com.uirig.model.Become.DOAS);
        // Quotes, backslashes, printf's own escapes and conversions, no newline at the end.
        String tricky = "it's a \\n 100% 'quoted' \"text\" $HOME `x` %s\\c\nünï\n\nlast";
        List<Change> changes = List.of(change(Step.run("mkdir", "d"), Step.withContent(tricky, "dd", "of=d/one", "status=none")),
                change(Step.withContent("", "dd", "of=d/empty", "status=none")), change(Step.run("mv", "d/one", "d/two")));
        List<Integer> ended = new ArrayList<>();
        runner(a).runTogether("server-a", changes, ended::add);
        assertThat(a.commands).containsExactly("/bin/sh -s");
        assertThat(a.timeouts).containsExactly(Duration.ofSeconds(20));
        assertThat(ended).containsExactly(0, 1, 2);
        assertThat(java.nio.file.Files.readString(dir.resolve("d/two"))).isEqualTo(tricky);
        assertThat(dir.resolve("d/empty")).isEmptyFile();
    }

    @Test
    void aChangeRunTogetherFailsAsAloneAndTheChangesAfterItDoNotRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ShellHost a = new ShellHost(dir, com.uirig.model.Become.NONE);
        Step failing = Step.run("sh", "-c", "echo 'no such thing' >&2; exit 3");
        List<Change> changes = List.of(change(Step.run("touch", "first")), change(Step.run("touch", "second"), failing),
                change(Step.run("touch", "third")));
        List<Integer> ended = new ArrayList<>();
        StepRunner.TogetherFailed e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> runner(a).runTogether("server-a", changes, ended::add), StepRunner.TogetherFailed.class);
        assertThat(e.change()).isEqualTo(1);
        assertThat(e.getCause()).isInstanceOf(StepRunner.StepFailed.class)
                .hasMessage("server-a: file[/x]: '" + failing.shellLine() + "' exited 3: no such thing");
        assertThat(ended).containsExactly(0);
        assertThat(dir.resolve("first")).exists();
        assertThat(dir.resolve("second")).exists();
        assertThat(dir.resolve("third")).doesNotExist();
    }

    @Test
    void aScriptCutShortOnItsWayRunsNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String script = new StepBatch(List.of(Step.run("touch", "one"), Step.withContent("x\n", "dd", "of=two", "status=none"),
                Step.run("touch", "three"))).script();
        for (int cut : new int[] {script.indexOf("touch three") + "touch three".length() + 2, script.length() - 2}) {
            Process p = new ProcessBuilder("/bin/sh", "-s").directory(dir.toFile()).start();
            try (java.io.OutputStream in = p.getOutputStream()) {
                in.write(script.substring(0, cut).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor()).as("cut at %d", cut).isNotZero();
            assertThat(dir.resolve("one")).as("cut at %d", cut).doesNotExist();
        }
    }

    @Test
    void contentWithANulOrLargerThanTheLimitGoesAlone() {
        assertThat(StepBatch.fits(Step.withContent("a\0b", "dd", "of=/x"))).isFalse();
        assertThat(StepBatch.fits(Step.withContent("a".repeat(StepBatch.MAX_CONTENT + 1), "dd", "of=/x"))).isFalse();
        assertThat(StepBatch.fits(Step.withContent("a".repeat(StepBatch.MAX_CONTENT), "dd", "of=/x"))).isTrue();
        assertThat(StepBatch.fits(Step.longRunning("pkg", "install"))).isFalse();
    }
}
