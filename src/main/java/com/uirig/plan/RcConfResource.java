package com.uirig.plan;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rc.conf settings uirig owns in one rc.conf file (the host's or a jail's), set with sysrc
 * one by one. Settings uirig does not own are left as they are.
 */
public record RcConfResource(String scope, String file, Map<String, String> settings, List<Address> dependsOn)
        implements Resource {
    public static final String HOST_FILE = "/etc/rc.conf";

    public RcConfResource {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("rc_conf", scope);
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        Map<String, String> found = observed.get(HostState.RC_CONF).getOrDefault(file, Map.of());
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        List<Step> steps = new ArrayList<>();
        boolean anySet = false;
        for (var e : settings.entrySet()) {
            String old = found.get(e.getKey());
            anySet |= old != null;
            if (e.getValue().equals(old)) {
                continue;
            }
            if (old != null) {
                before.put(e.getKey(), old);
            }
            after.put(e.getKey(), e.getValue());
            steps.add(sysrc(e.getKey() + "=" + e.getValue()));
        }
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        Action action = anySet ? Action.UPDATE : Action.CREATE;
        String reason = steps.size() + " of " + settings.size() + " settings differ in " + file;
        return Optional.of(new Change(address(), action, reason, before, after, steps, ""));
    }

    private Step sysrc(String assignment) {
        return file.equals(HOST_FILE) ? Step.run("sysrc", assignment) : Step.run("sysrc", "-f", file, assignment);
    }

    /** The settings as rc.conf lines, as sysrc writes them. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("# Settings uirig sets with sysrc; other settings in this file are left alone.\n");
        settings.forEach((k, v) -> out.append(k).append("=\"").append(v).append("\"\n"));
        return out.toString();
    }

    @Override
    public List<OwnedFile> files() {
        return List.of(OwnedFile.text(file, text(), "0644", "root:wheel"));
    }
}
