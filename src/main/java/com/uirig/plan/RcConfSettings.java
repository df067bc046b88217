package com.uirig.plan;

import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.SpipedPipe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rc.conf settings that make the typed desired state persistent: the boot-time twin of the
 * run-time steps, so a reboot gives the state that apply made.
 */
final class RcConfSettings {
    private RcConfSettings() {}

    /**
     * The host's /etc/rc.conf settings: each kind's, in the kinds' order, with {@code
     * cloned_interfaces} (every kind's cloned interfaces, in that order: rc.d/netif creates them
     * all before it configures any interface) before the settings of the first kind that clones.
     * The playbook's own rc_conf entries ({@code kinds.RcConfKind}, registered last) come last.
     */
    static Map<String, String> host(DesiredHost d) {
        Map<String, String> s = new LinkedHashMap<>();
        List<com.uirig.config.PlaybookSection.RcConf> kinds = new ArrayList<>();
        Kinds.forEach(d, (kind, spec) -> kinds.add(kind.rcConf(spec)));
        List<String> cloned = new ArrayList<>();
        kinds.forEach(k -> cloned.addAll(k.cloned()));
        for (var k : kinds) {
            if (!k.cloned().isEmpty() && !s.containsKey("cloned_interfaces")) {
                s.put("cloned_interfaces", String.join(" ", cloned));
            }
            s.putAll(k.settings());
        }
        return s;
    }

    /** A jail's /etc/rc.conf settings: hostname, addresses, route, tunnels, enabled services. */
    static Map<String, String> jail(Jail j, Map<String, String> keyPaths) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("hostname", j.hostname());
        j.inet().forEach((i, c) -> s.put("ifconfig_" + i.rcName(), c.toString()));
        j.defaultRouter().ifPresent(r -> s.put("defaultrouter", r.toString()));
        if (!j.pipes().isEmpty()) {
            s.put("spiped_enable", "YES");
            s.put("spiped_pipes", String.join(" ", j.pipes().stream().map(SpipedPipe::name).toList()));
            for (SpipedPipe p : j.pipes()) {
                String prefix = "spiped_pipe_" + p.name() + "_";
                s.put(prefix + "mode", p.mode().rcValue());
                s.put(prefix + "source", p.source().toString());
                s.put(prefix + "target", p.target().toString());
                s.put(prefix + "key", keyPaths.get(p.key()));
            }
        }
        for (String service : j.services()) {
            s.putIfAbsent(new ServiceResource(j.name(), j.path(), service, List.of()).enableVariable(), "YES");
        }
        return s;
    }
}
