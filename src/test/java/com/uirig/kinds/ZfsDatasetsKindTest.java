package com.uirig.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uirig.config.InvalidInputException;
import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.UnreadableOutput;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Planner;
import com.uirig.plan.ProbeSections;
import com.uirig.plan.Resource;
import com.uirig.plan.Resources;
import com.uirig.plan.Step;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** zfs_datasets: reading and OpenZFS's rules with located errors, the fact's parser, planning and ordering. */
class ZfsDatasetsKindTest {
    @TempDir
    Path dir;

    private static final String JAIL = """
            jail_defaults:
              path: /jails/$name
              exec.start: /bin/sh /etc/rc
            jails:
              pg_j:
                root: {zfs_clone: zroot/jails/template@14.1-RELEASE}
                hostname: pg.example
                packages: [postgresql16-server]
                services: [postgresql]
                run_once:
                  initdb: {command: service postgresql initdb, creates: /var/db/postgres/data16/PG_VERSION}
                files:
                  /etc/resolv.conf: {content: "nameserver 1.1.1.1\\n"}
                  /var/db/postgres/data16/postgresql.conf: {content: "port = 5432\\n"}
            """;

    /** A database dataset (16k records, lz4, no atime updates), as README's zfs_datasets shows it. */
    private static final String SEED_DATASET = """
            zfs_datasets:
              zroot/jails/pg_j/pgdata:
                mountpoint: /jails/pg_j/var/db/postgres
                properties: {recordsize: 16k, compression: lz4, atime: off}
            """;

    private Inventory load(String playbook) throws IOException {
        Files.writeString(dir.resolve("playbook.yml"), playbook, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("hosts.yml"), "playbooks: [playbook.yml]\nhosts:\n  host:\n"
                + "    ssh: {address: 192.0.2.1, user: root}\n", StandardCharsets.UTF_8);
        return InventoryLoader.load(dir);
    }

    private List<String> problems(String playbook) throws IOException {
        try {
            load(playbook);
        } catch (InvalidInputException e) {
            String prefix = dir.resolve("playbook.yml").toString();
            return e.problems().stream().map(p -> p.startsWith(prefix) ? "playbook.yml" + p.substring(prefix.length()) : p).toList();
        }
        throw new AssertionError("the playbook was accepted");
    }

    private static ZfsDatasetsKind.Spec spec(DesiredHost h) {
        return h.kinds().get("zfs_datasets", ZfsDatasetsKind.Spec.class).orElseThrow();
    }

    // ------------------------------------------------------------------ reading

    @Test
    void theSeedsDatabaseDatasetReadsAsZfsGetPrintsIt() throws IOException {
        DesiredHost h = load(JAIL + SEED_DATASET).hosts().get(0);
        ZfsDatasetsKind.Dataset d = spec(h).datasets().get(0);
        assertThat(d.name()).isEqualTo("zroot/jails/pg_j/pgdata");
        assertThat(d.mountpoint()).contains("/jails/pg_j/var/db/postgres");
        assertThat(ZfsProperty.byName(d.values())).containsExactly(Map.entry("recordsize", "16384"),
                Map.entry("compression", "lz4"), Map.entry("atime", "off"));
        assertThat(ZfsProperty.byName(d.texts())).containsEntry("recordsize", "16k");
        assertThat(d.jail()).contains("pg_j");
        // rc.d/zfs mounts datasets at boot only with zfs_enable.
        assertThat(new ZfsDatasetsKind().rcConf(spec(h)).settings()).containsEntry("zfs_enable", "YES");
    }

    @Test
    void aMountpointIsInheritedFromADeclaredParentOrAJailsCloneRoot() throws IOException {
        DesiredHost h = load(JAIL + """
                zfs_datasets:
                  zroot/jails/pg_j/srv: {}
                  zroot/data:
                    mountpoint: /data
                  zroot/data/a/b: {}
                  zroot/off:
                    mountpoint: none
                  zroot/off/x: {}
                """).hosts().get(0);
        Map<String, String> at = new LinkedHashMap<>();
        spec(h).datasets().forEach(d -> at.put(d.name(), d.mountsAt()));
        assertThat(at).containsExactly(Map.entry("zroot/jails/pg_j/srv", "/jails/pg_j/srv"), Map.entry("zroot/data", "/data"),
                Map.entry("zroot/data/a/b", "/data/a/b"), Map.entry("zroot/off", "none"), Map.entry("zroot/off/x", "none"));
    }

