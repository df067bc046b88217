package com.uirig.kinds;

import com.uirig.config.Origins;
import com.uirig.config.PlaybookSections;
import com.uirig.config.YamlValue;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Address;
import com.uirig.plan.Kind;
import com.uirig.plan.Kinds;
import com.uirig.plan.RcConfResource;
import com.uirig.plan.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * The host's /etc/rc.conf: {@code rc_conf[host]} sets, with sysrc, every section's settings (the
 * boot-time twin of what they make at run time) and then the playbook's own, the {@code rc_conf}
 * section ({@code jail_enable: YES}). Every host has it, with or without the section.
 */
public final class RcConfKind implements Kind<RcConfKind.Settings> {
    public static final String KEY = "rc_conf";
    /** The resource of the host's rc.conf. */
    public static final Address HOST = Address.of("rc_conf", "host");
    /** sh(1) names a variable with a letter or '_', then letters, digits and '_'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The settings, variable to value, in the playbook's order. */
    public record Settings(Map<String, String> values) {
        public Settings {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Settings> specType() {
        return Settings.class;
    }

    @Override
    public Settings absent() {
        return new Settings(Map.of());
    }

    @Override
    public Settings read(YamlValue section, Context context) {
        Map<String, String> values = new LinkedHashMap<>();
        for (var e : section.entries().entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                e.getValue().error("invalid rc.conf variable name '" + e.getKey() + "'");
                continue;
            }
            String value = value(e.getValue());
            if (value != null) {
                values.put(e.getKey(), value);
                context.origins().put(KEY + "." + e.getKey(), e.getValue());
            }
        }
        return new Settings(values);
    }

    /**
     * rc.conf values: YAML booleans become YES/NO as rc.conf spells them. A value for sh to
     * evaluate at boot (a command substitution or a variable) must say so:
     * {@code {value: "`/bin/cat /etc/x`", evaluate: true}}.
     */
    private static String value(YamlValue v) {
        YamlValue r = v.resolved();
        if (r != null && r.node() instanceof MappingNode) {
            var f = r.fields(List.of("value", "evaluate"), List.of("value", "evaluate"));
            if (!f.has("value") || !f.has("evaluate") || f.get("evaluate").bool() == null) {
                return null;
            }
            if (!f.get("evaluate").bool()) {
                f.get("evaluate").error("'evaluate' can only be true: write a value that means itself without it");
                return null;
            }
            return f.get("value").as(DesiredHost::evaluatedRcValue);
        }
        if (v.isBoolean()) {
            Boolean b = v.bool();
            return b == null ? null : (b ? "YES" : "NO");
        }
        return v.as(text -> DesiredHost.rcValue(text, "to have sh evaluate it at boot, write {value: ..., evaluate: true}"));
    }

    /**
     * An entry may not set what another section writes to rc.conf: these entries are applied
     * last, so the host would boot with them instead of that section's state. Reported at the entry.
     */
    @Override
    public void check(Settings spec, DesiredHost host, List<DesiredHost> inventory, Origins origins) {
        Map<String, List<String>> writers = new LinkedHashMap<>();
        PlaybookSections.forEach(host, (section, other) -> {
            if (section.key().equals(KEY)) {
                return;
            }
            RcConf rc = section.rcConf(other);
            Set<String> written = new LinkedHashSet<>(rc.settings().keySet());
            if (!rc.cloned().isEmpty()) {
                written.add("cloned_interfaces");
            }
            written.stream().filter(spec.values()::containsKey)
                    .forEach(variable -> writers.computeIfAbsent(variable, v -> new ArrayList<>()).add(section.key()));
        });
        writers.forEach((variable, sections) -> origins.error(KEY + "." + variable, "rc_conf sets " + variable
                + ", which the " + String.join(" and ", sections) + " section" + (sections.size() > 1 ? "s write" : " writes")
                + " to rc.conf: remove it from rc_conf"));
    }

    @Override
    public RcConf rcConf(Settings spec) {
        return new RcConf(List.of(), spec.values());
    }

    @Override
    public List<WrittenFile> writtenFiles(Settings spec, DesiredHost host) {
        return List.of(new WrittenFile(RcConfResource.HOST_FILE, "the host's rc.conf settings"));
    }

    @Override
    public List<Resource> resources(DesiredHost host, Settings spec, Graph graph) {
        return List.of(new RcConfResource("host", RcConfResource.HOST_FILE, settings(host), List.of()));
    }

    /**
     * The host's /etc/rc.conf settings: each other section's, in registration order, with {@code
     * cloned_interfaces} (every section's cloned interfaces, in that order: rc.d/netif creates them
     * all before it configures any interface) before the settings of the first that clones; then
     * the playbook's own entries.
     */
    public static Map<String, String> settings(DesiredHost host) {
        List<RcConf> sections = new ArrayList<>();
        Kinds.forEach(host, (kind, spec) -> {
            if (!kind.key().equals(KEY)) {
                sections.add(kind.rcConf(spec));
            }
        });
        List<String> cloned = new ArrayList<>();
        sections.forEach(k -> cloned.addAll(k.cloned()));
        Map<String, String> s = new LinkedHashMap<>();
        for (RcConf k : sections) {
            if (!k.cloned().isEmpty() && !s.containsKey("cloned_interfaces")) {
                s.put("cloned_interfaces", String.join(" ", cloned));
            }
            s.putAll(k.settings());
        }
        host.kinds().get(KEY, Settings.class).ifPresent(own -> s.putAll(own.values()));
        return s;
    }

    /** /etc/rc.conf is read as a file uirig owns. */
}
