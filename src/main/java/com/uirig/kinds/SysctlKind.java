package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Fact;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.SysctlParser;
import com.uirig.model.DesiredHost;
import com.uirig.model.Shell;
import com.uirig.model.Sysctl;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kernel settings, the playbook's {@code sysctl} section ({@code net.inet.ip.forwarding: 1}): set
 * at run time with {@code sysctl NAME=VALUE}, read back with {@code sysctl NAME ...}. FreeBSD's
 * rules for names and values are {@link Sysctl}'s; the output's parser is {@link SysctlParser}.
 */
public final class SysctlKind implements Kind<SysctlKind.Settings> {
    public static final String KEY = "sysctl";
    /** The probe section: one {@code sysctl} command reads every name the host sets. */
    public static final String SECTION = "sysctl";

    /**
     * A freshly installed host does not forward packets: the kernel's default, which rc.d/routing
     * keeps while gateway_enable is NO (etc/defaults/rc.conf). No other value is assumed.
     */
    private static final Map<String, String> FRESH = Map.of("net.inet.ip.forwarding", "0");

    /** The settings a host's playbooks ask for, name to value, in their order. */
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
            if (!Sysctl.NAME.matcher(e.getKey()).matches()) {
                e.getValue().error("invalid sysctl name '" + e.getKey() + "' (lower-case words joined by '.')");
                continue;
            }
            String value = e.getValue().as(text -> {
                String problem = Sysctl.valueProblem(e.getKey(), text);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                return text;
            });
            if (value != null) {
                values.put(e.getKey(), value);
            }
        }
        return new Settings(values);
    }

    @Override
    public List<Resource> resources(DesiredHost host, Settings spec, Graph graph) {
        return spec.values().entrySet().stream().<Resource>map(e -> new SysctlResource(e.getKey(), e.getValue())).toList();
    }

    @Override
    public List<Fact<?>> facts(DesiredHost host, Settings spec) {
        return List.of(fact(spec.values().keySet()));
    }

    /** A saved {@code sysctl} section: its parser reads any names, so the fact of none serves. */
    @Override
    public Optional<Fact<?>> factOf(String section) {
        return section.equals(SECTION) ? Optional.of(fact(List.of())) : Optional.empty();
    }

    /**
     * {@code sysctl NAME ...}, parsed into name and value. sysctl exits 1 when it does not know a
     * name, after printing the names it knows: no value is then taken as known, so every setting
     * is set again and the unknown name fails there, with sysctl's own message.
     */
    public static Fact<Map<String, String>> fact(Collection<String> names) {
        String command = "sysctl " + String.join(" ", names.stream().map(Shell::quote).toList());
        return new Fact<>(SECTION, command, (exit, output) -> exit == 0 ? SysctlParser.parse(output) : Map.of(), FRESH);
    }

    /** A kernel setting applied at run time with sysctl, {@code sysctl[NAME]}. */
    public record SysctlResource(String name, String value) implements Resource {
        @Override
        public Address address() {
            return Address.of("sysctl", name);
        }

        @Override
        public List<Address> dependsOn() {
            return List.of();
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            // The fact is found by its section; the names it was read for do not matter here.
            String found = observed.fact(fact(List.of())).orElse(Map.of()).get(name);
            if (value.equals(found)) {
                return Optional.empty();
            }
            return Optional.of(new Change(address(), Action.UPDATE, name + " is " + (found == null ? "unknown" : found),
                    found == null ? Map.of() : Map.of("value", found), Map.of("value", value),
                    List.of(Step.run("sysctl", name + "=" + value)), ""));
        }
    }
}
