package com.uirig.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uirig.facts.PendingRollback;
import com.uirig.expect.ExpectationResult;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift check's result per host and resource: in sync, drifted (what was found and what is
 * desired), or not readable; and per host its reachability expectations, a failed one counting
 * as drift. Rendered as text for people and JSON for monitoring.
 */
public record CheckReport(String inventory, Instant time, List<HostResult> hosts) {

    public enum Status { IN_SYNC, DRIFT, UNREACHABLE, BUSY }

    /** {@code expectations}: every tested expectation of the host, passed or failed, in playbook order. */
    public record HostResult(String host, Status status, String error, List<Change> drifted, List<String> inSync,
                             List<ExpectationResult> expectations, List<PendingRollback> rollbacks) {
        public HostResult {
            expectations = List.copyOf(expectations);
            rollbacks = List.copyOf(rollbacks);
        }

        public List<ExpectationResult> failedExpectations() {
            return expectations.stream().filter(e -> !e.passed()).toList();
        }

        public List<ExpectationResult> passedExpectations() {
            return expectations.stream().filter(ExpectationResult::passed).toList();
        }
    }

    public static CheckReport of(String inventory, List<DesiredHost> hosts, Plan plan, Map<String, String> errors,
                                 java.util.Set<String> busy) {
        return of(inventory, hosts, plan, errors, busy, Map.of());
    }

    /** {@code expectations}: each checked host's tested expectations (a host not in it tested none). */
    public static CheckReport of(String inventory, List<DesiredHost> hosts, Plan plan, Map<String, String> errors,
                                 java.util.Set<String> busy, Map<String, List<ExpectationResult>> expectations) {
        return of(inventory, hosts, plan, errors, busy, expectations, Map.of());
    }

    /**
     * {@code rollbacks}: rollbacks found on each host that no running apply will confirm; they
     * change the host by themselves (or did), so they count as drift.
     */
    public static CheckReport of(String inventory, List<DesiredHost> hosts, Plan plan, Map<String, String> errors,
                                 java.util.Set<String> busy, Map<String, List<ExpectationResult>> expectations,
                                 Map<String, List<PendingRollback>> rollbacks) {
        List<HostResult> results = hosts.stream().map(h -> {
            if (errors.containsKey(h.name())) {
                return new HostResult(h.name(), busy.contains(h.name()) ? Status.BUSY : Status.UNREACHABLE,
                        errors.get(h.name()), List.of(), List.of(), List.of(), List.of());
            }
            Optional<HostPlan> hp = plan.hosts().stream().filter(p -> p.host().equals(h.name())).findFirst();
            List<Change> drifted = hp.map(HostPlan::changes).orElse(List.of());
            List<String> inSync = hp.map(HostPlan::inSync).orElse(List.of()).stream().map(Address::toString).toList();
            List<ExpectationResult> tested = expectations.getOrDefault(h.name(), List.of());
            boolean failed = tested.stream().anyMatch(e -> !e.passed());
            List<PendingRollback> left = rollbacks.getOrDefault(h.name(), List.of());
            return new HostResult(h.name(), drifted.isEmpty() && !failed && left.isEmpty() ? Status.IN_SYNC : Status.DRIFT, null,
                    drifted, inSync, tested, left);
        }).toList();
        return new CheckReport(inventory, Instant.now(), results);
    }

    /** 1 when a host could not be checked, else 2 when anything drifted, else 0. */
    public int exitCode() {
        if (hosts.stream().anyMatch(h -> h.status() == Status.UNREACHABLE || h.status() == Status.BUSY)) {
            return 1;
        }
        return hosts.stream().anyMatch(h -> h.status() == Status.DRIFT) ? 2 : 0;
    }

    private String overall() {
        return switch (exitCode()) {
            case 0 -> "in_sync";
            case 2 -> "drift";
            default -> "error";
        };
    }

