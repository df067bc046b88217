package com.uirig.config;

import java.util.Map;
import java.util.Optional;

/**
 * The variables one host's playbooks see: the host's own, then the inventory's shared ones,
 * {@code peer.NAME} for the peer host's values, {@code host.name} for the host's name and
 * {@code host.address} for its {@code ssh.address}.
 */
public final class Scope {
    private final String host;
    private final Map<String, Var> hostVars;
    private final Map<String, Var> sharedVars;
    private Scope peer;
    private String address;
    private final ExpansionBudget budget = new ExpansionBudget();

    /** A variable as written in the inventory; its templates resolve in {@code scope}. */
    public record Var(String name, YamlNodeRef ref) {}

    /** Where a variable's value node is: file and document path. */
    public record YamlNodeRef(org.yaml.snakeyaml.nodes.Node node, String file, String path) {}

    public Scope(String host, Map<String, Var> hostVars, Map<String, Var> sharedVars) {
        this.host = host;
        this.hostVars = hostVars;
        this.sharedVars = sharedVars;
    }

    public void setPeer(Scope peer) {
        this.peer = peer;
    }

    /** The host's {@code ssh.address}, as {@code {{ host.address }}}; null when it is missing or invalid. */
    public void setAddress(String address) {
        this.address = address;
    }

    public String host() {
        return host;
    }

    /** What expanding templates for this host may still do; peer variables count here too. */
    ExpansionBudget budget() {
        return budget;
    }

    /** A found variable and the scope its own templates resolve in. */
    public record Found(YamlNodeRef ref, Scope scope, String builtin) {}

    /** Looks a dotted name up; empty when it is not defined. */
    public Optional<Found> lookup(String name) {
        if (name.startsWith("peer.")) {
            return peer == null ? Optional.empty() : peer.lookup(name.substring("peer.".length()));
        }
        if (name.equals("host.name")) {
            return Optional.of(new Found(null, this, host));
        }
        if (name.equals("host.address")) {
            return address == null ? Optional.empty() : Optional.of(new Found(null, this, address));
        }
        Var v = hostVars.get(name);
        if (v == null) {
            v = sharedVars.get(name);
        }
        return v == null ? Optional.empty() : Optional.of(new Found(v.ref(), this, null));
    }

    /** Why a name is undefined, for the error message. */
    public String whyUndefined(String name) {
        if (name.startsWith("peer.") && peer == null) {
            return "host " + host + " has no peer (set hosts." + host + ".peer in the inventory)";
        }
        if (name.equals("host.address")) {
            return "host " + host + " has no valid ssh.address";
        }
        if (name.startsWith("host.")) {
            return "the host's own values are host.name and host.address";
        }
        return "it is defined neither in the " + (name.startsWith("peer.") ? "peer's" : "host's")
                + " vars nor in the inventory's vars";
    }
}
