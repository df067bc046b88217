package com.uirig.facts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Parses pfctl's outputs: {@code -s Running}, {@code -T show}, rule listings. */
public final class PfctlParser {
    private PfctlParser() {}

    /** {@code pfctl -s Running} prints Enabled or Disabled (sbin/pfctl/pfctl.c pfctl_show_running, print_running). */
    public static boolean running(String text) {
        String t = text.trim();
        if (t.equals("Enabled")) {
            return true;
        }
        if (t.equals("Disabled")) {
            return false;
        }
        throw new UnreadableOutput("'pfctl -s Running' printed '" + Shown.line(t) + "', expected Enabled or Disabled");
    }

    /** {@code pfctl -t T -T show}: one address per line, indented by three spaces. */
    public static Set<String> tableAddresses(String text) {
        Set<String> out = new TreeSet<>();
        for (String line : text.split("\n")) {
            String t = line.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Rule lines of {@code pfctl -sr} or of {@code pfctl -o none -nvf FILE}, without pfctl's noise. */
    public static List<String> rules(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.equals("No ALTQ support in kernel") || t.equals("ALTQ related functions disabled")) {
                continue;
            }
            out.add(t);
        }
        return out;
    }
}
