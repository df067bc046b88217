package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.model.DesiredHost;
import com.uirig.model.JailParam;
import com.uirig.plan.Kind;
import com.uirig.plan.Resource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The jail(8) parameters every jail shares, the playbook's {@code jail_defaults} section: written
 * at the top of /etc/jail.conf, before the jails' blocks (see {@link JailsKind}), which makes the
 * resources; a jail's own parameters override them.
 */
public final class JailDefaultsKind implements Kind<JailDefaultsKind.Defaults> {
    public static final String KEY = "jail_defaults";

    /** Parameter name to value (String, Integer or Boolean), in the playbook's order. */
    public record Defaults(Map<String, Object> parameters) {
        public Defaults {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    /** The shared parameters {@code host} declares (none without a jail_defaults section). */
    public static Map<String, Object> of(DesiredHost host) {
        return host.kinds().get(KEY, Defaults.class).map(Defaults::parameters).orElse(Map.of());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Defaults> specType() {
        return Defaults.class;
    }

    /** Written without entries, the section is a mistake (as it always was), not "none". */
    @Override
    public boolean emptyMeansNone() {
        return false;
    }

    @Override
    public Defaults read(YamlValue section, Context context) {
        return new Defaults(parameters(section));
    }

    /**
     * jail.conf parameters as jail(8) names them (usr.sbin/jail/jailparse.y: lower-case words
     * joined by '.'), each a boolean, an integer or text jail.conf can quote; {@code name} and
     * {@code vnet.interface} are uirig's to set from the jail's definition.
     */
    static Map<String, Object> parameters(YamlValue section) {
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

    /** The jails' kind writes jail.conf. */
    @Override
    public List<Resource> resources(DesiredHost host, Defaults spec, Graph graph) {
        return List.of();
    }
}
