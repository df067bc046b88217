package com.uirig.facts;

import com.uirig.facts.ObservedHost.FileState;
import com.uirig.facts.ObservedHost.Iface;
import com.uirig.plan.Step;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a host's probe sections into its observed state, from whatever sections are there (a
 * live probe or a saved directory). An expected section that is absent is unknown, never
 * taken as empty; a section whose command failed is a fact (no such file, service not running).
 */
public final class FactsReader {
    /** Sections every host has, even without an inventory to say what else to expect. */
    public static final List<String> BASE = List.of(Sections.IFCONFIG, Sections.JLS, Sections.PF_RUNNING, Sections.PF_RULES);

    private FactsReader() {}

    public static HostFacts read(String host, Map<String, Probe.Section> sections, Collection<String> expected) {
        Set<String> unknown = new LinkedHashSet<>(expected);
        unknown.removeAll(sections.keySet());
        return new HostFacts(host, observe(host, sections), Map.copyOf(sections), Set.copyOf(unknown));
    }

    private static Optional<String> ok(Map<String, Probe.Section> sections, String name) {
        return Optional.ofNullable(sections.get(name)).filter(s -> s.exit() == 0).map(Probe.Section::output);
    }

    private static ObservedHost observe(String host, Map<String, Probe.Section> sections) {
        Map<String, Iface> interfaces = ok(sections, Sections.IFCONFIG).map(IfconfigParser::parse).orElse(Map.of());
        Map<String, ObservedHost.RunningJail> jails = ok(sections, Sections.JLS).map(JlsParser::parse).orElse(Map.of());
        Map<String, Map<String, Iface>> jailInterfaces = new LinkedHashMap<>();
        Set<String> roots = new HashSet<>();
        Set<String> existing = new HashSet<>();
        Map<String, Set<String>> packages = new LinkedHashMap<>();
        Set<String> services = new HashSet<>();
        Map<String, Map<String, String>> rcConf = new LinkedHashMap<>();
        Map<String, FileState> files = new LinkedHashMap<>();
        Map<String, Set<String>> tables = new LinkedHashMap<>();
        for (Probe.Section s : sections.values()) {
            String name = s.name();
            boolean ok = s.exit() == 0;
            String[] parts = name.split("/");
            if (name.startsWith("jail/") && parts.length == 3 && parts[2].equals("ifconfig")) {
                if (ok && jails.containsKey(parts[1])) {
                    jailInterfaces.put(parts[1], IfconfigParser.parse(s.output()));
                }
            } else if (name.startsWith("jail/") && parts.length == 3 && parts[2].equals("packages")) {
                packages.put(parts[1], ok ? lines(s.output()) : Set.of());
            } else if (name.equals("packages")) {
                packages.put(ObservedHost.HOST, ok ? lines(s.output()) : Set.of());
            } else if (name.startsWith("jail/") && parts.length == 4 && parts[2].equals("service")) {
                if (ok) {
                    services.add(ObservedHost.serviceKey(parts[1], parts[3]));
                }
            } else if (name.startsWith("service/") && parts.length == 2) {
                if (ok) {
                    services.add(ObservedHost.serviceKey(ObservedHost.HOST, parts[1]));
                }
            } else if (name.startsWith("exists/")) {
                if (ok) {
                    existing.add(name.substring("exists".length()));
                }
            } else if (name.startsWith("root/")) {
                if (ok) {
                    roots.add(name.substring("root".length()));
                }
            } else if (name.startsWith("file/")) {
                String path = name.substring("file".length());
                if (ok && path.endsWith("/etc/rc.conf")) {
                    rcConf.put(path, RcConfParser.parse(s.output()));
                } else if (ok) {
                    file(path, s.output(), false).ifPresent(f -> files.put(path, f));
                }
            } else if (name.startsWith("secret/")) {
                String path = name.substring("secret".length());
                if (ok) {
                    file(path, s.output(), true).ifPresent(f -> files.put(path, f));
                }
            } else if (name.startsWith("pf/table/")) {
                if (ok) {
                    tables.put(name.substring("pf/table/".length()), PfctlParser.tableAddresses(s.output()));
                }
            }
        }
        // spiped runs only when every one of its pipes does.
        for (Probe.Section s : sections.values()) {
            String[] parts = s.name().split("/");
            if (parts.length == 4 && parts[0].equals("jail") && parts[2].equals("spiped") && s.exit() != 0) {
                services.remove(ObservedHost.serviceKey(parts[1], "spiped"));
            }
        }
        boolean module = Optional.ofNullable(sections.get(Sections.PF_MODULE)).map(s -> s.exit() == 0)
                // saved facts from before the module was probed: pf answering means it is loaded
                .orElse(ok(sections, Sections.PF_RUNNING).isPresent());
        boolean enabled = ok(sections, Sections.PF_RUNNING).map(PfctlParser::running).orElse(false);
        List<String> loaded = ruleLines(ok(sections, Sections.PF_RULES).orElse(""));
        // The loaded rules are judged against what pfctl printed for them right after uirig loaded
        // /etc/pf.conf, not against a fresh listing of the file: pfctl prints -sn/-sr in another
        // order than -nvf and its optimizer may reorder rules (sbin/pfctl/pfctl_optimize.c), but the
        // same ruleset always prints the same way.
        List<String> recorded = ruleLines(ok(sections, Sections.PF_LOADED).orElse(""));
        // Filter rules decide what passes: with none (pfctl -F rules), pf passes everything and keeps
        // no state (pf.c pf_test_rule: the default rule), whatever nat and rdr rules remain.
        boolean filtering = loaded.stream().anyMatch(l -> l.startsWith("pass") || l.startsWith("block"));
        ObservedHost.PfState pf = new ObservedHost.PfState(module, enabled, filtering,
                filtering && loaded.equals(recorded), tables);

        Map<String, String> sysctl = new LinkedHashMap<>();
        ok(sections, Sections.SYSCTL).ifPresent(t -> t.lines().forEach(line -> {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                sysctl.put(line.substring(0, colon), line.substring(colon + 2).trim());
            }
        }));
        Optional<String> route = ok(sections, Sections.ROUTE).flatMap(t -> t.lines().map(String::trim)
                .filter(l -> l.startsWith("gateway:")).map(l -> l.substring("gateway:".length()).trim()).findFirst());
        return new ObservedHost(host, interfaces, jailInterfaces, jails, roots, rcConf, files, pf, sysctl, route,
                packages, services, existing);
    }

    /** A file section: {@code MODE USER:GROUP} on the first line, then the content (or the hash of a secret). */
    private static Optional<FileState> file(String path, String output, boolean secret) {
        int nl = output.indexOf('\n');
        String head = nl < 0 ? output : output.substring(0, nl);
        String rest = nl < 0 ? "" : output.substring(nl + 1);
        String[] modeOwner = head.trim().split(" ");
        if (modeOwner.length != 2) {
            return Optional.empty();
        }
        String mode = modeOwner[0].length() == 3 ? "0" + modeOwner[0] : modeOwner[0];
        if (secret) {
            return Optional.of(new FileState(rest.trim(), Optional.empty(), mode, modeOwner[1]));
        }
        return Optional.of(new FileState(Step.sha256Hex(rest.getBytes(StandardCharsets.UTF_8)), Optional.of(rest), mode,
                modeOwner[1]));
    }

    /** Rules that pfctl prints for a loaded ruleset and for a file alike (macros and tables left out). */
    private static List<String> ruleLines(String text) {
        return PfctlParser.rules(text).stream()
                .filter(l -> l.matches("^(pass|block|match|nat|rdr|binat|scrub|antispoof)\\b.*")).toList();
    }

    private static Set<String> lines(String text) {
        Set<String> out = new TreeSet<>();
        text.lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(out::add);
        return out;
    }
}
