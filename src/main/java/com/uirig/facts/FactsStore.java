package com.uirig.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * The sections saved in {@code dir}. A directory that {@link #save} cannot have written (no
     * exit-codes file, a line that is not {@code SECTION CODE}, a section with a code but no
     * file or a file but no code) is an error naming the file and line, never read as facts.
     */
    public static Map<String, Probe.Section> load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory of saved facts");
        }
        try {
            return read(dir);
        } catch (java.nio.file.FileSystemException e) {
            // The JDK's message is the bare path: say what went wrong with it.
            throw new IOException("cannot read the saved facts: " + e.getFile() + ": "
                    + (e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getReason() == null ? "cannot be read" : e.getReason()));
        }
    }

    private static Map<String, Probe.Section> read(Path dir) throws IOException {
        Map<String, Integer> codes = codes(dir.resolve(EXIT_CODES));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = new ArrayList<>(walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".txt")).sorted().toList());
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        Map<String, Probe.Section> out = new LinkedHashMap<>();
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            String name = rel.substring(0, rel.length() - ".txt".length());
            Integer code = codes.get(name);
            if (code == null) {
                throw new IOException(f + " has no exit code in " + dir.resolve(EXIT_CODES));
            }
            // Decoded as a live probe's output is: bytes that are no UTF-8 become U+FFFD.
            out.put(name, new Probe.Section(name, code, new String(Files.readAllBytes(f), StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** The exit-codes file: one {@code SECTION CODE} line per saved section, each with its .txt file. */
    private static Map<String, Integer> codes(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing: the saved sections' exit codes are unknown"
                    + " (it is written by 'uirig facts --save')");
        }
        Map<String, Integer> codes = new LinkedHashMap<>();
        List<String> lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String at = file + ":" + (i + 1) + ": ";
            if (line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                throw new IOException(at + "'" + Shown.line(line) + "' is not 'SECTION CODE'");
            }
            String name = line.substring(0, space);
            String code = line.substring(space + 1);
            // A name is a path inside the directory, as save writes it: never outside it.
            if (name.startsWith("/") || List.of(name.split("/", -1)).stream().anyMatch(x -> x.isEmpty() || x.equals(".") || x.equals(".."))) {
                throw new IOException(at + "'" + Shown.line(name) + "' is no section name (a relative path inside "
                        + file.getParent() + ")");
            }
            int exit = Probe.exitCode(code).orElseThrow(() -> new IOException(at + "the exit code '" + Shown.line(code)
                    + "' of section '" + name + "' is not a number from 0 to 255"));
            if (codes.putIfAbsent(name, exit) != null) {
                throw new IOException(at + "section '" + name + "' is listed twice");
            }
            if (!Files.isRegularFile(file.resolveSibling(name + ".txt"))) {
                throw new IOException(at + "section '" + name + "' has no file " + file.resolveSibling(name + ".txt"));
            }
        }
        return codes;
    }
}
