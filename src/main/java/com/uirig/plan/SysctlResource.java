package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A kernel setting applied at run time with sysctl. */
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
        String found = observed.sysctl().get(name);
        if (value.equals(found)) {
            return Optional.empty();
        }
        return Optional.of(new Change(address(), Action.UPDATE, name + " is " + (found == null ? "unknown" : found),
                found == null ? Map.of() : Map.of("value", found), Map.of("value", value),
                List.of(Step.run("sysctl", name + "=" + value)), ""));
    }
}
