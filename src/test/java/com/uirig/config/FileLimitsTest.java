package com.uirig.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What uirig sends to a host is bounded, and a base archive is checked when the inventory is read. */
class FileLimitsTest {
    private static final String LAB = "inventory/lab/hosts.yml";
    private static final String HOSTS = "inventory/prod/hosts.yml";
    private static final String JAILS = "playbooks/jails.yml";
    private static final String PG_CONF = "playbooks/templates/postgresql.conf";

    @TempDir
    Path dir;

    /** The lab's problems with its base archive at {@code archive}: one per jail using it, all at the key. */
    private static List<String> archiveProblems(InventoryCopy c, Path archive, String why) {
        c.edit(LAB, "base_archive: ~/freebsd/14.1-RELEASE/base.txz", "base_archive: " + archive);
        List<String> problems = c.problems("lab");
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p)
                .startsWith(c.at(LAB, archive.toString()) + ": vars.jail_root.base_archive: base archive " + archive + ": " + why
                        + " (used at "));
        return problems;
    }

    @Test
    void aMissingBaseArchiveIsALocatedProblem() {
        archiveProblems(new InventoryCopy(dir), dir.resolve("nowhere/base.txz"), "not found");
    }

    @Test
    void aBaseArchiveThatIsADirectoryIsALocatedProblem() throws Exception {
        Files.createDirectories(dir.resolve("archive.d"));
        archiveProblems(new InventoryCopy(dir.resolve("copy")), dir.resolve("archive.d"), "not a regular file");
    }

    @Test
    void anUnreadableBaseArchiveIsALocatedProblem() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads any file");
        Path archive = Files.write(dir.resolve("base.txz"), new byte[] {1});
        Files.setPosixFilePermissions(archive, java.util.Set.of());
        archiveProblems(new InventoryCopy(dir.resolve("copy")), archive, "not readable");
    }

    @Test
    void aBaseArchiveOverTwoGibIsALocatedProblemAndOneAtTheLimitIsRead() throws Exception {
        Path archive = dir.resolve("huge.txz");
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.setLength(FileLimits.MAX_ARCHIVE_BYTES + 1); // sparse: no disk is used
        }
        archiveProblems(new InventoryCopy(dir.resolve("copy")), archive, (FileLimits.MAX_ARCHIVE_BYTES + 1)
                + " bytes, over uirig's limit of 2 GiB");
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.setLength(FileLimits.MAX_ARCHIVE_BYTES);
        }
        InventoryCopy ok = new InventoryCopy(dir.resolve("ok")).edit(LAB, "base_archive: ~/freebsd/14.1-RELEASE/base.txz",
                "base_archive: " + archive);
        var root = com.uirig.kinds.JailsKind.of(ok.load("lab").host("server-a").orElseThrow()).get(0).root();
        assertThat(root).isEqualTo(new com.uirig.model.DesiredHost.BaseArchive(archive.toString(), archive.toString(),
                FileLimits.MAX_ARCHIVE_BYTES));
    }

    @Test
    void aFileContentOverFourMibIsALocatedProblem() {
        // 3 MB twice: within what expansion may do, over what uirig writes as one file.
        InventoryCopy c = new InventoryCopy(dir).edit(HOSTS, "vars:\n  # NIC drivers",
                        "vars:\n  big: \"" + "x".repeat(3_000_000) + "\"\n  # NIC drivers")
                .edit(JAILS, "/etc/resolv.conf: {content: \"{{ resolv_conf }}\"}\n      # Inside",
                        "/etc/resolv.conf: {content: \"{{ big }}{{ big }}\"}\n      # Inside");
        assertThat(c.problems("prod")).singleElement().asString().isEqualTo(c.at(JAILS, "\"{{ big }}{{ big }}\"")
                + ": jails.pg_j.files./etc/resolv.conf.content: the file's content is 6000000 bytes, over uirig's limit of 4 MiB"
                + " for a file it writes");
    }

    @Test
    void aTemplateFilledInToOverFourMibIsALocatedProblem() throws Exception {
        // A 4.1 MB template (within the input limit) of two-byte characters that filling in takes past 4 MiB.
        InventoryCopy c = new InventoryCopy(dir);
        Files.writeString(c.path(PG_CONF), "# " + "\u00e9".repeat(2_000_000) + "{{ resolv_conf }}".repeat(7_000) + "\n");
        long bytes = 2 + 4_000_000 + 7_000L * "nameserver 1.1.1.1\nnameserver 8.8.8.8\n".length() + 1;
        assertThat(c.problems("prod")).singleElement().asString().isEqualTo(c.at(JAILS, "templates/postgresql.conf")
                + ": jails.pg_j.files./var/db/postgres/data16/postgresql.conf.template: the file's content is " + bytes + " bytes,"
                + " over uirig's limit of 4 MiB for a file it writes");
    }

    @Test
    void utf8LengthCountsEachCharacterAsUtf8EncodesIt() {
        String s = "a\u00e9\u20ac\uD83D\uDE00";
        assertThat(FileLimits.utf8Length(s)).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}
