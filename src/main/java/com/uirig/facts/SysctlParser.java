package com.uirig.facts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code sysctl NAME...}: one {@code NAME: VALUE} line per name. */
public final class SysctlParser {
    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_.%-]+): (.*)$");

    private SysctlParser() {}

    /**
     * sysctl prints each name, ": " and the value (sbin/sysctl/sysctl.c show_var: sep is ": "
     * without -e), so any other non-blank line is no answer of sysctl's.
     */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new UnreadableOutput("sysctl printed '" + Shown.line(line) + "', not NAME: VALUE");
            }
            out.put(m.group(1), m.group(2).trim());
        }
        return out;
    }
}