    @Test
    void badNamesAreRefusedWithOpenZfsReasonsWhereTheyAreWritten() throws IOException {
        List<String> p = problems("""
                zfs_datasets:
                  zroot/a@snap: {mountpoint: /a}
                  zroot/a#mark: {mountpoint: /a}
                  zroot/a%b: {mountpoint: /a}
                  zroot/./a: {mountpoint: /a}
                  zroot/../a: {mountpoint: /a}
                  zroot/a/: {mountpoint: /a}
                  zroot//a: {mountpoint: /a}
                  zroot/a*b: {mountpoint: /a}
                  zroot: {mountpoint: /a}
                """);
        assertThat(p).containsExactly(
                "playbook.yml:2:17: zfs_datasets.zroot/a@snap: invalid dataset name 'zroot/a@snap': snapshot delimiter '@' is not expected here",
                "playbook.yml:3:17: zfs_datasets.zroot/a#mark: invalid dataset name 'zroot/a#mark': bookmark delimiter '#' is not expected here",
                "playbook.yml:4:14: zfs_datasets.zroot/a%b: invalid dataset name 'zroot/a%b': invalid character % in name",
                "playbook.yml:5:14: zfs_datasets.zroot/./a: invalid dataset name 'zroot/./a': self reference, '.' is found in name",
                "playbook.yml:6:15: zfs_datasets.zroot/../a: invalid dataset name 'zroot/../a': parent reference, '..' is found in name",
                "playbook.yml:7:13: zfs_datasets.zroot/a/: invalid dataset name 'zroot/a/': trailing slash in name",
                "playbook.yml:8:13: zfs_datasets.zroot//a: invalid dataset name 'zroot//a': empty component or misplaced '@' or '#'"
                        + " delimiter in name",
                "playbook.yml:9:14: zfs_datasets.zroot/a*b: invalid dataset name 'zroot/a*b': invalid character '*' in name",
                "playbook.yml:10:10: zfs_datasets.zroot: invalid dataset name 'zroot': missing dataset name");
    }

    @Test
    void namesOpenZfsTakes() {
        assertThat(ZfsProperty.nameProblem("zroot/jails/pg j:db-1.0_x")).isEmpty();
        assertThat(ZfsProperty.nameProblem("z/" + "a/".repeat(48) + "b")).isEmpty();
        assertThat(ZfsProperty.nameProblem("z/" + "a/".repeat(49) + "b")).contains("maximum name nesting depth exceeded");
        // ZFS_MAX_DATASET_NAME_LEN is 256 with the terminating NUL.
        assertThat(ZfsProperty.nameProblem("z/" + "a".repeat(254))).contains("name is too long");
        assertThat(ZfsProperty.nameProblem("z/" + "a".repeat(253))).isEmpty();
        assertThat(ZfsProperty.nameProblem("/zroot/a")).contains("leading slash in name");
    }

    @Test
    void propertiesAndTheirValuesAreCheckedAsZfsSetDoes() throws IOException {
        List<String> p = problems("""
                zfs_datasets:
                  zroot/a:
                    mountpoint: srv/a
                    properties: {recordsize: 3k, compression: LZ4, atime: "false", dedup: on, quota: 0, reservation: 1X}
                  zroot/b:
                    mountpoint: /b/
                    properties: {recordsize: 2M, mountpoint: /b}
                """);
        assertThat(p).containsExactly(
                "playbook.yml:3:17: zfs_datasets.zroot/a.mountpoint: 'mountpoint' must be an absolute path, 'none', or 'legacy'",
                "playbook.yml:4:30: zfs_datasets.zroot/a.properties.recordsize: 'recordsize' must be power of 2 from 512B to 1M",
                "playbook.yml:4:47: zfs_datasets.zroot/a.properties.compression: 'compression' must be one of 'on | off | lzjb"
                        + " | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19] | zstd-fast"
                        + " | zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]'",
                "playbook.yml:4:59: zfs_datasets.zroot/a.properties.atime: 'atime' must be one of 'on | off'",
                "playbook.yml:4:68: zfs_datasets.zroot/a.properties.dedup: unknown key 'dedup' (expected one of: recordsize,"
                        + " compression, atime, quota, reservation)",
                "playbook.yml:4:86: zfs_datasets.zroot/a.properties.quota: use 'none' to disable quota/refquota",
                "playbook.yml:4:102: zfs_datasets.zroot/a.properties.reservation: invalid numeric suffix 'X'",
                "playbook.yml:6:17: zfs_datasets.zroot/b.mountpoint: '/b/' is not a plain absolute path (no empty, '.' or '..'"
                        + " component, no trailing '/', no control character)",
                "playbook.yml:7:30: zfs_datasets.zroot/b.properties.recordsize: 'recordsize' must be power of 2 from 512B to 1M"
                        + " (larger records need the pool's large_blocks feature and vfs.zfs.max_recordsize raised, which"
                        + " uirig does not manage)",
                "playbook.yml:7:34: zfs_datasets.zroot/b.properties.mountpoint: unknown key 'mountpoint' (expected one of:"
                        + " recordsize, compression, atime, quota, reservation)");
    }

