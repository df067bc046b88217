package com.uirig.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What a change can cut uirig off by (pf and its tables, a NIC, the default route) and how the host
 * undoes it by itself when uirig cannot confirm it over a new connection: the files to put back
 * (copied when the rollback is armed; {@code $d/running} holds whether pf ran then), then commands.
 * The resource that plans the change says it; apply arms the rollback from it.
 */
public record Guard(List<String> files, List<String> commands) {
    public Guard {
        files = List.copyOf(files);
        commands = List.copyOf(commands);
    }

    /**
     * A pf change: the files it writes, pf.conf and the record of the rules loaded from it (put
     * back with it, so the restored rules are judged in sync); then pf.conf is loaded again, and pf
     * disabled if it did not run before.
     */
    static Guard pf(List<String> written) {
        LinkedHashSet<String> files = new LinkedHashSet<>(written);
        files.add(PfResource.PF_CONF);
        files.add(PfResource.RECORD);
        return new Guard(new ArrayList<>(files), List.of(
                "if [ -f " + PfResource.PF_CONF + " ]; then pfctl -f " + PfResource.PF_CONF + "; fi",
                "grep -q Enabled \"$d/running\" || pfctl -d"));
    }

    /** The default route as it was (none: deleted). */
    public static Guard route(String oldGateway) {
        return new Guard(List.of(), List.of(oldGateway == null ? "route delete default"
                : "route change default " + Step.quote(oldGateway)));
    }

    /**
     * Takes the new address off, gives the NIC its old name back, then its old addresses (public:
     * a registered kind's interface, such as a VLAN, is undone the same way).
     */
    public static Guard nic(Map<String, Object> before, Map<String, Object> after) {
        List<String> out = new ArrayList<>();
        String now = String.valueOf(after.get("name"));
        String was = String.valueOf(before.getOrDefault("name", now));
        for (Object cidr : (List<?>) after.getOrDefault("inet", List.of())) {
            String addr = String.valueOf(cidr).split("/")[0];
            out.add("ifconfig " + Step.quote(now) + " inet " + Step.quote(addr) + " -alias");
        }
        if (!was.equals(now)) {
            out.add("ifconfig " + Step.quote(now) + " name " + Step.quote(was));
        }
        for (Object cidr : (List<?>) before.getOrDefault("inet", List.of())) {
            out.add("ifconfig " + Step.quote(was) + " inet " + Step.quote(String.valueOf(cidr)) + " alias");
        }
        return new Guard(List.of(), out);
    }
}
