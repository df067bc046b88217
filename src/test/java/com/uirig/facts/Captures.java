package com.uirig.facts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real FreeBSD outputs from src/test/resources/captures, without their provenance header. */
final class Captures {
    private static final String MARKER = "# ---- BEGIN CAPTURE";

    private Captures() {}

    static String raw(String file) {
        try {
            String text = Files.readString(Path.of("src/test/resources/captures", file), StandardCharsets.UTF_8);
            int m = text.indexOf(MARKER);
            return text.substring(text.indexOf('\n', m) + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The output printed after a prompt line ending with {@code command}, up to the next prompt. */
    static String after(String raw, String command, String nextPromptStart) {
        int at = raw.indexOf(command + "\n");
        if (at < 0) {
            throw new AssertionError("no '" + command + "' in capture");
        }
        String rest = raw.substring(at + command.length() + 1);
        int end = rest.indexOf(nextPromptStart);
        return end < 0 ? rest : rest.substring(0, end);
    }
}
