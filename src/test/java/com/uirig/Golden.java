package com.uirig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Golden files under src/test/resources/golden: output must equal them byte for byte. After a
 * deliberate change, regenerate with {@code mvn test -Dtest=TEST -Duirig.updateGolden=true}
 * and review the diff before committing it.
 */
public final class Golden {
    private static final Path ROOT = Path.of("src/test/resources/golden");

    private Golden() {}

    public static boolean updating() {
        return Boolean.getBoolean("uirig.updateGolden");
    }

    /** {@code actual} equals the golden file {@code name} (a path under golden/), or replaces it when updating. */
    public static void assertMatches(String name, String actual) {
        assertMatches(ROOT.resolve(name), actual);
    }

    /** {@code actual} equals the file {@code golden} (any path, like a fixture's expected result), or replaces it when updating. */
    public static void assertMatches(Path golden, String actual) {
        try {
            if (updating()) {
                Files.createDirectories(golden.getParent());
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertThat(golden).as("golden file %s (regenerate with -Duirig.updateGolden=true)", golden).isRegularFile();
            assertThat(actual).as(golden.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree {@code actual} has the files of the golden directory {@code name}, each equal; or replaces it when updating. */
    public static void assertTreeMatches(String name, Path actual) {
        Path golden = ROOT.resolve(name);
        try {
            if (updating()) {
                deleteTree(golden);
                for (String f : files(actual)) {
                    Files.createDirectories(golden.resolve(f).getParent());
                    Files.copy(actual.resolve(f), golden.resolve(f));
                }
            }
            assertThat(files(actual)).isEqualTo(files(golden));
            for (String f : files(golden)) {
                assertThat(Files.readString(actual.resolve(f), StandardCharsets.UTF_8)).as(f)
                        .isEqualTo(Files.readString(golden.resolve(f), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The regular files under {@code root}, as sorted relative paths (none when it does not exist). */
    public static List<String> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
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
