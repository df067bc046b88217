package com.uirig.facts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uirig.model.Cidr;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Facts as JSON (documented in the README). Secrets appear only as present, never their hash. */
public final class FactsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FactsJson() {}

    public static String render(List<HostFacts> hosts) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode list = root.putArray("hosts");
        for (HostFacts f : hosts) {
            list.add(host(f));
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode host(HostFacts f) {
        ObservedHost o = f.observed();
        ObjectNode h = MAPPER.createObjectNode();
        h.put("host", f.host());
        h.set("interfaces", interfaces(o.get(HostState.INTERFACES)));
        ObjectNode jails = h.putObject("jails");
        o.get(HostState.JAILS).forEach((name, j) -> {
            ObjectNode jn = jails.putObject(name);
            jn.put("jid", j.jid());
            jn.put("path", j.path());
            jn.set("parameters", MAPPER.valueToTree(j.parameters()));
            jn.set("interfaces", interfaces(o.get(HostState.JAIL_INTERFACES).getOrDefault(name, Map.of())));
        });
        h.set("jail_roots", MAPPER.valueToTree(new TreeSet<>(o.get(HostState.JAIL_ROOTS))));
        h.set("rc_conf", MAPPER.valueToTree(o.get(HostState.RC_CONF)));
        ObjectNode files = h.putObject("files");
        o.get(HostState.FILES).forEach((path, s) -> {
            ObjectNode fn = files.putObject(path);
            fn.put("mode", s.mode());
            fn.put("owner", s.owner());
            if (s.content().isPresent()) {
                fn.put("sha256", s.sha256());
            } else {
                fn.put("secret", true);
            }
        });
        if (!o.kindFacts().isEmpty()) {
            // The registered kinds' facts, by section, as their records (see Fact).
            h.set("kinds", MAPPER.valueToTree(o.kindFacts()));
        }
        ObservedHost.PfState state = o.get(HostState.PF);
        ObjectNode pf = h.putObject("pf");
        pf.put("module_loaded", state.moduleLoaded());
        pf.put("enabled", state.enabled());
        pf.put("rules_loaded", state.rulesLoaded());
        pf.put("rules_match_file", state.rulesMatchFile());
        pf.set("tables", MAPPER.valueToTree(state.tables()));
        if (o.get(HostState.DEFAULT_ROUTE).isPresent()) {
            h.put("default_route", o.get(HostState.DEFAULT_ROUTE).get());
        } else {
            h.putNull("default_route");
        }
        h.set("packages", MAPPER.valueToTree(o.get(HostState.PACKAGES)));
        h.set("running_services", MAPPER.valueToTree(new TreeSet<>(o.get(HostState.RUNNING_SERVICES))));
        h.set("existing_paths", MAPPER.valueToTree(new TreeSet<>(o.get(HostState.EXISTING_PATHS))));
        h.set("unknown", MAPPER.valueToTree(new TreeSet<>(f.unknown())));
        return h;
    }

    private static ArrayNode interfaces(Map<String, ObservedHost.Iface> ifs) {
        ArrayNode out = MAPPER.createArrayNode();
        for (ObservedHost.Iface i : ifs.values()) {
            ObjectNode n = out.addObject();
            n.put("name", i.name());
            n.set("flags", MAPPER.valueToTree(new TreeSet<>(i.flags())));
            n.set("groups", MAPPER.valueToTree(i.groups()));
            n.set("inet", MAPPER.valueToTree(i.inet().stream().map(Cidr::toString).toList()));
            if (i.ether().isPresent()) {
                n.put("ether", i.ether().get());
            } else {
                n.putNull("ether");
            }
            n.set("members", MAPPER.valueToTree(i.members()));
        }
        return out;
    }
}
