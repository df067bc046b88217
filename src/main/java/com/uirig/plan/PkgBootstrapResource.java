package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pkg itself on the host. A fresh FreeBSD has only the bootstrap stub /usr/sbin/pkg, which refuses
 * to run without a terminal unless ASSUME_ALWAYS_YES=yes is set (usr.sbin/pkg/pkg.c); once
 * bootstrapped, pkg is /usr/local/sbin/pkg. Jails need no pkg of their own: {@code pkg -j} runs the
 * host's pkg attached to the jail.
 */
public record PkgBootstrapResource(List<Address> dependsOn) implements Resource {
    public static final Address ADDRESS = Address.of("pkg", "bootstrap");

    /** The real pkg, installed by the bootstrap. */
    public static final String PKG = "/usr/local/sbin/pkg";

    public PkgBootstrapResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return ADDRESS;
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        if (observed.get(HostState.EXISTING_PATHS).contains(PKG)) {
            return Optional.empty();
        }
        return Optional.of(new Change(address(), Action.CREATE, "pkg is not bootstrapped (" + PKG + " does not exist)",
                Map.of("bootstrapped", false), Map.of("bootstrapped", true),
                List.of(Step.longRunning("env", "ASSUME_ALWAYS_YES=yes", "pkg", "bootstrap", "-y")), ""));
    }
}
