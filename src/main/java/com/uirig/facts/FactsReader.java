package com.uirig.facts;

import com.uirig.facts.ObservedHost.FileState;
import com.uirig.facts.ObservedHost.Iface;
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
import java.util.function.Function;

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
        return read(host, sections, expected, List.of());
    }

    /** As above, also parsing the sections of {@code facts}, the facts the host's resource kinds declared. */
    public static HostFacts read(String host, Map<String, Probe.Section> sections, Collection<String> expected,
                                 Collection<Fact<?>> facts) {
        Set<String> unknown = new LinkedHashSet<>(expected);
        unknown.removeAll(sections.keySet());
        Map<String, String> unreadable = new LinkedHashMap<>();
        Map<String, Object> kindFacts = new LinkedHashMap<>();
        for (Fact<?> f : facts) {
            Probe.Section s = sections.get(f.section());
            if (s == null) {
                continue;
            }
            try {
                Object value = f.parse(s.exit(), s.output());
                if (value != null) {
                    kindFacts.put(f.section(), value);
                }
            } catch (UnreadableOutput e) {
                unreadable.put(s.name(), e.getMessage());
            } catch (RuntimeException e) {
                unreadable.put(s.name(), "its output is not what the command prints");
            }
        }
        ObservedHost observed = observe(host, sections, unreadable).withFacts(kindFacts);
        return new HostFacts(host, observed, Map.copyOf(sections), Set.copyOf(unknown),
                java.util.Collections.unmodifiableMap(unreadable));
    }

    private static Optional<String> ok(Map<String, Probe.Section> sections, String name) {
        return Optional.ofNullable(sections.get(name)).filter(s -> s.exit() == 0).map(Probe.Section::output);
    }

    /**
     * A successful section's output through its parser. Output the command cannot have printed
     * is noted in {@code unreadable} (the host is then not used), never thrown: the other
     * sections are still read, and {@code facts --save} still keeps the raw output.
     */
    private static <T> Optional<T> parsed(Probe.Section s, Function<String, T> parser, Map<String, String> unreadable) {
        if (s == null || s.exit() != 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(parser.apply(s.output()));
        } catch (UnreadableOutput e) {
            unreadable.put(s.name(), e.getMessage());
        } catch (RuntimeException e) {
            unreadable.put(s.name(), "its output is not what the command prints");
        }
        return Optional.empty();
    }

    private static ObservedHost observe(String host, Map<String, Probe.Section> sections, Map<String, String> unreadable) {
        Map<String, Iface> interfaces = parsed(sections.get(Sections.IFCONFIG), IfconfigParser::parse, unreadable).orElse(Map.of());
        Map<String, ObservedHost.RunningJail> jails = parsed(sections.get(Sections.JLS), JlsParser::parse, unreadable).orElse(Map.of());
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
                if (jails.containsKey(parts[1])) {
                    parsed(s, IfconfigParser::parse, unreadable).ifPresent(i -> jailInterfaces.put(parts[1], i));
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
                if (path.endsWith("/etc/rc.conf")) {
                    parsed(s, RcConfParser::parse, unreadable).ifPresent(rc -> rcConf.put(path, rc));
                } else {
                    parsed(s, out -> file(path, out, false), unreadable).ifPresent(f -> files.put(path, f));
                }
            } else if (name.startsWith("secret/")) {
                String path = name.substring("secret".length());
                parsed(s, out -> file(path, out, true), unreadable).ifPresent(f -> files.put(path, f));
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
        boolean enabled = parsed(sections.get(Sections.PF_RUNNING), PfctlParser::running, unreadable).orElse(false);
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

        Optional<String> route = parsed(sections.get(Sections.ROUTE), RouteParser::gateway, unreadable).flatMap(r -> r);
        return ObservedHost.of(host)
                .with(HostState.INTERFACES, interfaces)
                .with(HostState.JAIL_INTERFACES, jailInterfaces)
                .with(HostState.JAILS, jails)
                .with(HostState.JAIL_ROOTS, roots)
                .with(HostState.RC_CONF, rcConf)
                .with(HostState.FILES, files)
                .with(HostState.PF, pf)
                .with(HostState.DEFAULT_ROUTE, route)
                .with(HostState.PACKAGES, packages)
                .with(HostState.RUNNING_SERVICES, services)
                .with(HostState.EXISTING_PATHS, existing);
    }

    /**
     * A file section: {@code MODE USER:GROUP} on the first line, then the content (or the hash of a
     * secret). stat -f '%Lp %Su:%Sg' prints the permission bits in octal (no leading zeros) and the owner's names
     * (usr.bin/stat/stat.c), sha256 -q the 64 hex digits alone (sbin/md5/md5.c): anything else
     * there is no answer of theirs. The line is not quoted: it may be the file's content.
     */
    private static FileState file(String path, String output, boolean secret) {
        int nl = output.indexOf('\n');
        String head = nl < 0 ? output : output.substring(0, nl);
        String rest = nl < 0 ? "" : output.substring(nl + 1);
        if (!head.trim().matches("[0-7]{1,4} [^ :]+:[^ :]+")) {
            throw new UnreadableOutput("stat printed no 'MODE USER:GROUP' line for " + path);
        }
        String[] modeOwner = head.trim().split(" ");
        String mode = modeOwner[0].length() == 3 ? "0" + modeOwner[0] : modeOwner[0];
        if (secret) {
            if (!rest.trim().matches("[0-9a-f]{64}")) {
                throw new UnreadableOutput("sha256 -q printed no SHA-256 digest for " + path);
            }
            return new FileState(rest.trim(), Optional.empty(), mode, modeOwner[1]);
        }
        return new FileState(com.uirig.model.Sha256.hex(rest.getBytes(StandardCharsets.UTF_8)), Optional.of(rest), mode, modeOwner[1]);
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
