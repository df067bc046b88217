package com.uirig.kinds;

import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.IfName;
import com.uirig.model.JailParam;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes /etc/jail.conf: shared parameters first, then one block per jail in boot order. */
final class JailConf {
    static final String PATH = "/etc/jail.conf";

    private JailConf() {}

    static String render(DesiredHost d) {
        StringBuilder out = new StringBuilder("# Managed by uirig: local changes are overwritten.\n");
        JailDefaultsKind.of(d).forEach((k, v) -> out.append(statement(k, v)).append('\n'));
        for (Jail j : JailsKind.of(d)) {
            out.append('\n').append(j.name()).append(" {\n");
            j.parameters().forEach((k, v) -> out.append("  ").append(statement(k, v)).append('\n'));
            if (!j.vnetInterfaces().isEmpty()) {
                out.append("  vnet.interface = ")
                        .append(j.vnetInterfaces().stream().map(IfName::value).collect(Collectors.joining(", ")))
                        .append(";\n");
            }
            out.append("}\n");
        }
        return out.toString();
    }

    /** One parameter: {@code name;} for true, {@code noname;} for false, numbers bare, text quoted as jail(8) reads it. */
    static String statement(String name, Object value) {
        if (value instanceof Boolean b) {
            if (b) {
                return name + ";";
            }
            int dot = name.lastIndexOf('.');
            return name.substring(0, dot + 1) + "no" + name.substring(dot + 1) + ";";
        }
        if (value instanceof Integer n) {
            return name + " = " + n + ";";
        }
        return name + " = " + JailParam.quoted(String.valueOf(value)) + ";";
    }

    /** A jail's effective parameters as jls reports them (variables filled in), for comparison with a running jail. */
    static Map<String, String> effective(DesiredHost d, Jail j) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Object> all = new LinkedHashMap<>(JailDefaultsKind.of(d));
        all.putAll(j.parameters());
        all.forEach((k, v) -> {
            if (k.startsWith("exec.") || k.startsWith("mount.") || k.equals("path") || v instanceof Boolean) {
                return;
            }
            out.put(k, v instanceof String text ? JailParam.expand(text, j.name()) : String.valueOf(v));
        });
        return out;
    }
}
