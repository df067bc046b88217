package com.uirig.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Step;

/** The plan for programs: the same content as {@link PlanText}, as JSON (documented in the README). */
public final class PlanJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanJson() {}

    public static ObjectNode tree(Plan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode hosts = root.putArray("hosts");
        for (HostPlan h : plan.hosts()) {
            ObjectNode host = hosts.addObject();
            host.put("host", h.host());
            ArrayNode changes = host.putArray("changes");
            for (Change c : h.changes()) {
                ObjectNode change = changes.addObject();
                change.put("resource", c.resource().toString());
                change.put("action", c.action().word());
                change.put("reason", c.reason());
                change.set("before", MAPPER.valueToTree(c.before()));
                change.set("after", MAPPER.valueToTree(c.after()));
                ArrayNode commands = change.putArray("commands");
                for (Step s : c.steps()) {
                    commands.add(s.shellLine());
                }
                if (!c.diff().isEmpty()) {
                    change.put("diff", c.diff());
                }
            }
            ObjectNode summary = host.putObject("summary");
            summary.put("create", h.count(Action.CREATE));
            summary.put("update", h.count(Action.UPDATE));
            summary.put("replace", h.count(Action.REPLACE));
            summary.put("delete", h.count(Action.DELETE));
        }
        return root;
    }

    public static String render(Plan plan) {
        return render(plan, java.util.Map.of());
    }

    /** With each host's rollbacks left by earlier runs ({@code rollbacks_pending}, as check reports them). */
    public static String render(Plan plan, java.util.Map<String, java.util.List<com.uirig.facts.PendingRollback>> rollbacks) {
        ObjectNode root = tree(plan);
        for (var host : root.path("hosts")) {
            ArrayNode pending = ((ObjectNode) host).putArray("rollbacks_pending");
            rollbacks.getOrDefault(host.path("host").asText(), java.util.List.of()).forEach(r -> pending.add(CheckReport.rollbackJson(r)));
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
