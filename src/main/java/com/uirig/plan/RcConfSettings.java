package com.uirig.plan;

import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Bridge;
import com.uirig.model.DesiredHost.Epair;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.Nic;
import com.uirig.model.DesiredHost.Side;
import com.uirig.model.DesiredHost.SpipedPipe;
import com.uirig.model.IfName;
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

    /** The host's /etc/rc.conf settings, in the order rc applies them. */
    static Map<String, String> host(DesiredHost d) {
        Map<String, String> s = new LinkedHashMap<>();
        for (Nic n : d.nics()) {
            s.put("ifconfig_" + n.device().rcName() + "_name", n.name().value());
        }
        for (Nic n : d.nics()) {
            s.put("ifconfig_" + n.name().rcName(), String.join(" ", n.ifconfigArgs()));
        }
        d.defaultRouter().ifPresent(r -> s.put("defaultrouter", r.toString()));
        List<String> cloned = new ArrayList<>();
        d.bridges().forEach(b -> cloned.add(b.device()));
        d.epairs().forEach(e -> cloned.add(e.device()));
        List<com.uirig.config.PlaybookSection.RcConf> kinds = new ArrayList<>();
        Kinds.forEach(d, (kind, spec) -> kinds.add(kind.rcConf(spec)));
        kinds.forEach(k -> cloned.addAll(k.cloned()));
        if (!cloned.isEmpty()) {
            s.put("cloned_interfaces", String.join(" ", cloned));
        }
        for (Bridge b : d.bridges()) {
            s.put("ifconfig_" + b.device() + "_name", b.name().value());
        }
        for (Epair e : d.epairs()) {
            s.put("ifconfig_" + e.device() + "a_name", e.a().value());
            s.put("ifconfig_" + e.device() + "b_name", e.b().value());
        }
        for (Epair e : d.epairs()) {
            for (Side side : e.up()) {
                s.put("ifconfig_" + e.end(side).rcName(), "up");
            }
        }
        for (Bridge b : d.bridges()) {
            List<String> words = new ArrayList<>();
            b.inet().ifPresent(c -> words.add(c.toString()));
            for (IfName m : b.members()) {
                words.add("addm");
                words.add(m.value());
            }
            if (!words.isEmpty()) {
                s.put("ifconfig_" + b.name().rcName(), String.join(" ", words));
            }
        }
        kinds.forEach(k -> s.putAll(k.settings()));
        s.putAll(d.rcConf());
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
