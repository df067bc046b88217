package com.uirig.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.config.InventoryLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code uirig render} for each prod server equals the golden tree under
 * src/test/resources/golden/HOST byte for byte. After a deliberate change, regenerate with
 * {@code mvn test -Dtest=GoldenFilesTest -Duirig.updateGolden=true} and review the diff.
 */
class GoldenFilesTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void renderedFilesEqualTheGoldenFiles(String host) throws IOException {
        HostFiles.write(InventoryLoader.load(Path.of("inventory/prod")).host(host).orElseThrow(), out);
        Path golden = GOLDEN.resolve(host);
        if (Boolean.getBoolean("uirig.updateGolden")) {
            deleteTree(golden);
            copyTree(out, golden);
        }
        assertThat(files(out)).isEqualTo(files(golden));
        for (String f : files(golden)) {
            assertThat(Files.readString(out.resolve(f), StandardCharsets.UTF_8)).as(f)
                    .isEqualTo(Files.readString(golden.resolve(f), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void secretsAreOnlyPlaceholders(String host) throws IOException {
        HostFiles.write(InventoryLoader.load(Path.of("inventory/prod")).host(host).orElseThrow(), out);
        assertThat(files(out)).contains("jails/pg_j/etc/spiped.key" + HostFiles.PLACEHOLDER_SUFFIX,
                "jails/node_j/etc/spiped.key" + HostFiles.PLACEHOLDER_SUFFIX).noneMatch(f -> f.endsWith(".key"));
        assertThat(Files.readString(out.resolve("jails/pg_j/etc/spiped.key.placeholder")))
                .startsWith("# SECRET, not rendered");
    }

    private static List<String> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        for (String f : files(from)) {
            Files.createDirectories(to.resolve(f).getParent());
            Files.copy(from.resolve(f), to.resolve(f));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
