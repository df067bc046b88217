package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Packages installed with pkg on the host or, with {@code pkg -j}, in a running jail. */
public record PackagesResource(String jail, List<String> packages, List<Address> dependsOn) implements Resource {
    public PackagesResource {
        packages = List.copyOf(packages);
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("packages", (jail.isEmpty() ? "host" : jail));
    }

    /** The packages not installed yet. */
    public List<String> missing(ObservedHost observed) {
        Set<String> installed = observed.get(HostState.PACKAGES).getOrDefault(jail, Set.of());
        return packages.stream().filter(p -> !installed.contains(p)).toList();
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        Set<String> installed = observed.get(HostState.PACKAGES).getOrDefault(jail, Set.of());
        List<String> missing = missing(observed);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        List<String> argv = new ArrayList<>(jail.isEmpty() ? List.of("pkg", "install", "-y") : List.of("pkg", "-j", jail, "install", "-y"));
        argv.addAll(missing);
        Action action = packages.stream().anyMatch(installed::contains) ? Action.UPDATE : Action.CREATE;
        return Optional.of(new Change(address(), action, "not installed: " + String.join(", ", missing),
                Map.of("installed", packages.stream().filter(installed::contains).toList()),
                Map.of("installed", packages), List.of(Step.longRunning(argv.toArray(String[]::new))), "")
                // Installing packages changes no file a running service reads: it restarts nothing.
                .touching(java.util.Set.of()));
    }
}
