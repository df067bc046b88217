package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The egress window: while packages install, pf runs pf.conf plus the playbook's egress rules
 * (the seed's "Uncomment for updating FreeBSD and packages"), which let the host and the jails
 * reach the package mirror and give the jails their NAT. It opens only when a package is missing,
 * under the rollback guard of any pf change (its address is {@code pf[egress]}); {@link PfResource}
 * closes it by loading pf.conf again, and apply's expectations then prove with traffic that the
 * normal ruleset is back.
 */
public record EgressWindowResource(String conf, List<PackagesResource> packages, List<Address> dependsOn) implements Resource {
    /** The window's ruleset on the host (rewritten each time the window opens). */
    public static final String FILE = "/var/db/uirig/pf.egress.conf";
    public static final Address ADDRESS = Address.of("pf", "egress");

    public EgressWindowResource {
        packages = List.copyOf(packages);
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return ADDRESS;
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        List<String> missing = packages.stream().filter(p -> !p.missing(observed).isEmpty()).map(r -> r.address().toString()).toList();
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        ObservedHost.PfState pf = observed.get(HostState.PF);
        List<Step> steps = new ArrayList<>();
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        if (!pf.moduleLoaded()) {
            steps.add(Step.run("kldload", "-n", "pf"));
            before.put("module_loaded", false);
            after.put("module_loaded", true);
        }
        steps.add(Step.withContent(conf, "sh", "-c", "mkdir -p \"${1%/*}\" && cat > \"$1\"", "sh", FILE));
        steps.add(Step.run("pfctl", "-nf", FILE));
        // As for pf.conf: a load while pf runs without filter rules cuts the open sessions.
        boolean cuts = pf.enabled() && !pf.rulesLoaded();
        steps.add(cuts ? Step.cuttingSessions("pfctl", "-f", FILE) : Step.run("pfctl", "-f", FILE));
        if (!pf.enabled()) {
            steps.add(Step.cuttingSessions("pfctl", "-e"));
            before.put("enabled", false);
            after.put("enabled", true);
        }
        before.put("rules", pf.rulesLoaded() ? "loaded" : "none");
        after.put("rules", "pf.conf and the egress window");
        // Putting pf.conf back and loading it closes the window (the window's own file is not loaded at boot).
        return Optional.of(new Change(address(), Action.UPDATE, "packages to install: " + String.join(", ", missing),
                before, after, steps, "", Guard.pf(List.of())));
    }
}
