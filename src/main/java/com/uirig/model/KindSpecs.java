package com.uirig.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a host's playbooks ask of the kinds that register themselves (see {@code plan.Kind}): one
 * typed value per playbook section, keyed by the section's name, in the kinds' order. The model
 * holds them without knowing their types; each kind reads back its own.
 */
public record KindSpecs(Map<String, Object> bySection) {
    public static final KindSpecs NONE = new KindSpecs(Map.of());

    public KindSpecs {
        bySection = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bySection));
    }

    /** The value read for {@code section}, as the type its kind gave it, or empty when the host has none. */
    public <T> Optional<T> get(String section, Class<T> type) {
        return Optional.ofNullable(bySection.get(section)).map(type::cast);
    }
}
