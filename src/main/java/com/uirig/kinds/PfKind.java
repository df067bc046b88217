package com.uirig.kinds;

import com.uirig.config.FileLimits;
import com.uirig.config.Location;
import com.uirig.config.Origins;
import com.uirig.config.PlaybookSection;
import com.uirig.config.PlaybookSections;
import com.uirig.config.YamlFile;
import com.uirig.config.YamlValue;
import com.uirig.facts.Sections;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Pf;
import com.uirig.model.DesiredHost.PfTable;
import com.uirig.model.Shell;
import com.uirig.plan.Address;
import com.uirig.plan.EgressWindowResource;
import com.uirig.plan.Kind;
import com.uirig.plan.PackagesResource;
import com.uirig.plan.PfResource;
import com.uirig.plan.PfTableResource;
import com.uirig.plan.Resource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The firewall, the playbook's {@code pf} section: pf.conf rendered from its template and loaded
 * with pfctl ({@link PfResource}), the tables it loads from files uirig writes
 * ({@link PfTableResource}), and the egress window that lets packages be fetched
 * ({@link EgressWindowResource}). Registered after the packages and the jails: pf loads after
 * every package set (its default block would stop pkg) and after the interfaces it names.
 */
public final class PfKind implements Kind<Pf> {
    public static final String KEY = "pf";

