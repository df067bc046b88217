package com.uirig.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A copy of the repository's inventories and playbooks in a temporary directory, to break
 * on purpose: each edit must match exactly once, so a test fails loudly when the playbooks change.
 */
public final class InventoryCopy {
    private final Path root;

    public InventoryCopy(Path root) {
        this.root = root;
        copy(Path.of("inventory"), root.resolve("inventory"));
        copy(Path.of("playbooks"), root.resolve("playbooks"));
    }

    /** Copies a directory tree (also used by the integration tests). */
    public static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path(String relative) {
        return root.resolve(relative);
    }

    /** Replaces the only occurrence of {@code from} in a file. */
    public InventoryCopy edit(String file, String from, String to) {
        try {
            Path p = path(file);
            String text = Files.readString(p, StandardCharsets.UTF_8);
            int first = text.indexOf(from);
            assertThat(first).as("'%s' in %s", from, file).isGreaterThanOrEqualTo(0);
            assertThat(text.indexOf(from, first + 1)).as("'%s' occurs once in %s", from, file).isLessThan(0);
            Files.writeString(p, text.substring(0, first) + to + text.substring(first + from.length()), StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code FILE:LINE:COLUMN} of the first occurrence of {@code marker} in a file, as problems print it. */
    public String at(String file, String marker) {
        try {
            Path p = path(file);
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                int col = lines.get(i).indexOf(marker);
                if (col >= 0) {
                    return YamlFile.displayName(p) + ":" + (i + 1) + ":" + (col + 1);
                }
            }
            throw new AssertionError("'" + marker + "' not found in " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Points the lab inventory's base archive (~/freebsd/..., which uirig checks when it reads the
     * inventory) at a small file it writes here, and returns that file.
     */
    public Path labBaseArchive() {
        Path archive = root.resolve("base.txz");
        try {
            Files.write(archive, new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        edit("inventory/lab/hosts.yml", "base_archive: ~/freebsd/14.1-RELEASE/base.txz", "base_archive: " + archive);
        return archive;
    }

    public Inventory load(String inventory) {
        return InventoryLoader.load(path("inventory/" + inventory));
    }

    /** Loads an inventory that must be invalid; returns its problem lines. */
    public List<String> problems(String inventory) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> load(inventory));
        assertThat(e).as("loading %s fails", inventory).isNotNull();
        return e.problems();
    }
}
