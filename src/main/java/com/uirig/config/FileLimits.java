package com.uirig.config;

import com.uirig.model.DesiredHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sizes of what uirig sends to a host, checked while reading so that an input that is too
 * large is a located problem before anything runs. File contents travel in the plan (its diff
 * shows them), so they are bounded like input files; a base archive is only streamed.
 */
public final class FileLimits {
    /** A file uirig writes (files:, templates, pf.conf), after templates are filled in: as an input file. */
    static final int MAX_CONTENT_BYTES = TextFile.MAX_BYTES;
    /** A base archive: FreeBSD's base.txz is under 200 MB; ten times that leaves room for custom ones. */
    static final long MAX_ARCHIVE_BYTES = 2L * 1024 * 1024 * 1024;

    private FileLimits() {}

    /** {@code content}, or null after recording at {@code at} that it is larger than a file uirig writes. */
    public static String content(YamlValue at, String content) {
        long bytes = utf8Length(content);
        if (bytes > MAX_CONTENT_BYTES) {
            at.error("the file's content is " + bytes + " bytes, over uirig's limit of " + MAX_CONTENT_BYTES / (1024 * 1024)
                    + " MiB for a file it writes");
            return null;
        }
        return content;
    }

    /**
     * The archive {@code written} names ({@code ~/} is the orchestrator user's home, a relative path
     * is taken from the working directory, as at apply time), or null after recording at {@code at}
     * why it cannot be sent: missing, not a regular file, unreadable, or over the limit.
     */
    public static DesiredHost.BaseArchive baseArchive(YamlValue at, String written) {
        String text = written.strip();
        Path file = (text.startsWith("~/") ? Path.of(System.getProperty("user.home"), text.substring(2)) : Path.of(text))
                .toAbsolutePath().normalize();
        String problem = null;
        long size = -1;
        if (!Files.exists(file)) {
            problem = "not found";
        } else if (!Files.isRegularFile(file)) {
            problem = "not a regular file";
        } else if (!Files.isReadable(file)) {
            problem = "not readable";
        } else {
            try {
                size = Files.size(file);
                if (size > MAX_ARCHIVE_BYTES) {
                    problem = size + " bytes, over uirig's limit of " + MAX_ARCHIVE_BYTES / (1024 * 1024 * 1024) + " GiB";
                }
            } catch (IOException e) {
                problem = "its size cannot be read";
            }
        }
        if (problem != null) {
            at.error("base archive " + file + ": " + problem);
            return null;
        }
        return new DesiredHost.BaseArchive(text, file.toString(), size);
    }

    /** The bytes {@code s} takes in UTF-8, without encoding it. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
