package com.uirig.config;

import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.FileSpec;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.PfTable;
import com.uirig.model.DesiredHost.PipeMode;
import com.uirig.model.DesiredHost.RootSource;
import com.uirig.model.DesiredHost.RunOnce;
import com.uirig.model.DesiredHost.SpipedKey;
import com.uirig.model.DesiredHost.SpipedPipe;
import com.uirig.model.Endpoint;
import com.uirig.model.Expectation;
import com.uirig.model.IfName;
import com.uirig.model.Ipv4;
import com.uirig.model.JailParam;
import com.uirig.model.KindSpecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.regex.Pattern;

/**
 * Reads the playbook sections for one host into a {@link DesiredHost}. Every value is resolved
 * in the host's scope and typed here; where a value came from is kept in {@link Origins} so later
 * checks can point at it.
 */
final class PlaybookReader {
    /** The built-in sections, then those of the registered kinds ({@link PlaybookSections}). */
    static final List<String> SECTIONS = java.util.stream.Stream.concat(Stream.of("jail_defaults", "jails", "spiped_keys", "pf", "files", "packages", "run_once",
            "expectations"), PlaybookSections.keys().stream()).toList();

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+@/-]*");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    private static final Pattern OWNER = Pattern.compile("[a-z_][a-z0-9_-]*:[a-z_][a-z0-9_-]*");
    private static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9_.:-]+(/[A-Za-z0-9_.:-]+)*@[A-Za-z0-9_.:-]+");

    /** A section as it appears in one playbook file. */
    record Section(YamlValue value, Path playbookDir) {}

    private final Map<String, Section> sections;
    private final Origins origins = new Origins();

    PlaybookReader(Map<String, Section> sections) {
        this.sections = sections;
    }

    Origins origins() {
        return origins;
    }

    /** Reads every section with values resolved in {@code scope}. */
    DesiredHost read(String host, DesiredHost.SshTarget ssh, Optional<String> peer) {
        Map<String, Object> jailDefaults = jailParameters(section("jail_defaults"));
        List<Jail> jails = new ArrayList<>();
        for (var e : entries("jails").entrySet()) {
            Jail j = jail(e.getKey(), e.getValue(), jailDefaults);
            if (j != null) {
                jails.add(j);
            }
        }
        List<SpipedKey> keys = new ArrayList<>();
        for (var e : entries("spiped_keys").entrySet()) {
            var f = e.getValue().fields(List.of("path"), List.of("path"));
            String path = f.has("path") ? absolutePath(f.get("path")) : null;
            if (path != null && NAME.matcher(e.getKey()).matches()) {
                keys.add(new SpipedKey(e.getKey(), path));
                origins.put("spiped_key." + e.getKey(), e.getValue());
            } else if (!NAME.matcher(e.getKey()).matches()) {
                e.getValue().error("invalid key name '" + e.getKey() + "'");
            }
        }
        Optional<DesiredHost.Pf> pf = sections.containsKey("pf") ? Optional.ofNullable(pf(sections.get("pf"))) : Optional.empty();
        List<FileSpec> files = files(section("files"), sectionDir("files"), "");
        List<String> packages = packages(section("packages"));
        List<RunOnce> runOnce = runOnce(section("run_once"), "");
        List<String> jailNames = jails.stream().map(Jail::name).toList();
        List<Expectation> expectations = new ArrayList<>();
        for (var e : entries("expectations").entrySet()) {
            Expectation x = expectation(e.getKey(), e.getValue(), jailNames);
            if (x != null) {
                expectations.add(x);
            }
        }
        DesiredHost read = new DesiredHost(host, ssh, peer, jailDefaults, jails,
                keys, pf, files, packages, runOnce, expectations);
        return readKinds(read);
    }

    /** The registered kinds' sections, in registration order, each seeing the host as read so far. */
    private DesiredHost readKinds(DesiredHost host) {
        Map<String, Object> specs = new LinkedHashMap<>();
        for (PlaybookSection<?> kind : PlaybookSections.all()) {
            Section s = sections.get(kind.key());
            if (s == null || (s.value().isNull() && kind.emptyMeansNone())) {
                continue;
            }
            Object spec = kind.read(s.value(), new PlaybookSection.Context(host, s.playbookDir(), origins));
            if (spec != null) {
                specs.put(kind.key(), spec);
                origins.put(kind.key(), s.value());
                host = host.withKinds(new KindSpecs(specs));
            }
        }
        return host;
    }

    private Map<String, YamlValue> entries(String name) {
        YamlValue v = section(name);
        return v == null || v.isNull() ? Map.of() : v.entries();
    }

    private YamlValue section(String name) {
        Section s = sections.get(name);
        return s == null ? null : s.value();
    }

    private Path sectionDir(String name) {
        Section s = sections.get(name);
        return s == null ? Path.of(".") : s.playbookDir();
    }

    private static <T> T parse(YamlValue v, Function<String, T> parser) {
        return v == null ? null : v.as(parser);
    }

    private IfName nameOf(String name, YamlValue v) {
        try {
            return IfName.parse(name);
        } catch (IllegalArgumentException e) {
            v.error(e.getMessage());
            return null;
        }
    }

    private Map<String, Object> jailParameters(YamlValue section) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (section == null) {
            return out;
        }
        for (var e : section.entries().entrySet()) {
            if (!JailParam.NAME.matcher(e.getKey()).matches()) {
                e.getValue().error("invalid jail parameter name '" + e.getKey() + "' (lower-case words of letters,"
                        + " digits and '_', joined by '.', as jail(8) names them)");
                continue;
            }
            if (e.getKey().equals("vnet.interface") || e.getKey().equals("name")) {
                e.getValue().error("'" + e.getKey() + "' is set by uirig from the jail's definition");
                continue;
            }
            YamlValue v = e.getValue();
            Object value;
            if (v.isBoolean()) {
                value = v.bool();
            } else if (v.isInteger()) {
                value = v.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
            } else {
                value = v.as(text -> {
                    String problem = JailParam.valueProblem(text);
                    if (problem != null) {
                        throw new IllegalArgumentException(problem);
                    }
                    return text;
                });
            }
            if (value != null) {
                out.put(e.getKey(), value);
            }
        }
        return out;
    }

    private Jail jail(String name, YamlValue v, Map<String, Object> defaults) {
        var f = v.fields(List.of("root", "parameters", "vnet_interfaces", "hostname", "inet", "defaultrouter",
                "packages", "services", "files", "spiped_pipes", "run_once"), List.of("root", "hostname"));
        if (!NAME.matcher(name).matches()) {
            v.error("invalid jail name '" + name + "' (letters, digits and '_')");
            return null;
        }
        origins.put("jail." + name, v);
        Map<String, Object> params = f.has("parameters") ? jailParameters(f.get("parameters")) : new LinkedHashMap<>();
        Object pathParam = params.getOrDefault("path", defaults.get("path"));
        String path = null;
        if (!(pathParam instanceof String p)) {
            v.error("the jail has no path: set 'path' in jail_defaults or in its parameters");
        } else {
            path = JailParam.expand(p, name);
            if (!path.startsWith("/") || path.contains("$")) {
                v.error("the jail's path '" + path + "' must be absolute and use no variable but $name");
                path = null;
            } else if (path.endsWith("/") && path.length() > 1) {
                path = path.substring(0, path.length() - 1);
            }
        }
        RootSource root = f.has("root") ? root(name, f.get("root")) : null;
        List<IfName> vnet = new ArrayList<>();
        if (f.has("vnet_interfaces")) {
            for (YamlValue item : f.get("vnet_interfaces").flatSequence()) {
                IfName n = item.as(IfName::parse);
                if (n == null) {
                    continue;
                }
                if (vnet.contains(n)) {
                    item.error("interface '" + n + "' is listed twice");
                    continue;
                }
                vnet.add(n);
                origins.put("jail." + name + ".vnet." + n, item);
            }
        }
        String hostname = f.has("hostname") ? f.get("hostname").as(text -> {
            if (!text.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("invalid hostname '" + text + "'");
            }
            return text;
        }) : null;
        Map<IfName, Cidr> inet = new LinkedHashMap<>();
        if (f.has("inet")) {
            for (var e : f.get("inet").entries().entrySet()) {
                IfName n = nameOf(e.getKey(), e.getValue());
                Cidr c = e.getValue().as(Cidr::parseInterface);
                if (n != null && c != null) {
                    inet.put(n, c);
                    origins.put("jail." + name + ".inet." + n, e.getValue());
                }
            }
        }
        Optional<Ipv4> router = Optional.empty();
        if (f.has("defaultrouter")) {
            router = Optional.ofNullable(f.get("defaultrouter").as(Ipv4::parse));
            origins.put("jail." + name + ".defaultrouter", f.get("defaultrouter"));
        }
        List<String> packages = f.has("packages") ? packages(f.get("packages")) : List.of();
        List<String> services = new ArrayList<>();
        if (f.has("services")) {
            for (YamlValue item : f.get("services").flatSequence()) {
                String s = item.as(text -> {
                    if (!SERVICE.matcher(text).matches()) {
                        throw new IllegalArgumentException("invalid service name '" + text + "'");
                    }
                    return text;
                });
                if (s != null && !services.contains(s)) {
                    services.add(s);
                    origins.put("jail." + name + ".service." + s, item);
                }
            }
        }
        List<FileSpec> files = f.has("files") ? files(f.get("files"), sectionDir("jails"), name) : List.of();
        List<SpipedPipe> pipes = new ArrayList<>();
        if (f.has("spiped_pipes")) {
            for (var e : f.get("spiped_pipes").entries().entrySet()) {
                SpipedPipe p = pipe(name, e.getKey(), e.getValue());
                if (p != null) {
                    pipes.add(p);
                }
            }
        }
        List<RunOnce> runOnce = f.has("run_once") ? runOnce(f.get("run_once"), name) : List.of();
        // A jail with problems is kept (with empty parts) so its references are still checked.
        return new Jail(name, path == null ? "" : path, root, params, vnet, hostname == null ? "" : hostname, inet,
                router, packages, services, files, pipes, runOnce);
    }

    private RootSource root(String jail, YamlValue v) {
        var f = v.fields(List.of("zfs_clone", "dataset", "base_archive"), List.of());
        if (!f.valid()) {
            return null;
        }
        if (f.has("zfs_clone") == f.has("base_archive")) {
            v.error("give exactly one of zfs_clone (a snapshot) or base_archive (a base.txz on the orchestrator)");
            return null;
        }
        if (f.has("base_archive")) {
            if (f.has("dataset")) {
                f.get("dataset").error("'dataset' only goes with zfs_clone");
                return null;
            }
            String p = f.get("base_archive").text();
            return p == null ? null : FileLimits.baseArchive(f.get("base_archive"), p);
        }
        String snapshot = f.get("zfs_clone").as(text -> {
            if (!SNAPSHOT.matcher(text).matches()) {
                throw new IllegalArgumentException("expected a ZFS snapshot like zroot/jails/template@14.1, found '" + text + "'");
            }
            return text;
        });
        if (snapshot == null) {
            return null;
        }
        String dataset;
        if (f.has("dataset")) {
            dataset = f.get("dataset").text();
        } else {
            String source = snapshot.substring(0, snapshot.indexOf('@'));
            int slash = source.lastIndexOf('/');
            dataset = (slash < 0 ? source : source.substring(0, slash)) + "/" + jail;
        }
        return dataset == null ? null : new DesiredHost.ZfsClone(snapshot, dataset);
    }

    private SpipedPipe pipe(String jail, String name, YamlValue v) {
        var f = v.fields(List.of("mode", "source", "target", "key"), List.of("mode", "source", "target", "key"));
        if (!NAME.matcher(name).matches()) {
            v.error("invalid pipe name '" + name + "' (letters, digits and '_')");
            return null;
        }
        PipeMode mode = parse(f.get("mode"), text -> switch (text) {
            case "encrypt", "client" -> PipeMode.ENCRYPT;
            case "decrypt", "server" -> PipeMode.DECRYPT;
            default -> throw new IllegalArgumentException("expected encrypt or decrypt, found '" + text + "'");
        });
        Endpoint source = parse(f.get("source"), Endpoint::parse);
        Endpoint target = parse(f.get("target"), Endpoint::parse);
        String key = f.has("key") ? f.get("key").text() : null;
        if (mode == null || source == null || target == null || key == null) {
            return null;
        }
        String at = "pipe." + jail + "." + name;
        origins.put(at, v);
        origins.put(at + ".source", f.get("source"));
        origins.put(at + ".target", f.get("target"));
        origins.put(at + ".key", f.get("key"));
        return new SpipedPipe(jail, name, mode, source, target, key);
    }

    private DesiredHost.Pf pf(Section s) {
        var f = s.value().fields(List.of("conf", "tables", "egress_window"), List.of("conf"));
        List<PfTable> tables = new ArrayList<>();
        if (f.has("tables")) {
            for (var e : f.get("tables").entries().entrySet()) {
                PfTable t = pfTable(e.getKey(), e.getValue());
                if (t != null) {
                    tables.add(t);
                }
            }
        }
        if (!f.has("conf")) {
            return null;
        }
        YamlValue confValue = f.get("conf");
        String templatePath = confValue.text();
        if (templatePath == null) {
            return null;
        }
        Path template = s.playbookDir().resolve(templatePath).normalize();
        String text;
        try {
            text = TextFile.read(template);
        } catch (TextFile.Unreadable e) {
            confValue.error("cannot read pf.conf template " + e.at(YamlFile.displayName(template)) + ": " + e.getMessage());
            return null;
        }
        String file = YamlFile.displayName(template);
        String conf = YamlValue.expandFile(text, file, confValue.scope(), confValue.sink());
        conf = conf == null ? null : FileLimits.content(confValue, conf);
        origins.put("pf", s.value());
        origins.put("pf.conf", confValue);
        Optional<String> egress = Optional.empty();
        if (f.has("egress_window")) {
            String rules = f.get("egress_window").text();
            if (rules == null || rules.isBlank()) {
                f.get("egress_window").error("the egress window needs the pf rules that let packages be fetched");
                return null;
            }
            egress = Optional.of(rules.endsWith("\n") ? rules : rules + "\n");
            origins.put("pf.egress_window", f.get("egress_window"));
        }
        return conf == null ? null : new DesiredHost.Pf(file, conf, tables, egress);
    }

    private PfTable pfTable(String name, YamlValue v) {
        var f = v.fields(List.of("runtime", "file", "addresses"), List.of());
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            v.error("invalid pf table name '" + name + "'");
            return null;
        }
        origins.put("table." + name, v);
        boolean runtime = f.has("runtime") && Boolean.TRUE.equals(f.get("runtime").bool());
        if (runtime) {
            if (f.has("file") || f.has("addresses")) {
                v.error("a runtime table is filled by pf itself: it takes no file or addresses");
                return null;
            }
            return new PfTable(name, true, Optional.empty(), List.of());
        }
        if (!f.has("file") || !f.has("addresses")) {
            v.error("a table needs 'file' and 'addresses' (or 'runtime: true' when pf fills it)");
            return null;
        }
        String file = absolutePath(f.get("file"));
        Map<Cidr, YamlValue> items = f.get("addresses").itemsOf(Cidr::parseEntry);
        origins.put("table." + name + ".addresses", f.get("addresses"));
        items.forEach((c, item) -> origins.put(tableEntry(name, c), item));
        List<Cidr> addresses = new ArrayList<>(items.keySet());
        return file == null ? null : new PfTable(name, false, Optional.of(file), addresses);
    }

    /** The origin key of one address of a pf table: where that entry is written. */
    static String tableEntry(String table, Cidr entry) {
        return "table." + table + ".address." + entry.entryText();
    }

    private static String absolutePath(YamlValue v) {
        return v.as(text -> {
            String problem = pathProblem(text);
            if (problem != null) {
                throw new IllegalArgumentException("expected an absolute file path, found '" + text + "' (" + problem + ")");
            }
            return text;
        });
    }

    /**
     * Why {@code path} cannot name a file uirig writes, or null: it must be absolute and normal (no
     * empty, {@code .} or {@code ..} segments, not {@code /}, no trailing slash), and without white
     * space or quotes (facts and steps name files in shell words and section names).
     */
    static String pathProblem(String path) {
        if (!path.startsWith("/") || path.length() == 1 || path.endsWith("/")) {
            return "an absolute path to a file";
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "no empty, '.' or '..' segments";
            }
        }
        if (!path.matches("[^\\s'\"\\\\]+")) {
            return "no spaces, quotes or backslashes";
        }
        return null;
    }

    /**
     * One expectation: {@code from} orchestrator, host or a jail of {@code jails}; {@code to} an IPv4
     * address; {@code tcp} a port; {@code expect} open or closed; optional {@code send} and
     * {@code receive} (open only) and {@code timeout} in seconds.
     */
    private Expectation expectation(String name, YamlValue v, List<String> jails) {
        var f = v.fields(List.of("from", "to", "tcp", "expect", "send", "receive", "timeout"),
                List.of("from", "to", "tcp", "expect"));
        String from = parse(f.get("from"), text -> {
            boolean keyword = text.equals(Expectation.ORCHESTRATOR) || text.equals(Expectation.HOST);
            if (keyword && jails.contains(text)) {
                throw new IllegalArgumentException("'" + text + "' is both a jail's name and a keyword of 'from'");
            }
            if (!keyword && !jails.contains(text)) {
                throw new IllegalArgumentException("expected orchestrator, host or a jail of this host"
                        + (jails.isEmpty() ? "" : " (" + String.join(", ", jails) + ")") + ", found '" + text + "'");
            }
            return text;
        });
        Ipv4 to = parse(f.get("to"), Ipv4::parse);
        Integer port = f.has("tcp") ? f.get("tcp").integer(1, 65535) : null;
        Expectation.Reach expect = parse(f.get("expect"), text -> switch (text) {
            case "open" -> Expectation.Reach.OPEN;
            case "closed" -> Expectation.Reach.CLOSED;
            default -> throw new IllegalArgumentException("expected open or closed, found '" + text + "'");
        });
        Optional<String> send = Optional.empty();
        if (f.has("send")) {
            send = Optional.ofNullable(f.get("send").text());
            if (send.isEmpty()) {
                return null;
            }
        }
        Optional<String> receive = Optional.empty();
        if (f.has("receive")) {
            receive = Optional.ofNullable(f.get("receive").text());
            if (receive.isEmpty()) {
                return null;
            }
            if (receive.get().isEmpty()) {
                f.get("receive").error("'receive' cannot be empty");
                return null;
            }
        }
        Integer timeout = f.has("timeout") ? f.get("timeout").integer(1, Expectation.MAX_TIMEOUT)
                : Integer.valueOf(Expectation.DEFAULT_TIMEOUT);
        if (expect == Expectation.Reach.CLOSED) {
            for (String key : List.of("send", "receive")) {
                if (f.has(key)) {
                    f.get(key).error("'" + key + "' needs 'expect: open' (a closed port cannot answer)");
                    return null;
                }
            }
        }
        if (!Expectation.NAME.matcher(name).matches()) {
            v.error("invalid expectation name '" + name + "' (letters, digits and '_')");
            return null;
        }
        if (from == null || to == null || port == null || expect == null || timeout == null) {
            return null;
        }
        origins.put("expect." + name, v);
        return new Expectation(name, from, to, port, expect, send, receive, timeout);
    }

    private List<FileSpec> files(YamlValue section, Path dir, String jail) {
        List<FileSpec> out = new ArrayList<>();
        if (section == null) {
            return out;
        }
        for (var e : section.entries().entrySet()) {
            YamlValue v = e.getValue();
            String path = e.getKey();
            String problem = pathProblem(path);
            if (problem != null) {
                v.error("'" + path + "' is not a file path uirig can write (" + problem + ")");
                continue;
            }
            var f = v.fields(List.of("content", "template", "mode", "owner"), List.of());
            if (f.has("content") == f.has("template")) {
                v.error("give exactly one of 'content' or 'template'");
                continue;
            }
            String content;
            if (f.has("content")) {
                content = f.get("content").text();
            } else {
                String t = f.get("template").text();
                content = t == null ? null : readTemplate(f.get("template"), dir.resolve(t).normalize());
            }
            String mode = f.has("mode") ? f.get("mode").as(text -> {
                if (!MODE.matcher(text).matches()) {
                    throw new IllegalArgumentException("expected an octal mode like 0644, found '" + text + "'");
                }
                return text.length() == 3 ? "0" + text : text;
            }) : "0644";
            String owner = f.has("owner") ? f.get("owner").as(text -> {
                if (!OWNER.matcher(text).matches()) {
                    throw new IllegalArgumentException("expected USER:GROUP like root:wheel, found '" + text + "'");
                }
                return text;
            }) : "root:wheel";
            content = content == null ? null : FileLimits.content(f.get(f.has("content") ? "content" : "template"), content);
            if (content != null && mode != null && owner != null) {
                out.add(new FileSpec(path, content, mode, owner));
                origins.put("file." + jail + ":" + path, v);
            }
        }
        return out;
    }

    /** {@code run_once: {NAME: {command: ..., creates: /path}}} on the host or in {@code jail}. */
    private List<RunOnce> runOnce(YamlValue section, String jail) {
        List<RunOnce> out = new ArrayList<>();
        if (section == null || section.isNull()) {
            return out;
        }
        for (var e : section.entries().entrySet()) {
            YamlValue v = e.getValue();
            if (!NAME.matcher(e.getKey()).matches()) {
                v.error("invalid run_once name '" + e.getKey() + "' (letters, digits and '_')");
                continue;
            }
            var f = v.fields(List.of("command", "creates"), List.of("command", "creates"));
            if (!f.has("command") || !f.has("creates")) {
                continue;
            }
            String command = f.get("command").as(text -> {
                if (text.isBlank() || text.contains("\n")) {
                    throw new IllegalArgumentException("a run_once command is one non-empty line");
                }
                return text.strip();
            });
            String creates = absolutePath(f.get("creates"));
            if (command != null && creates != null) {
                out.add(new RunOnce(jail, e.getKey(), command, creates));
                origins.put("run_once." + jail + ":" + e.getKey(), v);
            }
        }
        return out;
    }

    private static String readTemplate(YamlValue at, Path template) {
        try {
            String text = TextFile.read(template);
            return YamlValue.expandFile(text, YamlFile.displayName(template), at.scope(), at.sink());
        } catch (TextFile.Unreadable e) {
            at.error("cannot read template " + e.at(YamlFile.displayName(template)) + ": " + e.getMessage());
            return null;
        }
    }

    private static List<String> packages(YamlValue v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (YamlValue item : v.flatSequence()) {
            String p = item.as(text -> {
                if (!PACKAGE.matcher(text).matches()) {
                    throw new IllegalArgumentException("invalid package name '" + text + "'");
                }
                return text;
            });
            if (p != null && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
