package com.uirig.kinds;

import com.uirig.config.Origins;
import com.uirig.config.PlaybookSection;
import com.uirig.config.PlaybookSections;
import com.uirig.config.YamlValue;
import com.uirig.facts.Fact;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Kind;
import com.uirig.plan.Resource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * The playbook's own host rc.conf settings, the {@code rc_conf} section ({@code jail_enable: YES}):
 * written with sysrc after every kind's (registered last, so they stand last in rc.conf), as part
 * of {@code rc_conf[host]}, the resource of the host's /etc/rc.conf that uirig builds from every
 * kind's settings.
 */
public final class RcConfKind implements Kind<RcConfKind.Settings> {
    public static final String KEY = "rc_conf";
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
    public void check(Settings spec, DesiredHost host, Origins origins) {
        for (PlaybookSection<?> section : PlaybookSections.all()) {
            if (section.key().equals(KEY)) {
                continue;
            }
            for (String variable : written(section, host)) {
                if (spec.values().containsKey(variable)) {
                    origins.error(KEY + "." + variable, "rc_conf sets " + variable + ", which the " + section.key()
                            + " section writes to rc.conf: remove it from rc_conf");
                }
            }
        }
    }

    /** The variables {@code section} writes to the host's rc.conf ({@code cloned_interfaces} when it clones). */
    private static <S> Set<String> written(PlaybookSection<S> section, DesiredHost host) {
        Set<String> out = new LinkedHashSet<>();
        host.kinds().get(section.key(), section.specType()).map(section::rcConf).ifPresent(rc -> {
            out.addAll(rc.settings().keySet());
            if (!rc.cloned().isEmpty()) {
                out.add("cloned_interfaces");
            }
        });
        return out;
    }

    @Override
    public RcConf rcConf(Settings spec) {
        return new RcConf(List.of(), spec.values());
    }

    /** The settings are written by {@code rc_conf[host]}, with every kind's. */
    @Override
    public List<Resource> resources(DesiredHost host, Settings spec, Graph graph) {
        return List.of();
    }

    /** /etc/rc.conf is read as a file uirig owns. */
    @Override
    public List<Fact<?>> facts(DesiredHost host, Settings spec) {
        return List.of();
    }

    @Override
    public Optional<Fact<?>> factOf(String section) {
        return Optional.empty();
    }
}
