package com.uirig.kinds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the validator needs to know about a pf.conf: its macros, tables and rules, with line
 * numbers. Comments are dropped and backslash-continued lines joined, as pfctl reads them.
 */
record PfConfText(List<Statement> statements) {
    private static final Pattern MACRO_DEF = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*=");
    private static final Pattern TABLE_DEF = Pattern.compile("^table\\s+<([^>]+)>(.*)$");
    private static final Pattern TABLE_FILE = Pattern.compile("\\bfile\\s+\"([^\"]+)\"");
    private static final Pattern MACRO_USE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern TABLE_USE = Pattern.compile("<([^<>\\s]+)>");
    private static final Pattern ON_IF = Pattern.compile("\\bon\\s+([A-Za-z][A-Za-z0-9_.]*)");

    /** One logical statement starting at {@code line}; {@code columns} maps text offsets to columns on that line. */
    record Statement(int line, String text) {}

    record TableDef(String name, Optional<String> file, int line) {}

    static PfConfText parse(String conf) {
        List<Statement> out = new ArrayList<>();
        String[] lines = conf.split("\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            boolean continues = line.stripTrailing().endsWith("\\");
            if (continues) {
                line = line.stripTrailing();
                line = line.substring(0, line.length() - 1);
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            current.append(line).append(' ');
            if (!continues) {
                String text = current.toString().strip();
                if (!text.isEmpty()) {
                    out.add(new Statement(start, text));
                }
                current = null;
            }
        }
        return new PfConfText(out);
    }

    Map<String, Integer> macroDefinitions() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Statement s : statements) {
            Matcher m = MACRO_DEF.matcher(s.text());
            if (m.find()) {
                out.putIfAbsent(m.group(1), s.line());
            }
        }
        return out;
    }

    Map<String, TableDef> tableDefinitions() {
        Map<String, TableDef> out = new LinkedHashMap<>();
        for (Statement s : statements) {
            Matcher m = TABLE_DEF.matcher(s.text());
            if (m.find()) {
                Matcher f = TABLE_FILE.matcher(m.group(2));
                out.putIfAbsent(m.group(1), new TableDef(m.group(1), f.find() ? Optional.of(f.group(1)) : Optional.empty(), s.line()));
            }
        }
        return out;
    }

    /** Every {@code $macro} use: name and line. */
    List<Use> macroUses() {
        List<Use> out = new ArrayList<>();
        for (Statement s : statements) {
            Matcher m = MACRO_USE.matcher(s.text());
            while (m.find()) {
                out.add(new Use(m.group(1), s.line()));
            }
        }
        return out;
    }

    /** Every {@code <table>} use outside table definitions. */
    List<Use> tableUses() {
        List<Use> out = new ArrayList<>();
        for (Statement s : statements) {
            if (TABLE_DEF.matcher(s.text()).find()) {
                continue;
            }
            Matcher m = TABLE_USE.matcher(s.text());
            while (m.find()) {
                out.add(new Use(m.group(1), s.line()));
            }
        }
        return out;
    }

    /** Interfaces that a {@code block} rule naming {@code <table>} applies to. */
    List<String> interfacesBlocking(String table) {
        List<String> out = new ArrayList<>();
        for (Statement s : statements) {
            if (s.text().startsWith("block") && s.text().contains("<" + table + ">")) {
                Matcher m = ON_IF.matcher(s.text());
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    record Use(String name, int line) {}
}
