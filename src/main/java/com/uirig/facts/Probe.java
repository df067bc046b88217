package com.uirig.facts;

import com.uirig.model.Shell;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one shell script that reads every fact of a host in a single round trip. Each fact's
 * output is printed between marker lines carrying a random nonce, so no file content can fake
 * a section; {@link #split} cuts the output back into sections with their exit codes.
 */
public final class Probe {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One fact's raw output and the exit code of the command that printed it. */
    public record Section(String name, int exit, String output) {}

    private final String nonce;
    private final Map<String, String> commands = new LinkedHashMap<>();
    private final List<Fact<?>> facts = new java.util.ArrayList<>();

    private Probe(String nonce) {
        this.nonce = nonce;
    }

    /** A probe running the given commands, one section each, in their order (plan's ProbeSections builds a host's). */
    public static Probe ofCommands(Map<String, String> commands) {
        Probe p = new Probe(HexFormat.of().formatHex(RANDOM.generateSeed(8)));
        commands.forEach(p::add);
        return p;
    }

    /**
     * The {@code first} commands, then the sections of {@code facts}, which {@link FactsReader}
     * parses with their parsers, then the {@code rest}.
     */
    public static Probe ofCommands(Map<String, String> first, List<Fact<?>> facts, Map<String, String> rest) {
        Probe p = ofCommands(first);
        for (Fact<?> f : facts) {
            if (p.commands.putIfAbsent(f.section(), f.command()) == null) {
                p.facts.add(f);
            }
        }
        rest.forEach(p::add);
        return p;
    }

    /** The facts of resource kinds among the sections (see {@link Fact}). */
    public List<Fact<?>> facts() {
        return List.copyOf(facts);
    }

    private void add(String section, String command) {
        commands.putIfAbsent(section, command);
    }

    public Map<String, String> commands() {
        return commands;
    }

    /** The script: a shell function prints each section between markers, stderr discarded. */
    public String script() {
        StringBuilder s = new StringBuilder();
        s.append("PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin; export PATH\n");
        s.append("m='@@uirig-").append(nonce).append("'\n");
        s.append("section() { n=$1; shift; printf '%s begin %s@@\\n' \"$m\" \"$n\"; "
                + "( eval \"$1\" ) 2>/dev/null </dev/null; r=$?; printf '\\n%s end %s %d@@\\n' \"$m\" \"$n\" \"$r\"; }\n");
        commands.forEach((name, command) -> s.append("section ").append(Shell.quote(name)).append(' ')
                .append(Shell.quote(command)).append('\n'));
        return s.toString();
    }

    /**
     * The same sections run all at once (each in the background, its output kept in a temporary
     * directory), printed in order once all ended: for tests that mostly wait, such as connects to
     * ports a firewall drops, the script takes as long as the slowest instead of their sum.
     */
    public String parallelScript() {
        StringBuilder s = new StringBuilder();
        s.append("PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin; export PATH\n");
        s.append("m='@@uirig-").append(nonce).append("'\n");
        s.append("d=$(mktemp -d /tmp/uirig.XXXXXX) || exit 1\n");
        s.append("run() { ( ( eval \"$2\" ) 2>/dev/null </dev/null > \"$d/$1\"; echo $? > \"$d/$1.rc\" ) & }\n");
        s.append("show() { printf '%s begin %s@@\\n' \"$m\" \"$2\"; cat \"$d/$1\"; "
                + "printf '\\n%s end %s %d@@\\n' \"$m\" \"$2\" \"$(cat \"$d/$1.rc\")\"; }\n");
        int i = 0;
        for (String command : commands.values()) {
            s.append("run ").append(i++).append(' ').append(Shell.quote(command)).append('\n');
        }
        s.append("wait\n");
        i = 0;
        for (String name : commands.keySet()) {
            s.append("show ").append(i++).append(' ').append(Shell.quote(name)).append('\n');
        }
        s.append("rm -rf \"$d\"\n");
        return s.toString();
    }

    /**
     * Cuts a probe's output into its sections; output outside markers is ignored. Output with no
     * marker at all gives no sections (the script did not run). Anything else the script cannot
     * have printed throws {@link UnreadableOutput}: a section cut short, one twice, an end marker
     * without a number, a section this probe does not have. Sections that never began are for
     * {@link #requireAll} to judge.
     */
    public Map<String, Section> split(String output) {
        Pattern marker = Pattern.compile("^@@uirig-" + nonce + " (.*)$", Pattern.MULTILINE);
        Map<String, Section> out = new LinkedHashMap<>();
        Matcher m = marker.matcher(output);
        String open = null;
        int contentStart = 0;
        while (m.find()) {
            String line = m.group(1);
            boolean last = m.end() >= output.length() - 1;
            if (open == null) {
                open = begun(line, out, last);
                contentStart = m.end() + 1;
                continue;
            }
            int exit = ended(open, line, last);
            // The end marker is printed after a newline of its own: it is not the command's output.
            String text = contentStart > m.start() - 1 ? "" : output.substring(contentStart, m.start() - 1);
            out.put(open, new Section(open, exit, text));
            open = null;
        }
        if (open != null) {
            throw truncated("section '" + open + "' has no end");
        }
        return out;
    }

    /** The section a begin marker opens. */
    private String begun(String line, Map<String, Section> done, boolean last) {
        if (!line.startsWith("begin ") || !line.endsWith("@@")) {
            if (last) {
                throw truncated("it ends in a marker line that is cut short");
            }
            throw unreadable("a marker line '" + Shown.line(line) + "' where a section should begin");
        }
        String name = line.substring("begin ".length(), line.length() - 2);
        if (!commands.containsKey(name)) {
            throw unreadable("section '" + name + "', which the probe does not have");
        }
        if (done.containsKey(name)) {
            throw unreadable("duplicated section '" + name + "'");
        }
        return name;
    }

    /** The exit code on the end marker of section {@code open}. */
    private static int ended(String open, String line, boolean last) {
        String prefix = "end " + open + " ";
        if (line.startsWith("begin ")) {
            throw truncated("section '" + open + "' has no end before the next one begins");
        }
        if (!line.startsWith(prefix) || !line.endsWith("@@")) {
            if (last) {
                throw truncated("the end marker of section '" + open + "' is cut short");
            }
            throw unreadable("section '" + open + "' ends in a marker line '" + Shown.line(line) + "' that is not its end");
        }
        String code = line.substring(prefix.length(), line.length() - 2);
        return exitCode(code).orElseThrow(() -> unreadable("section '" + open + "' ends with exit code '" + Shown.line(code)
                + "', not a number from 0 to 255"));
    }

    /**
     * Throws when some of this probe's sections never began (the script prints every one): after
     * the last one printed, the output was cut; before it, the output cannot be the script's.
     * No sections at all is left to the caller (the script did not run: say why).
     */
    public void requireAll(Map<String, Section> out) {
        if (out.isEmpty()) {
            return;
        }
        List<String> names = List.copyOf(commands.keySet());
        List<String> absent = names.stream().filter(n -> !out.containsKey(n)).toList();
        if (absent.isEmpty()) {
            return;
        }
        int lastPrinted = names.stream().filter(out::containsKey).mapToInt(names::indexOf).max().orElse(-1);
        if (names.indexOf(absent.get(0)) > lastPrinted) {
            throw truncated("it ends after section '" + names.get(lastPrinted) + "'; " + absent.size()
                    + " more never began ('" + absent.get(0) + "' first)");
        }
        throw unreadable("section '" + absent.get(0) + "' is missing" + (absent.size() > 1 ? " (and " + (absent.size() - 1)
                + " more)" : ""));
    }

    /**
     * An exit status as sh prints {@code $?}: a decimal from 0 to 255 (bin/sh/jobs.c and
     * main.c keep only the low 8 bits of a status), or empty when {@code text} is none.
     */
    public static java.util.OptionalInt exitCode(String text) {
        if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) > 255) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(Integer.parseInt(text));
    }

    private static UnreadableOutput truncated(String why) {
        return new UnreadableOutput("the probe's output is truncated: " + why + " (the connection may have been cut)");
    }

    private static UnreadableOutput unreadable(String why) {
        return new UnreadableOutput("the probe's output cannot be right: " + why);
    }

    public List<String> sectionNames() {
        return List.copyOf(commands.keySet());
    }
}
