package com.uirig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.uirig.config.InventoryCopy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: output, errors and exit codes. */
class CliTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version")).satisfies(r -> {
            assertThat(r.code()).isZero();
            assertThat(r.out()).matches("uirig \\d+\\.\\d+\\.\\d+\\S*\\n");
        });
        Result help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("validate", "render", "plan", "Exit codes:");
        Result planHelp = run("plan", "--help");
        assertThat(planHelp.out()).contains("--offline", "--output", "--host", "INVENTORY");
    }

    @Test
    void offlinePlanExitsTwoAndEndsWithASummaryPerHost() {
        Result r = run("plan", "inventory/prod", "--offline");
        assertThat(r.code()).isEqualTo(Main.CHANGES);
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("  + bridge[xbridge]: create", "      ifconfig bridge0 create")
                .endsWith("server-a: 52 to create, 3 to change, 0 to delete\nserver-b: 52 to create, 3 to change, 0 to delete\n");
    }

    @Test
    void offlinePlanAsJsonForOneHost() throws Exception {
        Result r = run("plan", "inventory/prod", "--offline", "--output", "json", "--host", "server-b");
        assertThat(r.code()).isEqualTo(Main.CHANGES);
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("hosts")).hasSize(1);
        assertThat(root.get("hosts").get(0).get("host").asText()).isEqualTo("server-b");
    }

    @Test
    void invalidInputIsExitOneWithLocatedProblemsAndNoStackTrace() {
        InventoryCopy copy = new InventoryCopy(dir).edit("playbooks/network.yml", "inet: 10.0.2.1/24", "inet: 10.0.2.1");
        Result r = run("plan", copy.path("inventory/prod").toString(), "--offline");
        assertThat(r.code()).isEqualTo(Main.ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(copy.at("playbooks/network.yml", "10.0.2.1") + ": bridges.xbridge.inet: invalid CIDR")
                .contains("1 problem found; nothing was changed on any host.")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run("validate", copy.path("inventory/prod").toString()).code()).isEqualTo(Main.ERROR);
    }

    @Test
    void validateReportsEachHost() {
        InventoryCopy copy = new InventoryCopy(dir);
        copy.labBaseArchive();
        Result r = run("validate", copy.path("inventory/lab").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("server-a: ", "lab: 2 hosts, no problems found");
    }

    @Test
    void renderWritesTheHostsFilesUnderADirectory() throws Exception {
        Result r = run("render", "inventory/prod", "--host", "server-a", "--out", dir.toString());
        assertThat(r.code()).isZero();
        assertThat(Files.readString(dir.resolve("etc/jail.conf"))).contains("vnet.interface = pg_b, node_pg_b, ipg_b;");
        assertThat(dir.resolve("jails/pg_j/etc/spiped.key")).doesNotExist();
        assertThat(dir.resolve("jails/pg_j/etc/spiped.key.placeholder")).exists();
    }

    @Test
    void renderPrintsWhenNoDirectoryIsGiven() {
        Result r = run("render", "inventory/prod", "--host", "server-b");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("==> /etc/pf.conf (0644 root:wheel) <==", "ifconfig_xnic=\"192.0.2.165/24\"",
                "==> /jails/pg_j/etc/spiped.key (0600 root:wheel) <==\n# SECRET, not rendered");
    }

    @Test
    void usageErrorsAreExitOneNeverTwo() {
        assertThat(run("plan", "inventory/prod", "--offline", "--bogus").code()).isEqualTo(Main.ERROR);
        assertThat(run().code()).isEqualTo(Main.ERROR);
        assertThat(run("render", "inventory/prod").code()).isEqualTo(Main.ERROR);
        Result unknownHost = run("render", "inventory/prod", "--host", "server-z");
        assertThat(unknownHost.code()).isEqualTo(Main.ERROR);
        assertThat(unknownHost.err()).contains("host 'server-z' is not in the inventory (hosts: server-a, server-b)");
        Result missing = run("validate", dir.resolve("nowhere").toString());
        assertThat(missing.code()).isEqualTo(Main.ERROR);
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    void planAndCheckFromSavedFactsReportHostsWithoutFacts() {
        Result plan = run("plan", "inventory/prod", "--facts", dir.toString());
        assertThat(plan.code()).isEqualTo(Main.ERROR);
        assertThat(plan.err()).contains("server-a: " + dir.resolve("server-a") + " is not a directory of saved facts");
        Result check = run("check", "inventory/prod", "--facts", dir.toString(), "--output", "json");
        assertThat(check.code()).isEqualTo(Main.ERROR);
        assertThat(check.out()).contains("\"status\" : \"unreachable\"", "\"status\" : \"error\"");
    }

    @Test
    void savedFactsThatCannotBeAHostsAreNotUsedAndBadExitCodesAreLocated() throws Exception {
        Path a = dir.resolve("server-a");
        Files.createDirectories(a);
        Files.writeString(a.resolve("jls.txt"), "   JID  IP Address      Hostname                      Path\n");
        Files.writeString(a.resolve("exit-codes"), "jls 0\n");
        Result plan = run("plan", "inventory/prod", "--facts", dir.toString(), "--host", "server-a");
        assertThat(plan.code()).isEqualTo(Main.ERROR);
        assertThat(plan.err()).contains("server-a: not used, nothing is changed on it: section 'jls':"
                + " 'jls -n --libxo json' printed something that is not JSON (line 1, column 4)");
        Result facts = run("facts", "--from", a.toString());
        assertThat(facts.code()).isEqualTo(Main.ERROR);
        assertThat(facts.err()).contains("uirig: server-a: these facts cannot be a FreeBSD host's: section 'jls':");

        Files.writeString(a.resolve("exit-codes"), "jls 0\nifconfig -\n");
        Result bad = run("plan", "inventory/prod", "--facts", dir.toString(), "--host", "server-a");
        assertThat(bad.code()).isEqualTo(Main.ERROR);
        assertThat(bad.err()).contains("server-a: " + a.resolve("exit-codes")
                + ":2: the exit code '-' of section 'ifconfig' is not a number from 0 to 255");
        for (Result r : new Result[] {plan, facts, bad}) {
            assertThat(r.err()).doesNotContain("Exception", "java.");
        }
    }

    @Test
    void theProbeScriptCanBeShownWithoutConnecting() {
        Result r = run("facts", "inventory/prod", "--host", "server-a", "--show-probe");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin; export PATH\n")
                .contains("section lock 'lockf -s -t 0 /var/run/uirig.lock true'", "section ifconfig 'ifconfig -a'",
                        "section jail/pg_j/ifconfig 'jexec pg_j ifconfig -a'")
                .doesNotContain("cat /jails/pg_j/etc/spiped.key");
    }

    @Test
    void optionValuesThatCannotWorkAreUsageErrorsNamingTheOption() {
        for (String[] args : new String[][] {
                {"check", "inventory/prod", "--timeout", "0"},
                {"apply", "inventory/prod", "--timeout", "-5", "--yes"},
                {"trust", "inventory/prod", "--timeout", "0"},
                {"check", "inventory/prod", "--forks", "0"},
                {"log", "-n", "0"}}) {
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(Main.ERROR);
            assertThat(r.err()).as(String.join(" ", args)).containsPattern("(--timeout|--forks|-n) must be at least 1")
                    .doesNotContain("Exception");
        }
        Result both = run("plan", "inventory/prod", "--offline", "--facts", "/nonexistent");
        assertThat(both.code()).isEqualTo(Main.ERROR);
        assertThat(both.err()).contains("--offline and --facts cannot be used together");
        for (String command : new String[] {"plan", "check", "facts", "apply"}) {
            Result r = run(command, "inventory/prod", "--output", "yaml");
            assertThat(r.code()).as(command).isEqualTo(Main.ERROR);
            assertThat(r.err()).as(command).contains("Invalid value for option '--output'", "text, json");
        }
        Result log = run("log", "--output", "yaml");
        assertThat(log.code()).isEqualTo(Main.ERROR);
        assertThat(log.err()).contains("Invalid value for option '--output'");
    }

    @Test
    void aCorruptJournalLineIsSkippedWithAWarningNamingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path journal = dir.resolve("journal.jsonl");
        java.nio.file.Files.writeString(journal, "{\"time\":\"2026-12-01T10:00:00Z\",\"operator\":\"root\",\"inventory\":\"prod\","
                + "\"status\":\"ok\",\"seconds\":1.5,\"hosts\":[],\"errors\":[]}\n{\"time\": \"2026-12\n[1, 2]\n");
        Result r = run("log", "--journal", journal.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("2026-12-01T10:00:00Z root prod ok (1.5 s)\n");
        assertThat(r.err()).contains(journal + ":2: not a journal record (a run's JSON line); skipped",
                journal + ":3: not a journal record").doesNotContain("Exception");
    }

    @Test
    void aFailureThatReachesTheTopIsWordsNeverJavasClassNames() {
        var io = new java.io.UncheckedIOException(new java.io.IOException("server-a: cannot connect to 192.0.2.155:22: refused"));
        assertThat(Main.userMessage(new java.util.concurrent.ExecutionException(io)))
                .isEqualTo("server-a: cannot connect to 192.0.2.155:22: refused");
        assertThat(Main.userMessage(new NullPointerException()))
                .isEqualTo("internal error (a bug in uirig: please report it; UIRIG_DEBUG=1 shows where it happened)")
                .doesNotContain("Exception");
        assertThat(Main.userMessage(new IllegalStateException("two resources named x"))).startsWith("internal error: two resources named x");
    }
}
