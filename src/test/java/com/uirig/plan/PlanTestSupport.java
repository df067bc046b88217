package com.uirig.plan;

import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

final class PlanTestSupport {
    private PlanTestSupport() {}

    static Inventory prod() {
        return InventoryLoader.load(Path.of("inventory/prod"));
    }

    static Map<String, ObservedHost> each(Inventory inv, Function<DesiredHost, ObservedHost> f) {
        Map<String, ObservedHost> out = new LinkedHashMap<>();
        inv.hosts().forEach(h -> out.put(h.name(), f.apply(h)));
        return out;
    }

    static Map<String, ObservedHost> fresh(Inventory inv) {
        return each(inv, FreshHost::of);
    }

    static Map<String, ObservedHost> converged(Inventory inv) {
        return each(inv, ConvergedHost::of);
    }
}
