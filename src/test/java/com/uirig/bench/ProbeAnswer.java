package com.uirig.bench;

import com.uirig.facts.Probe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the probe script prints on a host whose commands print the saved sections: the script is
 * read, not run. From its {@code m='@@uirig-NONCE'} line and its {@code section NAME COMMAND}
 * lines (see {@link Probe#script}) it prints, for each section in order, exactly what the shell
 * function {@code section} prints: the begin marker, the saved output, a newline and the end
 * marker with the saved exit code. A section with no saved output is left out and named in
 * {@link #missing}, so a check against it fails loudly instead of reading made-up facts.
 */
final class ProbeAnswer {
    final String stdout;
    final List<String> missing;

    private ProbeAnswer(String stdout, List<String> missing) {
        this.stdout = stdout;
        this.missing = missing;
    }

    static ProbeAnswer of(String script, Map<String, Probe.Section> saved) {
        String marker = null;
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (line.startsWith("m=")) {
                marker = words(line.substring(2)).get(0);
            } else if (line.startsWith("section ") && marker != null) {
                List<String> w = words(line.substring("section ".length()));
                Probe.Section s = saved.get(w.get(0));
                if (s == null) {
                    missing.add(w.get(0));
                    continue;
                }
                // printf '%s begin %s@@\n' "$m" "$n"; COMMAND; printf '\n%s end %s %d@@\n' "$m" "$n" "$r"
                out.append(marker).append(" begin ").append(s.name()).append("@@\n").append(s.output())
                        .append('\n').append(marker).append(" end ").append(s.name()).append(' ').append(s.exit()).append("@@\n");
            }
        }
        if (marker == null) {
            missing.add("(no marker line: this is not uirig's probe)");
        }
        return new ProbeAnswer(out.toString(), List.copyOf(missing));
    }

    byte[] bytes() {
        return stdout.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The shell words of {@code text} as {@code Shell.quote} writes them: plain characters,
     * {@code '...'} taken literally and {@code \x} for one character (the {@code '\''} of a quote
     * inside a quoted word). Words end at blanks outside quotes.
     */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int close = text.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated quote in: " + text);
                }
                word.append(text, i + 1, close);
                i = close;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }
}