    /** The pf section of {@code host}, if it has one. */
    public static Optional<Pf> of(DesiredHost host) {
        return host.kinds().get(KEY, Pf.class);
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Pf> specType() {
        return Pf.class;
    }

    /** {@code pf:} without its conf is a mistake, not "no firewall". */
    @Override
    public boolean emptyMeansNone() {
        return false;
    }

    // ------------------------------------------------------------------ reading and validation

    @Override
    public Pf read(YamlValue section, Context context) {
        Origins origins = context.origins();
        var f = section.fields(List.of("conf", "tables", "egress_window"), List.of("conf"));
        List<PfTable> tables = new ArrayList<>();
        if (f.has("tables")) {
            for (var e : f.get("tables").entries().entrySet()) {
                PfTable t = table(e.getKey(), e.getValue(), origins);
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
        Path template = context.playbookDir().resolve(templatePath).normalize();
        String conf = confValue.template(template, "pf.conf template");
        // The egress window is checked too when the template has problems: every problem at once.
        conf = conf == null ? null : FileLimits.content(confValue, conf);
        origins.put(KEY, section);
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
        return conf == null ? null : new Pf(YamlFile.displayName(template), conf, tables, egress);
    }

    private static PfTable table(String name, YamlValue v, Origins origins) {
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
        String file = Readers.absolutePath(f.get("file"));
        Map<Cidr, YamlValue> items = f.get("addresses").itemsOf(Cidr::parseEntry);
        origins.put("table." + name + ".addresses", f.get("addresses"));
        items.forEach((c, item) -> origins.put(tableEntry(name, c), item));
        List<Cidr> addresses = new ArrayList<>(items.keySet());
        return file == null ? null : new PfTable(name, false, Optional.of(file), addresses);
    }

    /** The origin key of one address of a pf table: where that entry is written. */
    private static String tableEntry(String table, Cidr entry) {
        return "table." + table + ".address." + entry.entryText();
    }

    /**
     * pf.conf and the tables agree: every macro defined before it is used, every table used is
     * defined, every table defined is declared here (with its file, or runtime when pf fills it);
     * and no table that pf.conf blocks on an interface holds that interface's own subnet, which
     * would drop all traffic to the host.
     */
    @Override
    public void check(Pf pf, DesiredHost host, List<DesiredHost> inventory, Origins o) {
        String file = pf.confTemplate();
        String[] lines = pf.conf().split("\n", -1);
        PfConfText conf = PfConfText.parse(pf.conf());
        Map<String, Integer> macros = conf.macroDefinitions();
        for (PfConfText.Use u : conf.macroUses()) {
            if (!macros.containsKey(u.name())) {
                o.errorAt(at(file, lines, u.line(), "$" + u.name()), "pf macro $" + u.name() + " is used but not defined");
            } else if (macros.get(u.name()) > u.line()) {
                o.errorAt(at(file, lines, u.line(), "$" + u.name()), "pf macro $" + u.name()
                        + " is used before its definition on line " + macros.get(u.name()));
            }
        }
        Map<String, PfConfText.TableDef> tables = conf.tableDefinitions();
        for (PfConfText.Use u : conf.tableUses()) {
            if (!tables.containsKey(u.name())) {
                o.errorAt(at(file, lines, u.line(), "<" + u.name() + ">"), "pf table <" + u.name() + "> is used but not defined");
            }
        }
        Map<String, PfTable> declared = new LinkedHashMap<>();
        pf.tables().forEach(t -> declared.put(t.name(), t));
        for (PfConfText.TableDef t : tables.values()) {
            PfTable p = declared.get(t.name());
            var where = at(file, lines, t.line(), "<" + t.name() + ">");
            if (p == null) {
                o.errorAt(where, "pf table <" + t.name() + "> is not declared under pf.tables"
                        + (t.file().isPresent() ? " (give its addresses for " + t.file().get() + ")" : " (add it with runtime: true)"));
            } else if (p.runtime() && t.file().isPresent()) {
                o.error("table." + t.name(), "table <" + t.name() + "> is loaded from " + t.file().get()
                        + " in pf.conf but declared runtime here");
            } else if (!p.runtime() && !t.file().equals(p.file())) {
                o.error("table." + t.name(), "table <" + t.name() + "> is written to " + p.file().orElse("?")
                        + " but pf.conf " + (t.file().isPresent() ? "loads it from " + t.file().get() : "does not load it from a file"));
            }
        }
        for (PfTable t : pf.tables()) {
            if (!tables.containsKey(t.name())) {
                o.error("table." + t.name(), "table <" + t.name() + "> is not defined in " + file);
            }
        }
        List<PlaybookSection.Interface> addressed = PlaybookSections.interfaces(host).stream()
                .filter(i -> i.inet().isPresent()).toList();
        for (PfTable t : pf.tables()) {
            for (String iface : conf.interfacesBlocking(t.name())) {
                for (PlaybookSection.Interface n : addressed) {
                    if (!n.name().value().equals(iface)) {
                        continue;
                    }
                    Cidr own = n.inet().get();
                    for (Cidr entry : t.addresses()) {
                        if (entry.overlaps(own)) {
                            o.error(tableEntry(t.name(), entry), "table <" + t.name() + "> holds " + entry.entryText()
                                    + ", which covers " + n.name() + "'s own subnet " + own.networkText()
                                    + "; pf.conf blocks it on " + iface + ", so all traffic to the host would be dropped");
                        }
                    }
                }
            }
        }
    }

    /** Where {@code token} is on line {@code line} of the template (its first column when it is not there). */
    private static Location at(String file, String[] lines, int line, String token) {
        int col = line - 1 < lines.length ? lines[line - 1].indexOf(token) : -1;
        return new Location(file, line, col < 0 ? 1 : col + 1);
    }

    @Override
    public List<WrittenFile> writtenFiles(Pf pf, DesiredHost host) {
        List<WrittenFile> out = new ArrayList<>(List.of(new WrittenFile(PfResource.PF_CONF, "pf.conf", "pf.conf")));
        pf.tables().forEach(t -> t.file().ifPresent(f -> out.add(new WrittenFile(f, "table <" + t.name() + ">", "table." + t.name(),
                Source.DATA))));
        return out;
    }

    // ------------------------------------------------------------------ resources and probes

    /**
     * The file-backed tables; the egress window, when pf declares one and the host installs
     * packages; pf.conf, after the tables, the interfaces it names and every package set.
     */
    @Override
    public List<Resource> resources(DesiredHost host, Pf pf, Graph graph) {
        List<Resource> out = new ArrayList<>();
        List<Address> tables = new ArrayList<>();
        for (PfTable t : pf.tables()) {
            if (!t.runtime()) {
                PfTableResource r = new PfTableResource(t.name(), t.file().orElseThrow(), t.addresses());
                out.add(r);
                tables.add(r.address());
            }
        }
        List<PackagesResource> packageSets = graph.built().stream().filter(r -> r instanceof PackagesResource)
                .map(r -> (PackagesResource) r).toList();
        // pf must wait for every package set (its default block would stop pkg): they must be built before it.
        List<Address> sets = new ArrayList<>();
        PackagesKind.hostPackages(host).ifPresent(sets::add);
        JailsKind.of(host).stream().filter(j -> !j.packages().isEmpty()).forEach(j -> sets.add(Address.of("packages", j.name())));
        if (!packageSets.stream().map(Resource::address).toList().equals(sets)) {
            throw new IllegalStateException("pf is registered before the package sets it waits for: " + sets);
        }
        List<Address> afterInterfaces = new ArrayList<>(tables);
        afterInterfaces.addAll(graph.interfaces());
        if (pf.egressWindow().isPresent() && !packageSets.isEmpty()) {
            // The window's ruleset names the tables' files and the interfaces: they come first.
            out.add(new EgressWindowResource(pf.egressConf(), packageSets, afterInterfaces));
        }
        List<Address> deps = new ArrayList<>(afterInterfaces);
        // Packages come first: pf's default block would stop pkg from fetching them.
        packageSets.forEach(p -> deps.add(p.address()));
        out.add(new PfResource(PfResource.PF_CONF, pf.conf(), deps));
        return out;
    }

    /** {@code pfctl -t NAME -T show} lists each file-backed table as pf has it loaded. */
    @Override
    public Map<String, String> probes(DesiredHost host, Pf pf) {
        Map<String, String> out = new LinkedHashMap<>();
        pf.tables().stream().filter(t -> !t.runtime())
                .forEach(t -> out.put(Sections.table(t.name()), "pfctl -t " + Shell.quote(t.name()) + " -T show"));
        return out;
    }
}
