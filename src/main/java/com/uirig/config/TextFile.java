package com.uirig.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a playbook, inventory or template file as UTF-8 text, or says exactly why it cannot: not
 * found, a directory, larger than {@link #MAX_BYTES}, or the line and column of its first byte
 * that is no UTF-8.
 */
final class TextFile {
    /** The largest file uirig reads as input: far beyond any playbook, small enough to read whole. */
    static final int MAX_BYTES = 4 * 1024 * 1024;

    /** Why a file could not be read, and where in it when that is known. */
    static final class Unreadable extends Exception {
        final int line;
        final int column;

        Unreadable(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        Location at(String file) {
            return new Location(file, line, column);
        }
    }

    private TextFile() {}

    static String read(Path path) throws Unreadable {
        if (Files.isDirectory(path)) {
            throw new Unreadable("is a directory, not a file", 1, 1);
        }
        byte[] bytes;
        try {
            if (Files.exists(path) && Files.size(path) > MAX_BYTES) {
                throw new Unreadable("the file is larger than " + MAX_BYTES / (1024 * 1024) + " MiB", 1, 1);
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new Unreadable("file not found", 1, 1);
        } catch (IOException e) {
            throw new Unreadable("cannot read the file (" + e.getClass().getSimpleName().replace("Exception", "") + ")", 1, 1);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw new Unreadable(String.format("not UTF-8 text: byte 0x%02x", bytes[at] & 0xff), line, at - lineStart + 1);
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
