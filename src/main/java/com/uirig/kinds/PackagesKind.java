package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Sections;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Address;
import com.uirig.plan.EgressWindowResource;
import com.uirig.plan.Kind;
import com.uirig.plan.PackagesResource;
import com.uirig.plan.PkgBootstrapResource;
import com.uirig.plan.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's packages, the playbook's {@code packages} section, installed with pkg(8)
 * ({@link PackagesResource}); and pkg itself, bootstrapped once for every package the host or a
 * jail installs ({@link PkgBootstrapResource}). A jail's packages are {@link JailsKind}'s.
 */
public final class PackagesKind implements Kind<PackagesKind.Packages> {
    public static final String KEY = "packages";

    /** The host's package names, in the playbook's order. */
    public record Packages(List<String> names) {
        public Packages {
            names = List.copyOf(names);
        }
    }

    /** The packages {@code host} installs on itself (none without a packages section). */
    public static List<String> of(DesiredHost host) {
        return host.kinds().get(KEY, Packages.class).map(Packages::names).orElse(List.of());
    }

    /** The host's own package set, when it has one. */
    static Optional<Address> hostPackages(DesiredHost host) {
        return of(host).isEmpty() ? Optional.empty() : Optional.of(Address.of("packages", "host"));
    }

    /**
     * What every pkg run waits for: pkg bootstrapped and, where pf declares one, the egress window
     * open (it lets the host and the jails reach the package mirror).
     */
    static List<Address> beforePackages(DesiredHost host) {
        List<Address> out = new ArrayList<>(List.of(PkgBootstrapResource.ADDRESS));
        if (PfKind.of(host).filter(pf -> pf.egressWindow().isPresent()).isPresent()) {
            out.add(EgressWindowResource.ADDRESS);
        }
        return out;
    }

    private static boolean anyPackages(DesiredHost host) {
        return !of(host).isEmpty() || JailsKind.of(host).stream().anyMatch(j -> !j.packages().isEmpty());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Packages> specType() {
        return Packages.class;
    }

    /** Every host has the kind: pkg is bootstrapped for its jails' packages too. */
    @Override
    public Packages absent() {
        return new Packages(List.of());
    }

    @Override
    public Packages read(YamlValue section, Context context) {
        return new Packages(Readers.packages(section));
    }

    @Override
    public List<Resource> resources(DesiredHost host, Packages spec, Graph graph) {
        List<Resource> out = new ArrayList<>();
        if (!spec.names().isEmpty()) {
            out.add(new PackagesResource("", spec.names(), beforePackages(host)));
        }
        if (anyPackages(host)) {
            // Bootstrapping fetches pkg itself: through the window too.
            List<Address> before = beforePackages(host);
            out.add(new PkgBootstrapResource(before.subList(1, before.size())));
        }
        return out;
    }

    /** {@code pkg query %n} lists the host's packages; {@code test -e} says whether pkg is bootstrapped. */
    @Override
    public Map<String, String> probes(DesiredHost host, Packages spec) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!spec.names().isEmpty()) {
            out.put(Sections.packages(""), "pkg query %n");
        }
        if (anyPackages(host)) {
            out.put(Sections.exists(PkgBootstrapResource.PKG), "test -e " + PkgBootstrapResource.PKG);
        }
        return out;
    }
}