    /** Problems only; with {@code verbose} also the hosts in sync and each resource checked. */
    public String text(boolean verbose) {
        StringBuilder s = new StringBuilder();
        for (HostResult h : hosts) {
            switch (h.status()) {
                case UNREACHABLE, BUSY -> s.append(h.host()).append(": not checked: ").append(h.error()).append('\n');
                case DRIFT -> {
                    List<String> parts = new java.util.ArrayList<>();
                    if (!h.drifted().isEmpty()) {
                        parts.add("drift in " + h.drifted().size() + " of " + (h.drifted().size() + h.inSync().size()) + " resources");
                    }
                    if (!h.failedExpectations().isEmpty()) {
                        parts.add(h.failedExpectations().size() + " of " + h.expectations().size() + " expectations failed");
                    }
                    if (!h.rollbacks().isEmpty()) {
                        parts.add(h.rollbacks().size() + " rollback(s) left by a run that did not confirm them");
                    }
                    s.append(h.host()).append(": ").append(String.join("; ", parts)).append('\n');
                    for (Change c : h.drifted()) {
                        s.append("  ").append(c.resource()).append(": ").append(c.reason()).append('\n');
                        if (!c.before().isEmpty()) {
                            s.append("      found:   ").append(json(c.before())).append('\n');
                        }
                        s.append("      desired: ").append(json(c.after())).append('\n');
                    }
                    h.failedExpectations().forEach(e -> s.append("  ").append(e.resource()).append(": ").append(e.describe()).append('\n'));
                    h.rollbacks().forEach(r -> s.append("  rollback ").append(r.dir()).append(": ").append(r.describe())
                            .append("; the next apply takes it over\n"));
                }
                case IN_SYNC -> {
                    if (verbose) {
                        s.append(h.host()).append(": in sync (").append(h.inSync().size()).append(" resources)\n");
                    }
                }
            }
            if (verbose && h.status() == Status.DRIFT) {
                h.inSync().forEach(a -> s.append("  ").append(a).append(": in sync\n"));
            }
            if (verbose) {
                h.passedExpectations().forEach(e -> s.append("  ").append(e.resource()).append(": ").append(e.describe()).append('\n'));
            }
        }
        return s.toString();
    }

    public String json() {
        ObjectNode root = PlanJson.MAPPER.createObjectNode();
        root.put("inventory", inventory);
        root.put("time", time.toString());
        root.put("status", overall());
        ArrayNode list = root.putArray("hosts");
        for (HostResult h : hosts) {
            ObjectNode n = list.addObject();
            n.put("host", h.host());
            n.put("status", h.status().name().toLowerCase());
            if (h.error() != null) {
                n.put("error", h.error());
            }
            ArrayNode drifted = n.putArray("drifted");
            for (Change c : h.drifted()) {
                ObjectNode d = drifted.addObject();
                d.put("resource", c.resource().toString());
                d.put("action", c.action().word());
                d.put("reason", c.reason());
                d.set("found", PlanJson.MAPPER.valueToTree(c.before()));
                d.set("desired", PlanJson.MAPPER.valueToTree(c.after()));
            }
            n.set("in_sync", PlanJson.MAPPER.valueToTree(h.inSync()));
            ArrayNode failed = n.putArray("expectations_failed");
            h.failedExpectations().forEach(e -> failed.add(expectationJson(e)));
            n.set("expectations_passed", PlanJson.MAPPER.valueToTree(h.passedExpectations().stream().map(ExpectationResult::resource).toList()));
            ArrayNode pending = n.putArray("rollbacks_pending");
            h.rollbacks().forEach(r -> pending.add(rollbackJson(r)));
        }
        try {
            return PlanJson.MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rollback found on a host: state, resource, its directory there, armed, fires and fired (ISO times or null). */
    public static ObjectNode rollbackJson(PendingRollback r) {
        ObjectNode n = PlanJson.MAPPER.createObjectNode();
        n.put("state", r.state());
        n.put("resource", r.resource());
        n.put("dir", r.dir());
        n.put("armed", r.armed() == null ? null : r.armed().toString());
        n.put("fires", r.fires() == null ? null : r.fires().toString());
        n.put("fired", r.fired() == null ? null : r.fired().toString());
        return n;
    }

    /** A failed expectation as reports show it: resource, from, to, tcp, expect, found, detail. */
    public static ObjectNode expectationJson(ExpectationResult e) {
        ObjectNode n = PlanJson.MAPPER.createObjectNode();
        n.put("resource", e.resource());
        n.put("from", e.expectation().from());
        n.put("to", e.expectation().to().toString());
        n.put("tcp", e.expectation().port());
        n.put("expect", e.expectation().expect().word());
        n.put("found", e.found().word());
        n.put("detail", e.detail());
        return n;
    }

    private static String json(Map<String, Object> values) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(values);
        } catch (JsonProcessingException e) {
            return values.toString();
        }
    }
}
