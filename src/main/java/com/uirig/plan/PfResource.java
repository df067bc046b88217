package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pf: the pf module loaded when it is not (a fresh FreeBSD has no /dev/pf), pf.conf checked with
 * {@code pfctl -nf} before it replaces the old one, then loaded, and pf enabled. Tables declared
 * with {@code file} in pf.conf are loaded with the ruleset.
 */
public record PfResource(String path, String content, List<Address> dependsOn) implements Resource {
    /** How the loaded ruleset is printed: translation rules, then scrub and filter rules. */
    public static final String SHOW_RULES = "pfctl -sn; pfctl -sr";
    public static final String PF_CONF = "/etc/pf.conf";
    /**
     * Where uirig keeps what {@link #SHOW_RULES} printed right after it loaded pf.conf: the loaded
     * rules are in sync while they still print the same (see FactsReader).
     */
    public static final String RECORD = "/var/db/uirig/pf.loaded";
    /** Records what pfctl prints for the ruleset just loaded (written whole, then renamed). */
    public static final Step RECORD_LOADED = Step.run("sh", "-c", "mkdir -p /var/db/uirig && { " + SHOW_RULES + "; } > "
            + RECORD + ".uirig-new && mv " + RECORD + ".uirig-new " + RECORD);

    public PfResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("pf", path);
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
        ObservedHost.PfState pf = observed.get(HostState.PF);
        if (context.changing().containsKey(EgressWindowResource.ADDRESS)) {
            // The window opened in this plan (module loaded, pf enabled, its rules loaded): close it.
            // pf keeps its states across the load, so no session is cut.
            steps.add(Step.run("pfctl", "-f", path));
            steps.add(RECORD_LOADED);
            reasons.add("the egress window closes");
            // What the host has now (check reports it as found); the window is loaded over it first.
            before.put("rules", pf.rulesMatchFile() ? "loaded from " + path : "differ from " + path);
            after.put("rules", "loaded from " + path);
            return Optional.of(new Change(address(), file.map(FileWrite.Outcome::action).orElse(Action.UPDATE),
                    String.join("; ", reasons), before, after, steps, file.map(FileWrite.Outcome::diff).orElse(""),
                    Guard.pf(List.of(path))));
        }
        if (!pf.moduleLoaded()) {
            // /etc/rc.d/pf: required_modules="pf"; pfctl needs /dev/pf for everything but -n.
            steps.add(0, Step.run("kldload", "-n", "pf"));
            reasons.add("the pf module is not loaded");
            before.put("module_loaded", false);
            after.put("module_loaded", true);
        }
        if (file.isPresent() || !pf.rulesLoaded() || !pf.rulesMatchFile()) {
            // While pf runs without filter rules it keeps no state: the connections open now, uirig's
            // own included, have none, and the rules loaded next block them (flags S/SA). Loading
            // over filter rules keeps their states: sessions carry on.
            boolean cuts = pf.enabled() && !pf.rulesLoaded();
            steps.add(cuts ? Step.cuttingSessions("pfctl", "-f", path) : Step.run("pfctl", "-f", path));
            steps.add(RECORD_LOADED);
            if (!pf.rulesLoaded()) {
                reasons.add("no ruleset is loaded");
            } else if (file.isEmpty()) {
                reasons.add("the loaded rules differ from " + path);
                before.put("rules", "differ from " + path);
                after.put("rules", "loaded from " + path);
            }
        }
        if (!pf.enabled()) {
            steps.add(Step.cuttingSessions("pfctl", "-e"));
            reasons.add("pf is disabled");
            before.put("enabled", false);
            after.put("enabled", true);
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        Action action = file.map(FileWrite.Outcome::action).orElse(Action.UPDATE);
        return Optional.of(new Change(address(), action, String.join("; ", reasons), before, after, steps,
                file.map(FileWrite.Outcome::diff).orElse(""), Guard.pf(List.of(path))));
    }

    @Override
    public List<OwnedFile> files() {
        return List.of(OwnedFile.text(path, content, "0644", "root:wheel"));
    }
}
