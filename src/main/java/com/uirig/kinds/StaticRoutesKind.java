package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Fact;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.UnreadableOutput;
import com.uirig.model.Cidr;
import com.uirig.model.DesiredHost;
import com.uirig.model.IfName;
import com.uirig.model.Ipv4;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.Guard;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static IPv4 routes, as rc.d/routing adds them at boot: {@code static_routes="NAME ..."} and
 * {@code route_NAME="-net 10.30.0.0/16 192.168.56.1"} in rc.conf (libexec/rc/rc.d/routing
 * static_inet runs {@code route add} with each route_NAME's words), and the same {@code route add}
 * now; {@code route change} when the route goes another way. The default route is
 * {@code defaultrouter}'s ({@link DefaultRouterKind}). Routes the playbook does not name are left alone.
 */
public final class StaticRoutesKind implements Kind<StaticRoutesKind.Routes> {
    public static final String KEY = "static_routes";
    /** The probe section of the route to a destination: {@code static_route/10.30.0.0/16}, {@code static_route/10.30.0.5}. */
    static final String SECTION = "static_route/";

    /**
     * A word of static_routes whose route_NAME is the variable rc.d/routing reads: static_inet
     * looks each word up with network.subr get_if_var, which turns '.', '-', '/' and '+' into '_'
     * (so a-b and a_b would read the same route_a_b), and it adds routes of its own named
     * _loopback and _default (_default_fibN).
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_]*");

    /** The routes a host's playbooks declare, in their order. */
    public record Routes(List<Route> routes) {
        public Routes {
            routes = List.copyOf(routes);
        }
    }

    /**
     * One route: to a network, or to a host (a /32), through a gateway or, for an interface route,
     * straight out of an interface.
     */
    public record Route(String name, Cidr destination, Optional<Ipv4> gateway, Optional<IfName> iface) {
        public boolean host() {
            return destination.prefix() == 32;
        }

        /** The destination as route(8) takes it: {@code 10.30.0.0/16}, or a host's bare address. */
        public String destinationText() {
            return host() ? destination.address().toString() : destination.networkText();
        }

        /** The destination words of route(8) (sbin/route/route.c newroute: -host or -net). */
        List<String> target() {
            return List.of(host() ? "-host" : "-net", destinationText());
        }

        /** How the route goes: the gateway, or -interface and the interface (route.c newroute's F_INTERFACE). */
        List<String> via() {
            return gateway.map(g -> List.of(g.toString())).orElseGet(() -> List.of("-interface", iface.orElseThrow().value()));
        }

        /** route_NAME in rc.conf: exactly the words rc.d/routing passes to {@code route add}. */
        public String routeArgs() {
            List<String> words = new ArrayList<>(target());
            words.addAll(via());
            return String.join(" ", words);
        }
    }

    /**
     * What {@code route -n get} showed for a destination: whether the route is there, and then its
     * gateway (null for an interface route) and the interface it leaves by.
     */
    public record Seen(boolean present, String gateway, String iface) {
        static final Seen ABSENT = new Seen(false, null, null);
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Routes> specType() {
        return Routes.class;
    }

    @Override
    public Routes read(YamlValue section, Context context) {
        DesiredHost host = context.host();
        List<Route> routes = new ArrayList<>();
        Map<String, String> byDestination = new LinkedHashMap<>();
        for (var e : section.entries().entrySet()) {
            String name = e.getKey();
            YamlValue v = e.getValue();
            String nameProblem = nameProblem(name);
            if (nameProblem != null) {
                v.error(nameProblem);
            }
            var f = v.fields(List.of("destination", "gateway", "interface"), List.of("destination"));
            if (!f.valid()) {
                continue;
            }
            Cidr destination = f.has("destination") ? f.get("destination").as(StaticRoutesKind::destination) : null;
            Optional<Ipv4> gateway = f.has("gateway") ? Optional.ofNullable(f.get("gateway").as(Ipv4::parse)) : Optional.empty();
            Optional<IfName> iface = f.has("interface") ? Optional.ofNullable(f.get("interface").as(IfName::parse)) : Optional.empty();
            if (f.has("gateway") == f.has("interface")) {
                v.error("a route needs exactly one of gateway (an IPv4 address) and interface (an interface route)");
                continue;
            }
            if (destination == null || (f.has("gateway") && gateway.isEmpty()) || (f.has("interface") && iface.isEmpty())) {
                continue;
            }
            String problem = ownSubnet(host, destination);
            if (problem != null) {
                f.get("destination").error(problem);
                continue;
            }
            Route r = new Route(name, destination, gateway, iface);
            String other = byDestination.putIfAbsent(r.destinationText(), name);
            if (other != null) {
                f.get("destination").error("route '" + other + "' goes to " + r.destinationText() + " already");
                continue;
            }
            if (nameProblem == null) {
                routes.add(r);
            }
        }
        return new Routes(routes);
    }

    /** Why {@code name} cannot be a word of rc.conf's static_routes, or null. */
    static String nameProblem(String name) {
        if (NAME.matcher(name).matches()) {
            return null;
        }
        if (name.startsWith("_")) {
            return "invalid route name '" + name + "': rc.d/routing names its own routes _loopback and _default "
                    + "(static_inet); start with a letter or a digit";
        }
        if (name.matches("[A-Za-z0-9_.+/-]+")) {
            return "invalid route name '" + name + "': rc.d/routing reads route_" + name.replaceAll("[.+/-]", "_")
                    + " for it (network.subr get_if_var turns '.', '-', '/' and '+' into '_'); use letters, digits and '_'";
        }
        return "invalid route name '" + name + "': it becomes a word of rc.conf's static_routes and the variable "
                + "route_NAME, so letters, digits and '_' only";
    }

    /** A destination: a network with no host bits set, or a host address; never the default route. */
    static Cidr destination(String text) {
        Cidr c = Cidr.parse(text, false);
        if (c.prefix() == 0) {
            throw new IllegalArgumentException("a route to " + text + " is the default route: set it with defaultrouter "
                    + "(rc.conf's defaultrouter), not as a static route");
        }
        if (!c.network().equals(c.address())) {
            throw new IllegalArgumentException("destination " + text + " has host bits set: the network is "
                    + c.networkText() + " (route(8) masks the address, and then shows the network)");
        }
        return c;
    }

    /**
     * The routes FreeBSD makes itself for an interface's address (its subnet, and the address on
     * lo0): a static route there would replace them.
     */
    private static String ownSubnet(DesiredHost host, Cidr destination) {
        Map<String, Cidr> addresses = new LinkedHashMap<>();
        // The NICs, bridges and the interfaces of the other kinds registered before this one (a lagg, a VLAN).
        com.uirig.config.PlaybookSections.interfaces(host)
                .forEach(i -> i.inet().ifPresent(c -> addresses.put(i.owner() + " " + i.name(), c)));
        for (var a : addresses.entrySet()) {
            Cidr own = a.getValue();
            if (destination.prefix() == own.prefix() && destination.network().equals(own.network())) {
                return "destination " + destination.networkText() + " is the subnet of " + a.getKey()
                        + ": FreeBSD routes it to the interface itself";
            }
            if (destination.prefix() == 32 && destination.address().equals(own.address())) {
                return "destination " + destination.address() + " is the address of " + a.getKey() + " (routed to lo0)";
            }
        }
        return null;
    }

    @Override
    public List<Resource> resources(DesiredHost host, Routes spec, Graph graph) {
        return spec.routes().stream().<Resource>map(r -> new StaticRouteResource(r, dependencies(host, r, graph))).toList();
    }

    /**
     * A route waits for what gives the host its way out: the interface of an interface route; for a
     * gateway, the NIC or bridge on the gateway's subnet, else every interface the host makes (the
     * subnet may be a VLAN's of another kind).
     */
    private static List<Address> dependencies(DesiredHost host, Route r, Graph graph) {
        Set<Address> deps = new LinkedHashSet<>();
        if (r.iface().isPresent()) {
            IfName i = r.iface().get();
            graph.ownerOf(i).ifPresent(deps::add);
            return List.copyOf(deps);
        }
        Ipv4 gw = r.gateway().orElseThrow();
        NicsKind.of(host).stream().filter(n -> n.inet() != null && n.inet().contains(gw))
                .forEach(n -> deps.add(NicsKind.address(n.name())));
        BridgesKind.of(host).stream().filter(b -> b.inet().filter(c -> c.contains(gw)).isPresent())
                .forEach(b -> graph.ownerOf(b.name()).ifPresent(deps::add));
        if (deps.isEmpty()) {
            // Sorted by address, as plans and goldens have always listed them.
            graph.interfaces().stream().sorted(java.util.Comparator.comparing(Address::toString)).forEach(deps::add);
        }
        return List.copyOf(deps);
    }

    @Override
    public List<Fact<?>> facts(DesiredHost host, Routes spec) {
        return spec.routes().stream().<Fact<?>>map(r -> fact(r.destination())).toList();
    }

    @Override
    public Optional<Fact<?>> factOf(String section) {
        if (!section.startsWith(SECTION)) {
            return Optional.empty();
        }
        Cidr d;
        try {
            d = destination(section.substring(SECTION.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Fact<Seen> f = fact(d);
        return f.section().equals(section) ? Optional.of(f) : Optional.empty();
    }

    @Override
    public RcConf rcConf(Routes spec) {
        if (spec.routes().isEmpty()) {
            return RcConf.NONE;
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put("static_routes", String.join(" ", spec.routes().stream().map(Route::name).toList()));
        spec.routes().forEach(r -> s.put("route_" + r.name(), r.routeArgs()));
        return new RcConf(List.of(), s);
    }

    /**
     * The route to {@code d} as {@code route -n get} shows it. For a network route(8) sends its mask,
     * and FreeBSD 14's route asks the kernel for that exact prefix (sbin/route/route_netlink.c
     * rtmsg_nl_int: RTM_F_PREFIX when a mask is set); for a host it asks for the best match, which
     * may be a wider route or the default: only a destination line with the address and no mask
     * line (print_getmsg prints none for a /32) is the host route.
     */
    static Fact<Seen> fact(Cidr d) {
        Route probe = new Route("", d, Optional.empty(), Optional.empty());
        String section = SECTION + probe.destinationText();
        String command = "route -n get " + String.join(" ", probe.target());
        return new Fact<>(section, command, (exit, output) -> parse(probe, command, exit, output), Seen.ABSENT);
    }

    /** The lines print_getmsg prints (sbin/route/route_netlink.c), then the metrics' header and values. */
    private static final Pattern FIELD = Pattern.compile(" *(route to|destination|mask|gateway|fib|interface|flags): (.*)");
    private static final Pattern METRICS_HEADER = Pattern.compile(" *recvpipe +sendpipe +ssthresh +rtt,msec +mtu +weight +expire *");
    private static final Pattern METRICS = Pattern.compile("( +-?\\d+){7} *");

    static Seen parse(Route probe, String command, int exit, String output) {
        // FreeBSD 14's netlink route has two answers for a route it does not find: the first
        // version of route_netlink.c (rtmsg_nl_int) warns on standard error and returns 0, so
        // route exits 0 having printed nothing; later ones warnx and exit with the error.
        if (exit == 0 && output.isBlank()) {
            return Seen.ABSENT;
        }
        if (exit != 0) {
            // "route has not been found" and every other failure go to standard error (warnx, err).
            if (!output.isBlank()) {
                throw new UnreadableOutput("'" + command + "' failed (exit " + exit + ") yet printed on standard output: "
                        + "route prints its errors on standard error");
            }
            return Seen.ABSENT;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String[] lines = output.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = FIELD.matcher(line);
            if (m.matches()) {
                if (fields.isEmpty() && !m.group(1).equals("route to")) {
                    break;
                }
                if (fields.putIfAbsent(m.group(1), m.group(2).strip()) != null) {
                    throw new UnreadableOutput("'" + command + "' printed '" + m.group(1) + ":' twice");
                }
            } else if (!line.isBlank() && !METRICS_HEADER.matcher(line).matches() && !METRICS.matcher(line).matches()) {
                throw new UnreadableOutput("'" + command + "' printed a line that route does not print for a route "
                        + "(line " + (i + 1) + ")");
            }
        }
        // get_ifdata names the interface even when it cannot find it ("if#N"): the line is always there.
        if (!fields.containsKey("route to") || !fields.containsKey("destination") || !fields.containsKey("interface")) {
            throw new UnreadableOutput("'" + command + "' succeeded without the 'route to:', 'destination:' and "
                    + "'interface:' lines");
        }
        Cidr d = probe.destination();
        boolean present = probe.host()
                ? address(command, fields.get("destination")).filter(d.address()::equals).isPresent() && !fields.containsKey("mask")
                : address(command, fields.get("destination")).filter(d.network()::equals).isPresent()
                        && fields.containsKey("mask") && address(command, fields.get("mask")).filter(mask(d.prefix())::equals).isPresent();
        if (!present) {
            return Seen.ABSENT;
        }
        String gateway = fields.get("gateway");
        if (gateway != null) {
            gateway = address(command, gateway).orElseThrow(() -> new UnreadableOutput(
                    "'" + command + "' printed the gateway 'default'")).toString();
        }
        return new Seen(true, gateway, fields.get("interface"));
    }

    /** An address route -n prints: dotted, or "default" for 0.0.0.0 (sbin/route/route.c routename). */
    private static Optional<Ipv4> address(String command, String text) {
        if (text.equals("default")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Ipv4.parse(text));
        } catch (IllegalArgumentException e) {
            throw new UnreadableOutput("'" + command + "' printed '" + text + "' where route -n prints an IPv4 address");
        }
    }

    private static Ipv4 mask(int prefix) {
        return new Ipv4(prefix == 0 ? 0 : -1 << (32 - prefix));
    }

    /** One static route on the host, {@code static_route[NAME]}. */
    public record StaticRouteResource(Route route, List<Address> dependsOn) implements Resource {
        public StaticRouteResource {
            dependsOn = List.copyOf(dependsOn);
        }

        @Override
        public Address address() {
            return Address.of("static_route", route.name());
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            Seen seen = observed.fact(fact(route.destination())).orElse(Seen.ABSENT);
            Map<String, Object> after = describe(route.gateway().map(Ipv4::toString).orElse(null),
                    route.iface().map(IfName::value).orElse(null));
            String to = route.destinationText();
            if (!seen.present()) {
                // Undone by deleting it: a route can take uirig's own connection away (see README).
                return Optional.of(new Change(address(), Action.CREATE, "no route to " + to, Map.of(), after,
                        List.of(step("add", route.via())), "", guard(step("delete", List.of()))));
            }
            boolean inSync = route.gateway().isPresent()
                    ? route.gateway().get().toString().equals(seen.gateway())
                    : seen.gateway() == null && route.iface().orElseThrow().value().equals(seen.iface());
            if (inSync) {
                return Optional.empty();
            }
            List<String> was = seen.gateway() != null ? List.of(seen.gateway()) : List.of("-interface", seen.iface());
            String reason = to + " goes " + (seen.gateway() != null ? "via " + seen.gateway() : "out of " + seen.iface());
            return Optional.of(new Change(address(), Action.UPDATE, reason, describe(seen.gateway(), seen.iface()), after,
                    List.of(step("change", route.via())), "", guard(step("change", was))));
        }

        private Step step(String verb, List<String> via) {
            List<String> argv = new ArrayList<>(List.of("route", verb));
            argv.addAll(route.target());
            argv.addAll(via);
            return new Step(argv, new Step.NoInput());
        }

        private Map<String, Object> describe(String gateway, String iface) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("destination", route.destinationText());
            if (gateway != null) {
                m.put("gateway", gateway);
            } else if (iface != null) {
                m.put("interface", iface);
            }
            return m;
        }

        private static Guard guard(Step undo) {
            return new Guard(List.of(), List.of(undo.commandLine()));
        }
    }
}
