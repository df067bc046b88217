package com.uirig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/** Tests as data: one dynamic test per fixture directory under a root, the harness's check run on each. */
public final class Fixtures {
    private Fixtures() {}

    /**
     * One test per directory under {@code root}, in name order, each holding only {@code files}
     * (a misspelled file would otherwise be ignored), checked by {@code check}.
     */
    public static Stream<DynamicTest> each(Path root, Set<String> files, ThrowingConsumer<Path> check) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(dirs).as("fixtures under %s", root).isNotEmpty();
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> {
            try (Stream<Path> s = Files.list(d)) {
                assertThat(s.map(p -> p.getFileName().toString()).toList()).as("files of %s", d).isSubsetOf(files);
            }
            check.accept(d);
        }));
    }
}
