package com.uirig.render;

import com.uirig.model.DesiredHost;
import com.uirig.plan.OwnedFile;
import com.uirig.plan.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files uirig owns on a host, written under a directory at their host paths or printed.
 * A secret is never rendered: its place holds a {@code .placeholder} file saying what goes there.
 */
public final class HostFiles {
    public static final String PLACEHOLDER_SUFFIX = ".placeholder";

    private HostFiles() {}

    public static List<OwnedFile> of(DesiredHost host) {
        return Resources.files(host);
    }

    /** Writes every file under {@code dir}; returns the paths written, relative to {@code dir}. */
    public static List<String> write(DesiredHost host, Path dir) throws IOException {
        List<String> written = new ArrayList<>();
        for (OwnedFile f : of(host)) {
            String relative = f.path().substring(1) + (f.isSecret() ? PLACEHOLDER_SUFFIX : "");
            Path target = dir.resolve(relative);
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.content().orElse(placeholder(f)), StandardCharsets.UTF_8);
            written.add(relative);
        }
        return written;
    }

    /** All files as one text, each under a header line with its path, mode and owner. */
    public static String print(DesiredHost host) {
        StringBuilder out = new StringBuilder();
        for (OwnedFile f : of(host)) {
            out.append("==> ").append(f.path()).append(" (").append(f.mode()).append(' ').append(f.owner()).append(") <==\n");
            out.append(f.content().orElse(placeholder(f)));
            out.append('\n');
        }
        return out.toString();
    }

    private static String placeholder(OwnedFile f) {
        return "# SECRET, not rendered: " + f.description() + ".\n# On the host: " + f.path() + " mode " + f.mode()
                + " owner " + f.owner() + ".\n";
    }
}
