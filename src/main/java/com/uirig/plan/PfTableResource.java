package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.Cidr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pf table loaded from a file: the file, and the table's loaded addresses when pf has a
 * ruleset (a fresh load of pf.conf reads the file itself).
 */
public record PfTableResource(String name, String path, List<Cidr> addresses) implements Resource {
    public PfTableResource {
        addresses = List.copyOf(addresses);
    }

    @Override
    public Address address() {
        return Address.of("pf_table", name);
    }

    @Override
    public List<Address> dependsOn() {
        return List.of();
    }

    public String content() {
        StringBuilder out = new StringBuilder();
        addresses.forEach(a -> out.append(a.entryText()).append('\n'));
        return out.toString();
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        var file = FileWrite.compare(path, content(), "0644", "root:wheel", observed, List.of());
        List<Step> steps = new ArrayList<>(file.map(FileWrite.Outcome::steps).orElse(List.of()));
        Map<String, Object> before = new LinkedHashMap<>(file.map(FileWrite.Outcome::before).orElse(Map.of()));
        Map<String, Object> after = new LinkedHashMap<>(file.map(FileWrite.Outcome::after).orElse(Map.of()));
        String reason = file.map(o -> path + (o.action() == Action.CREATE ? " does not exist" : " differs")).orElse("");
        if (observed.get(HostState.PF).rulesLoaded()) {
            Set<String> want = new TreeSet<>(addresses.stream().map(Cidr::entryText).toList());
            Set<String> loaded = new TreeSet<>(observed.get(HostState.PF).tables().getOrDefault(name, Set.of()));
            if (file.isPresent() || !want.equals(loaded)) {
                steps.add(Step.run("pfctl", "-t", name, "-T", "replace", "-f", path));
                before.put("loaded", List.copyOf(loaded));
                after.put("loaded", List.copyOf(want));
                if (file.isEmpty()) {
                    reason = "loaded table <" + name + "> differs from " + path;
                }
            }
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        Action action = file.map(FileWrite.Outcome::action).orElse(Action.UPDATE);
        // Only loading the table can cut uirig off (it may hold the addresses pf lets SSH in from):
        // while pf has no rules loaded, nothing reads the file yet.
        boolean loads = steps.stream().anyMatch(s -> s.argv().get(0).equals("pfctl"));
        return Optional.of(new Change(address(), action, reason, before, after, steps, file.map(FileWrite.Outcome::diff).orElse(""),
                loads ? Guard.pf(List.of(path)) : null));
    }

    @Override
    public List<OwnedFile> files() {
        return List.of(OwnedFile.text(path, content(), "0644", "root:wheel"));
    }
}
