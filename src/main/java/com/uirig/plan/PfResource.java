package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pf: pf.conf checked with {@code pfctl -nf} before it replaces the old one, then loaded, and
 * pf enabled. Tables declared with {@code file} in pf.conf are loaded with the ruleset.
 */
public record PfResource(String path, String content, List<String> dependsOn) implements Resource {
    public PfResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public String address() {
        return "pf[" + path + "]";
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        Step check = Step.run("pfctl", "-nf", FileWrite.temporary(path));
        var file = FileWrite.compare(path, content, "0644", "root:wheel", observed, List.of(check));
        List<Step> steps = new ArrayList<>(file.map(FileWrite.Outcome::steps).orElse(List.of()));
        Map<String, Object> before = new LinkedHashMap<>(file.map(FileWrite.Outcome::before).orElse(Map.of()));
        Map<String, Object> after = new LinkedHashMap<>(file.map(FileWrite.Outcome::after).orElse(Map.of()));
        List<String> reasons = new ArrayList<>();
        file.ifPresent(o -> reasons.add(path + (o.action() == Action.CREATE ? " does not exist" : " differs")));
        if (file.isPresent() || !observed.pf().rulesLoaded() || !observed.pf().rulesMatchFile()) {
            steps.add(Step.run("pfctl", "-f", path));
            if (!observed.pf().rulesLoaded()) {
                reasons.add("no ruleset is loaded");
            } else if (file.isEmpty()) {
                reasons.add("the loaded rules differ from " + path);
                before.put("rules", "differ from " + path);
                after.put("rules", "loaded from " + path);
            }
        }
        if (!observed.pf().enabled()) {
            steps.add(Step.run("pfctl", "-e"));
            reasons.add("pf is disabled");
            before.put("enabled", false);
            after.put("enabled", true);
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        Action action = file.map(FileWrite.Outcome::action).orElse(Action.UPDATE);
        return Optional.of(new Change(address(), action, String.join("; ", reasons), before, after, steps,
                file.map(FileWrite.Outcome::diff).orElse("")));
    }

    @Override
    public List<OwnedFile> files() {
        return List.of(OwnedFile.text(path, content, "0644", "root:wheel"));
    }
}
