package com.uirig.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Raw probe outputs on disk: {@code DIR/<section>.txt} holds exactly what the command printed
 * ({@code ifconfig.txt} is {@code ifconfig -a}'s output), {@code DIR/exit-codes} the exit codes.
 * A directory may hold only some sections.
 */
public final class FactsStore {
    static final String EXIT_CODES = "exit-codes";

    private FactsStore() {}

    public static void save(Map<String, Probe.Section> sections, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder codes = new StringBuilder();
        for (Probe.Section s : sections.values()) {
            Path file = dir.resolve(s.name() + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.output(), StandardCharsets.UTF_8);
            codes.append(s.name()).append(' ').append(s.exit()).append('\n');
        }
        Files.writeString(dir.resolve(EXIT_CODES), codes.toString(), StandardCharsets.UTF_8);
    }

    public static Map<String, Probe.Section> load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory of saved facts");
        }
        Map<String, Integer> codes = new HashMap<>();
        Path codesFile = dir.resolve(EXIT_CODES);
        if (Files.exists(codesFile)) {
            for (String line : Files.readAllLines(codesFile, StandardCharsets.UTF_8)) {
                int space = line.lastIndexOf(' ');
                if (space > 0) {
                    codes.put(line.substring(0, space), Integer.parseInt(line.substring(space + 1).trim()));
                }
            }
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = new ArrayList<>(walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".txt")).sorted().toList());
        }
        Map<String, Probe.Section> out = new LinkedHashMap<>();
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            String name = rel.substring(0, rel.length() - ".txt".length());
            out.put(name, new Probe.Section(name, codes.getOrDefault(name, 0), Files.readString(f, StandardCharsets.UTF_8)));
        }
        return out;
    }
}
