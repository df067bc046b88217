package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.Ipv4;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The host's default route. */
public record RouteResource(Ipv4 gateway, List<Address> dependsOn) implements Resource {
    public RouteResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("route", "default");
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        String want = gateway.toString();
        Optional<String> found = observed.get(HostState.DEFAULT_ROUTE);
        if (found.isPresent() && found.get().equals(want)) {
            return Optional.empty();
        }
        if (found.isEmpty()) {
            return Optional.of(new Change(address(), Action.CREATE, "no default route", Map.of(),
                    Map.of("gateway", want), List.of(Step.run("route", "add", "default", want)), "", Guard.route(null)));
        }
        return Optional.of(new Change(address(), Action.UPDATE, "default route goes via " + found.get(),
                Map.of("gateway", found.get()), Map.of("gateway", want),
                List.of(Step.run("route", "change", "default", want)), "", Guard.route(found.get())));
    }
}
