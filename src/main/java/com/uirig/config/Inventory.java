package com.uirig.config;

import com.uirig.model.DesiredHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded, validated inventory: every host's desired state, in inventory order, and warnings
 * (located like problems) about settings that are valid but likely not what was meant.
 */
public record Inventory(String name, Path file, List<DesiredHost> hosts, List<String> warnings) {
    public Inventory(String name, Path file, List<DesiredHost> hosts) {
        this(name, file, hosts, List.of());
    }

    public Optional<DesiredHost> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
