package com.uirig.config;

import com.uirig.model.DesiredHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A loaded, validated inventory: every host's desired state, in inventory order. */
public record Inventory(String name, Path file, List<DesiredHost> hosts) {
    public Optional<DesiredHost> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }
}
