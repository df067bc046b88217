package com.uirig.config;

import java.util.HashMap;
import java.util.Map;

/** Where each part of a host's desired state was written, so checks after reading can point at it. */
public final class Origins {
    private final Map<String, YamlValue> byKey = new HashMap<>();
    private YamlValue fallback;

    public void put(String key, YamlValue value) {
        if (value != null) {
            byKey.put(key, value);
            if (fallback == null) {
                fallback = value;
            }
        }
    }

    /** Records a problem at the named part (or at the nearest known place). */
    public void error(String key, String message) {
        YamlValue v = byKey.get(key);
        if (v == null) {
            v = fallback;
        }
        if (v != null) {
            v.error(message);
        }
    }

    /** Records a warning about the named part in {@code warnings}, where the part was written. */
    public void warn(String key, String message, Problems.Sink warnings) {
        YamlValue v = byKey.getOrDefault(key, fallback);
        if (v != null) {
            warnings.add(v.location(), v.path(), "warning: " + message);
        }
    }

    /** Records a problem at a place outside the YAML (such as a line of a template). */
    public void errorAt(Location location, String message) {
        if (fallback != null) {
            fallback.sink().add(location, "", message);
        }
    }

    public boolean has(String key) {
        return byKey.containsKey(key);
    }
}
