package com.uirig.kinds;

import com.uirig.config.Origins;
import com.uirig.config.PlaybookSection;
import com.uirig.config.PlaybookSections;
import com.uirig.config.YamlValue;
import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.Ipv4;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Guard;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The host's default route, the playbook's {@code defaultrouter} section: {@code route add
 * default GW} (or {@code route change}), and {@code defaultrouter} in rc.conf, which rc.d/routing
 * (static_inet) adds at boot.
 */
public final class DefaultRouterKind implements Kind<DefaultRouterKind.Router> {
    public static final String KEY = "defaultrouter";
    private static final Address ADDRESS = Address.of("route", "default");

    /** The gateway of the default route. */
    public record Router(Ipv4 gateway) {}

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Router> specType() {
        return Router.class;
    }

    /** {@code defaultrouter:} with no address is a mistake, not "no default route". */
    @Override
    public boolean emptyMeansNone() {
        return false;
    }

    @Override
    public Router read(YamlValue section, Context context) {
        Ipv4 gateway = section.as(Ipv4::parse);
        context.origins().put(KEY, section);
        return gateway == null ? null : new Router(gateway);
    }

    /**
     * The gateway is on one of the host's subnets (NICs, bridges, and the kinds' interfaces such
     * as a lagg or a VLAN), else route(8) could not reach it. Said only when every NIC's address is
     * valid: a NIC's own problem is reported at the NIC.
     */
    @Override
    public void check(Router spec, DesiredHost host, List<DesiredHost> inventory, Origins origins) {
        if (NicsKind.of(host).stream().anyMatch(n -> n.inet() == null)) {
            return;
        }
        List<Cidr> subnets = subnets(host);
        if (subnets.stream().noneMatch(c -> c.contains(spec.gateway()))) {
            origins.error(KEY, "default router " + spec.gateway() + " is on none of the host's subnets ("
                    + subnets.stream().map(Cidr::networkText).collect(Collectors.joining(", ")) + ")");
        }
    }

    private static List<Cidr> subnets(DesiredHost host) {
        return PlaybookSections.interfaces(host).stream().map(PlaybookSection.Interface::inet).flatMap(Optional::stream).toList();
    }

    @Override
    public RcConf rcConf(Router spec) {
        return new RcConf(List.of(), Map.of("defaultrouter", spec.gateway().toString()));
    }

    /** The route waits for the interfaces on the gateway's subnet (a NIC, a bridge, a lagg, a VLAN). */
    @Override
    public List<Resource> resources(DesiredHost host, Router spec, Graph graph) {
        List<Address> deps = PlaybookSections.interfaces(host).stream()
                .filter(i -> i.inet().filter(c -> c.contains(spec.gateway())).isPresent())
                .map(i -> graph.ownerOf(i.name())).flatMap(Optional::stream).distinct().toList();
        return List.of(new RouteResource(spec.gateway(), deps));
    }

    /** The host's default route. */
    public record RouteResource(Ipv4 gateway, List<Address> dependsOn) implements Resource {
        public RouteResource {
            dependsOn = List.copyOf(dependsOn);
        }

        @Override
        public Address address() {
            return ADDRESS;
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
}
