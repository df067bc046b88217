package com.uirig.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.Golden;
import com.uirig.config.InventoryLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code uirig render} for each prod server equals the golden tree under
 * src/test/resources/golden/HOST byte for byte. After a deliberate change, regenerate with
 * {@code mvn test -Dtest=GoldenFilesTest -Duirig.updateGolden=true} and review the diff.
 */
class GoldenFilesTest {
    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void renderedFilesEqualTheGoldenFiles(String host) throws IOException {
        HostFiles.write(InventoryLoader.load(Path.of("inventory/prod")).host(host).orElseThrow(), out);
        Golden.assertTreeMatches(host, out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void secretsAreOnlyPlaceholders(String host) throws IOException {
        HostFiles.write(InventoryLoader.load(Path.of("inventory/prod")).host(host).orElseThrow(), out);
        assertThat(Golden.files(out)).contains("jails/pg_j/etc/spiped.key" + HostFiles.PLACEHOLDER_SUFFIX,
                "jails/node_j/etc/spiped.key" + HostFiles.PLACEHOLDER_SUFFIX).noneMatch(f -> f.endsWith(".key"));
        assertThat(Files.readString(out.resolve("jails/pg_j/etc/spiped.key.placeholder")))
                .startsWith("# SECRET, not rendered");
    }
}
