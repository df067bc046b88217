package com.uirig.kinds;

import com.uirig.config.PlaybookSection;
import com.uirig.config.PlaybookSections;
import com.uirig.config.YamlValue;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the kinds that make interfaces (NICs, epairs, bridges) read alike, and what they look up on the host. */
final class Interfaces {
    private Interfaces() {}

    /** An interface name from a section's key, or null after recording why it is none. */
    static IfName name(String key, YamlValue v) {
        try {
            return IfName.parse(key);
        } catch (IllegalArgumentException e) {
            v.error(e.getMessage());
            return null;
        }
    }

    /**
     * The unit of a cloned device written as {@code kind} and a unit ({@code epair3}), or null:
     * without leading zeros, as the cloner names it (sys/net/if_clone.c ifc_name2unit).
     */
    static Integer unit(YamlValue v, String kind) {
        if (v == null) {
            return null;
        }
        return v.as(text -> {
            if (!text.matches(kind + "(0|[1-9][0-9]{0,3})")) {
                throw new IllegalArgumentException("expected a device like " + kind + "0, found '" + text + "'");
            }
            return Integer.parseInt(text.substring(kind.length()));
        });
    }

    /** Every interface the host's sections make, by name, the first maker of a name winning. */
    static Map<IfName, PlaybookSection.Interface> defined(DesiredHost host) {
        Map<IfName, PlaybookSection.Interface> out = new LinkedHashMap<>();
        PlaybookSections.interfaces(host).forEach(i -> out.putIfAbsent(i.name(), i));
        return out;
    }

    /** The message for a name a section defines again: {@code owner} made it first. */
    static String definedTwice(IfName name, String owner) {
        return "interface name '" + name + "' is defined twice (also by " + owner + ")";
    }
}
