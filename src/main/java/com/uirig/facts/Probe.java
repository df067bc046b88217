package com.uirig.facts;

import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.plan.OwnedFile;
import com.uirig.plan.Step;
import com.uirig.render.HostFiles;
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

    private Probe(String nonce) {
        this.nonce = nonce;
    }

    /** The sections and commands that read the facts planning needs for {@code host}. */
    public static Probe of(DesiredHost host) {
        return of(host, false);
    }

    /** With {@code lockCheck}, the first section says whether another uirig run holds the host. */
    public static Probe of(DesiredHost host, boolean lockCheck) {
        Probe p = new Probe(HexFormat.of().formatHex(RANDOM.generateSeed(8)));
        if (lockCheck) {
            p.add(Sections.LOCK, com.uirig.apply.HostLock.CHECK);
        }
        p.add(Sections.IFCONFIG, "ifconfig -a");
        p.add(Sections.JLS, "jls -n --libxo json");
        p.add(Sections.SYSCTL, "sysctl " + String.join(" ", host.sysctl().keySet().stream().map(Step::quote).toList()));
        p.add(Sections.ROUTE, "route -n get default");
        p.add(Sections.PF_MODULE, "kldstat -q -m pf");
        p.add(Sections.PF_RUNNING, "pfctl -s Running");
        p.add(Sections.PF_RULES, com.uirig.plan.PfResource.SHOW_RULES);
        p.add(Sections.PF_LOADED, "cat " + com.uirig.plan.PfResource.RECORD);
        p.add(Sections.ROLLBACKS, com.uirig.apply.PendingRollback.LIST);
        host.pf().ifPresent(pf -> pf.tables().stream().filter(t -> !t.runtime())
                .forEach(t -> p.add(Sections.table(t.name()), "pfctl -t " + Step.quote(t.name()) + " -T show")));
        if (!host.packages().isEmpty()) {
            p.add(Sections.packages(""), "pkg query %n");
        }
        if (!host.packages().isEmpty() || host.jails().stream().anyMatch(j -> !j.packages().isEmpty())) {
            p.add(Sections.exists(com.uirig.plan.PkgBootstrapResource.PKG), "test -e " + com.uirig.plan.PkgBootstrapResource.PKG);
        }
        for (Jail j : host.jails()) {
            String jail = Step.quote(j.name());
            p.add(Sections.jailRoot(j.path()), "test -x " + Step.quote(j.hostPath("/bin/sh")));
            p.add(Sections.jailIfconfig(j.name()), "jexec " + jail + " ifconfig -a");
            if (!j.packages().isEmpty()) {
                // -r reads the jail's package database even while the jail is stopped.
                p.add(Sections.packages(j.name()), "pkg -r " + Step.quote(j.path()) + " query %n");
            }
            for (String s : j.services()) {
                p.add(Sections.service(j.name(), s), "jexec " + jail + " service " + Step.quote(s) + " onestatus");
            }
            // spiped's rc script runs one daemon per pipe: each pid file must name a live process.
            for (var pipe : j.pipes()) {
                p.add(Sections.pipe(j.name(), pipe.name()),
                        "pgrep -F " + Step.quote(j.hostPath(pipe.pidFile())));
            }
        }
        for (var r : host.runOnce()) {
            p.add(Sections.exists(r.creates()), "test -e " + Step.quote(r.creates()));
        }
        for (Jail j : host.jails()) {
            for (var r : j.runOnce()) {
                p.add(Sections.exists(j.hostPath(r.creates())), "test -e " + Step.quote(j.hostPath(r.creates())));
            }
        }
        for (OwnedFile f : HostFiles.of(host)) {
            String path = Step.quote(f.path());
            if (f.path().endsWith("/etc/rc.conf")) {
                p.add(Sections.file(f.path()), "cat " + path);
            } else if (f.isSecret()) {
                p.add(Sections.secret(f.path()), "stat -f '%Lp %Su:%Sg' " + path + " && sha256 -q " + path);
            } else {
                p.add(Sections.file(f.path()), "stat -f '%Lp %Su:%Sg' " + path + " && cat " + path);
            }
        }
        return p;
    }

    /** A probe running the given commands, one section each (for tests and tools). */
    public static Probe ofCommands(Map<String, String> commands) {
        Probe p = new Probe(HexFormat.of().formatHex(RANDOM.generateSeed(8)));
        commands.forEach(p::add);
        return p;
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
        commands.forEach((name, command) -> s.append("section ").append(Step.quote(name)).append(' ')
                .append(Step.quote(command)).append('\n'));
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
            s.append("run ").append(i++).append(' ').append(Step.quote(command)).append('\n');
        }
        s.append("wait\n");
        i = 0;
        for (String name : commands.keySet()) {
            s.append("show ").append(i++).append(' ').append(Step.quote(name)).append('\n');
        }
        s.append("rm -rf \"$d\"\n");
        return s.toString();
    }

    /** Cuts a probe's output into its sections; output outside markers is ignored. */
    public Map<String, Section> split(String output) {
        Pattern begin = Pattern.compile("^@@uirig-" + nonce + " begin (\\S+)@@$", Pattern.MULTILINE);
        Map<String, Section> out = new LinkedHashMap<>();
        Matcher m = begin.matcher(output);
        int from = 0;
        while (m.find(from)) {
            String name = m.group(1);
            String endMarker = "\n@@uirig-" + nonce + " end " + name + " ";
            int start = m.end() + 1;
            int end = output.indexOf(endMarker, start - 1);
            if (end < 0) {
                break;
            }
            int close = output.indexOf("@@", end + endMarker.length());
            int exit = Integer.parseInt(output.substring(end + endMarker.length(), close).trim());
            String text = start > end ? "" : output.substring(start, end);
            out.put(name, new Section(name, exit, text));
            from = close;
        }
        return out;
    }

    public List<String> sectionNames() {
        return List.copyOf(commands.keySet());
    }
}
