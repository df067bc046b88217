package com.uirig.facts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an rc.conf file as sh reads its assignments, without running anything: quotes are
 * removed, backquoted commands and {@code $} stay literal, a later assignment wins.
 */
public final class RcConfParser {
    private RcConfParser() {}

    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n' || c == ' ' || c == '\t' || c == ';') {
                i++;
                continue;
            }
            if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            int start = i;
            while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                i++;
            }
            if (i == start || i >= n || text.charAt(i) != '=') {
                // Not an assignment (a command or a syntax rc.conf does not use): skip the line.
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            String name = text.substring(start, i);
            i++;
            StringBuilder value = new StringBuilder();
            while (i < n) {
                char v = text.charAt(i);
                if (v == ' ' || v == '\t' || v == '\n' || v == ';') {
                    break;
                }
                if (v == '"' || v == '\'') {
                    int close = text.indexOf(v, i + 1);
                    if (close < 0) {
                        close = n;
                    }
                    value.append(text, i + 1, close);
                    i = Math.min(n, close + 1);
                } else if (v == '`') {
                    int close = text.indexOf('`', i + 1);
                    if (close < 0) {
                        close = n - 1;
                    }
                    value.append(text, i, close + 1);
                    i = close + 1;
                } else if (v == '\\' && i + 1 < n) {
                    value.append(text.charAt(i + 1));
                    i += 2;
                } else {
                    value.append(v);
                    i++;
                }
            }
            out.put(name, value.toString());
        }
        return out;
    }
}