    @Test
    void sizesAreReadAsZfsNicestrtonumReadsThem() {
        assertThat(ZfsProperty.nicestrtonum("16k")).isEqualTo(BigInteger.valueOf(16384));
        assertThat(ZfsProperty.nicestrtonum("16K")).isEqualTo(BigInteger.valueOf(16384));
        assertThat(ZfsProperty.nicestrtonum("1KiB")).isEqualTo(BigInteger.valueOf(1024));
        assertThat(ZfsProperty.nicestrtonum("1mb")).isEqualTo(BigInteger.valueOf(1 << 20));
        assertThat(ZfsProperty.nicestrtonum("1.5K")).isEqualTo(BigInteger.valueOf(1536));
        assertThat(ZfsProperty.nicestrtonum(".5K")).isEqualTo(BigInteger.valueOf(512));
        assertThat(ZfsProperty.nicestrtonum("1.5e1K")).isEqualTo(BigInteger.valueOf(15360));
        assertThat(ZfsProperty.nicestrtonum("512")).isEqualTo(BigInteger.valueOf(512));
        assertThat(ZfsProperty.nicestrtonum("15E")).isEqualTo(BigInteger.valueOf(15).shiftLeft(60));
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum("16E")).hasMessage("numeric value is too large");
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum("18446744073709551616")).hasMessage("numeric value is too large");
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum("1BB")).hasMessage("invalid numeric suffix 'BB'");
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum("1e3")).hasMessage("invalid numeric suffix 'e3'");
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum(".K")).hasMessage("invalid numeric suffix '.K'");
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum("k16")).hasMessage("bad numeric value 'k16'");
        assertThatThrownBy(() -> ZfsProperty.nicestrtonum("-1")).hasMessage("bad numeric value '-1'");
    }

    @Test
    void compressionIsComparedAsZfsGetPrintsTheStoredValue() {
        // zfs_prop_index_to_string: the first name of compress_table with the value.
        assertThat(ZfsProperty.COMPRESSION.canonical("gzip-6")).isEqualTo("gzip");
        assertThat(ZfsProperty.COMPRESSION.canonical("zstd-fast-1")).isEqualTo("zstd-fast");
        assertThat(ZfsProperty.COMPRESSION.canonical("zstd-3")).isEqualTo("zstd-3");
        assertThat(ZfsProperty.COMPRESSION.canonical("on")).isEqualTo("on");
        assertThat(ZfsProperty.COMPRESSION.printable("zstd-fast-1000")).isTrue();
        assertThat(ZfsProperty.COMPRESSION.printable("gzip-6")).isFalse();
        assertThatThrownBy(() -> ZfsProperty.COMPRESSION.canonical("zstd-20")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ZfsProperty.QUOTA.canonical("none")).isEqualTo("0");
        assertThat(ZfsProperty.RESERVATION.canonical("0")).isEqualTo("0");
        assertThat(ZfsProperty.QUOTA.canonical("10G")).isEqualTo("10737418240");
    }

    @Test
    void aMountpointUirigCannotPlaceOrThatBreaksTheJailIsRefused() throws IOException {
        List<String> p = problems(JAIL + """
                zfs_datasets:
                  zroot/elsewhere/x: {}
                  zroot/jails/pg_j: {mountpoint: /jails/pg_j}
                  zroot/root: {mountpoint: /jails/pg_j}
                  zroot/cluster: {mountpoint: /jails/pg_j/var/db/postgres/data16/PG_VERSION}
                  zroot/slash: {mountpoint: /}
                """);
        assertThat(p).containsExactly(
                "playbook.yml:16:22: zfs_datasets.zroot/elsewhere/x: give 'zroot/elsewhere/x' a mountpoint: it would inherit"
                        + " its parent's, and no ancestor of it is a dataset of zfs_datasets with a known mountpoint or a"
                        + " jail's zfs_clone root",
                "playbook.yml:17:21: zfs_datasets.zroot/jails/pg_j: 'zroot/jails/pg_j' is jail pg_j's root (its zfs_clone):"
                        + " uirig makes it with zfs clone",
                "playbook.yml:18:15: zfs_datasets.zroot/root: 'zroot/root' would mount on jail pg_j's path /jails/pg_j,"
                        + " where its root filesystem is (jail_root)",
                "playbook.yml:19:18: zfs_datasets.zroot/cluster: run_once pg_j/initdb creates"
                        + " /jails/pg_j/var/db/postgres/data16/PG_VERSION, the mountpoint of 'zroot/cluster': once the dataset"
                        + " is mounted it exists and the command would never run (let it create a file inside, as initdb's"
                        + " PG_VERSION)",
                "playbook.yml:20:29: zfs_datasets.zroot/slash.mountpoint: '/' is the root file system: uirig mounts no"
                        + " dataset there");
    }

    @Test
    void aParentMountedInsideItsChildIsACycle() throws IOException {
        assertThat(problems("""
                zfs_datasets:
                  zroot/a: {mountpoint: /srv/a/b/c}
                  zroot/a/b: {mountpoint: /srv/a}
                """)).containsExactly("playbook.yml:2:12: zfs_datasets.zroot/a: 'zroot/a' must be mounted both before and"
                + " after zroot/a/b (a parent dataset mounted inside its child?)");
    }

    // ------------------------------------------------------------------ the fact

    private static final String NAME = "zroot/jails/pg_j/pgdata";
    private static final String SYNCED = "mountpoint\t/jails/pg_j/var/db/postgres\tlocal\nmounted\tyes\t-\ncanmount\ton\tdefault\n"
            + "recordsize\t16384\tlocal\ncompression\tlz4\tlocal\natime\toff\tlocal\nquota\t0\tdefault\nreservation\t0\tdefault\n";

    @Test
    void theFactIsOneZfsGetPerDatasetWithItsStandardError() {
        var f = ZfsDatasetsKind.fact("zroot/pg data");
        assertThat(f.section()).isEqualTo("zfs/zroot/pg data");
        assertThat(f.command()).isEqualTo("zfs get -H -p -o property,value,source"
                + " mountpoint,mounted,canmount,recordsize,compression,atime,quota,reservation 'zroot/pg data' 2>&1");
        assertThat(new ZfsDatasetsKind().factOf("zfs/zroot/pg data")).isPresent();
        assertThat(new ZfsDatasetsKind().factOf("zfs/zroot@x")).isEmpty();
        assertThat(new ZfsDatasetsKind().factOf("jls")).isEmpty();
    }

    @Test
    void theParserReadsOnlyWhatZfsGetCanPrint() {
        assertThat(ZfsDatasetsKind.parse(NAME, 0, SYNCED).value(ZfsProperty.RECORDSIZE)).isEqualTo("16384");
        assertThat(ZfsDatasetsKind.parse(NAME, 1, "cannot open '" + NAME + "': dataset does not exist\n").exists()).isFalse();
        // Another dataset's error, another failure, lines out of order or cut, values zfs get -p cannot print.
        for (var bad : List.of(Map.entry(1, "cannot open 'zroot/x': dataset does not exist\n"),
                Map.entry(1, "cannot open '" + NAME + "': permission denied\n"), Map.entry(2, ""),
                Map.entry(0, SYNCED.replace("mountpoint\t/jails", "mounted\t/jails")), Map.entry(0, SYNCED.replace("\n", " \n")),
                Map.entry(0, SYNCED.substring(0, SYNCED.length() - 1)), Map.entry(0, SYNCED.replace("16384", "16k")),
                Map.entry(0, SYNCED.replace("16384", "12288")), Map.entry(0, SYNCED.replace("lz4\t", "gzip-6\t")),
                Map.entry(0, SYNCED.replace("\tlocal\nmounted", "\tinherited from \nmounted")),
                Map.entry(0, SYNCED.replace("yes\t-", "yes\tsomewhere")), Map.entry(0, SYNCED + "used\t1\t-\n"),
                Map.entry(0, SYNCED.replace("quota\t0", "quota\tnone")))) {
            assertThatThrownBy(() -> ZfsDatasetsKind.parse(NAME, bad.getKey(), bad.getValue())).as(bad.getValue())
                    .isInstanceOf(UnreadableOutput.class);
        }
    }

    // ------------------------------------------------------------------ planning

    private static ObservedHost observed(DesiredHost h, Map<String, String> outputs) {
        var probe = ProbeSections.of(h);
        Map<String, Object> facts = new LinkedHashMap<>();
        outputs.forEach((name, out) -> facts.put("zfs/" + name, out == null
                ? ZfsDatasetsKind.parse(name, 1, "cannot open '" + name + "': dataset does not exist\n")
                : ZfsDatasetsKind.parse(name, 0, out)));
        return FreshHost.of(h.name(), com.uirig.plan.Kinds.freshNics(h), probe.facts()).withFacts(facts);
    }

    private static List<Change> changes(Inventory inv, ObservedHost o) {
        return Planner.plan(inv.hosts(), Map.of(o.host(), o)).hosts().get(0).changes().stream()
                .filter(c -> c.resource().kind().equals("zfs_dataset")).toList();
    }

    private static List<String> commands(Change c) {
        return c.steps().stream().map(Step::commandLine).toList();
    }

    @Test
    void aMissingDatasetIsCreatedWithItsPropertiesOnAnEmptyDirectory() throws IOException {
        Inventory inv = load(JAIL + SEED_DATASET);
        List<Change> c = changes(inv, FreshHost.of(inv.hosts().get(0).name(), com.uirig.plan.Kinds.freshNics(inv.hosts().get(0)), ProbeSections.of(inv.hosts().get(0)).facts()));
        assertThat(c).hasSize(1);
        assertThat(commands(c.get(0))).containsExactly(
                "/bin/sh -c 'test ! -d \"$1\" || test -z \"$(ls -A \"$1\")\" || { echo \"$1 is not empty: mounting $2 there"
                        + " would hide its files\" >&2; exit 1; }' sh /jails/pg_j/var/db/postgres zroot/jails/pg_j/pgdata",
                "zfs create -o mountpoint=/jails/pg_j/var/db/postgres -o recordsize=16k -o compression=lz4 -o atime=off"
                        + " zroot/jails/pg_j/pgdata");
    }

    @Test
    void aDatasetInSyncPlansNothingAndDriftIsSetBack() throws IOException {
        Inventory inv = load(JAIL + SEED_DATASET);
        DesiredHost h = inv.hosts().get(0);
        assertThat(changes(inv, observed(h, Map.of(NAME, SYNCED)))).isEmpty();
        // Inherited values that equal the desired ones are in sync too: zfs get's values are compared, not sources.
        assertThat(changes(inv, observed(h, Map.of(NAME, SYNCED.replace("lz4\tlocal", "lz4\tinherited from zroot")))))
                .isEmpty();

        List<Change> drift = changes(inv, observed(h, Map.of(NAME, SYNCED.replace("16384", "131072").replace("lz4", "on"))));
        assertThat(drift).hasSize(1);
        assertThat(drift.get(0).reason()).isEqualTo("recordsize is 131072, not 16384; compression is on, not lz4");
        assertThat(commands(drift.get(0))).containsExactly("zfs set recordsize=16k zroot/jails/pg_j/pgdata",
                "zfs set compression=lz4 zroot/jails/pg_j/pgdata");
        assertThat(drift.get(0).before()).containsExactly(Map.entry("recordsize", "131072"), Map.entry("compression", "on"));
        assertThat(drift.get(0).after()).containsExactly(Map.entry("recordsize", "16384"), Map.entry("compression", "lz4"));
    }

    @Test
    void anUnmountedDatasetIsMountedAgainUnlessCanmountSaysOtherwise() throws IOException {
        Inventory inv = load(JAIL + SEED_DATASET);
        DesiredHost h = inv.hosts().get(0);
        String unmounted = SYNCED.replace("yes\t-", "no\t-");
        assertThat(changes(inv, observed(h, Map.of(NAME, unmounted)))).singleElement().satisfies(c -> assertThat(commands(c))
                .containsExactly("/bin/sh -c 'test ! -d \"$1\" || test -z \"$(ls -A \"$1\")\" || { echo \"$1 is not empty:"
                        + " mounting $2 there would hide its files\" >&2; exit 1; }' sh /jails/pg_j/var/db/postgres"
                        + " zroot/jails/pg_j/pgdata", "zfs mount zroot/jails/pg_j/pgdata"));
        assertThat(changes(inv, observed(h, Map.of(NAME, unmounted.replace("canmount\ton", "canmount\tnoauto"))))).isEmpty();
        // Moved and unmounted: zfs set mountpoint may mount it, so it is mounted only if still needed.
        String moved = unmounted.replace("/jails/pg_j/var/db/postgres", "/jails/pg_j/pgdata");
        assertThat(changes(inv, observed(h, Map.of(NAME, moved)))).singleElement().satisfies(c -> assertThat(commands(c))
                .containsExactly("/bin/sh -c 'test ! -d \"$1\" || test -z \"$(ls -A \"$1\")\" || { echo \"$1 is not empty:"
                        + " mounting $2 there would hide its files\" >&2; exit 1; }' sh /jails/pg_j/var/db/postgres"
                        + " zroot/jails/pg_j/pgdata",
                        "zfs set mountpoint=/jails/pg_j/var/db/postgres zroot/jails/pg_j/pgdata",
                        "/bin/sh -c 'test \"$(zfs get -H -o value mounted \"$1\")\" = yes || zfs mount \"$1\"' sh"
                        + " zroot/jails/pg_j/pgdata"));
    }

    @Test
    void aDatasetInAJailComesAfterItsRootAndBeforeTheJailAndWhatWritesUnderIt() throws IOException {
        Inventory inv = load(JAIL + SEED_DATASET);
        List<Resource> resources = Resources.of(inv.hosts().get(0));
        Resource dataset = resources.stream().filter(r -> r.address().kind().equals("zfs_dataset")).findFirst().orElseThrow();
        assertThat(dataset.dependsOn()).containsExactly(Address.of("jail_root", "pg_j"));
        assertThat(dataset.before()).containsExactlyInAnyOrder(Address.of("jail", "pg_j"),
                Address.of("run_once", "pg_j/initdb"), Address.of("file", "/jails/pg_j/var/db/postgres/data16/postgresql.conf"));
        List<String> order = Planner.ordered(resources).stream().map(r -> r.address().toString()).toList();
        assertThat(order.indexOf("zfs_dataset[zroot/jails/pg_j/pgdata]")).isGreaterThan(order.indexOf("jail_root[pg_j]"))
                .isLessThan(order.indexOf("jail[pg_j]")).isLessThan(order.indexOf("packages[pg_j]"));
        // Its resolv.conf is not under the mountpoint: no order between them.
        assertThat(dataset.before()).doesNotContain(Address.of("file", "/jails/pg_j/etc/resolv.conf"));
    }

    @Test
    void datasetsComeAfterTheirParentsAndTheDatasetsTheyMountIn() throws IOException {
        Inventory inv = load("""
                zfs_datasets:
                  zroot/srv/db/wal: {}
                  zroot/srv/db: {}
                  zroot/logs: {mountpoint: /srv/logs}
                  zroot/srv: {mountpoint: /srv}
                """);
        List<String> order = Planner.ordered(Resources.of(inv.hosts().get(0))).stream()
                .map(r -> r.address().toString()).filter(a -> a.startsWith("zfs_dataset")).toList();
        assertThat(order).containsExactly("zfs_dataset[zroot/srv]", "zfs_dataset[zroot/srv/db]",
                "zfs_dataset[zroot/srv/db/wal]", "zfs_dataset[zroot/logs]");
        // zroot/logs waits for zroot/srv, mounted where its mountpoint directory is.
        Resource logs = Resources.of(inv.hosts().get(0)).stream().filter(r -> r.address().name().equals("zroot/logs"))
                .findFirst().orElseThrow();
        assertThat(logs.dependsOn()).containsExactly(Address.of("zfs_dataset", "zroot/srv"));
    }

    @Test
    void aDatasetHoldingAJailsRootComesBeforeIt() throws IOException {
        Inventory inv = load(JAIL + """
                zfs_datasets:
                  zroot/jails: {mountpoint: /jails}
                """);
        Resource jails = Resources.of(inv.hosts().get(0)).stream().filter(r -> r.address().kind().equals("zfs_dataset"))
                .findFirst().orElseThrow();
        assertThat(jails.before()).contains(Address.of("jail_root", "pg_j"));
        assertThat(jails.dependsOn()).isEmpty();
    }
}
