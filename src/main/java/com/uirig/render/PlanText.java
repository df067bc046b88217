package com.uirig.render;

import com.uirig.plan.Action;
import com.uirig.plan.Change;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import com.uirig.plan.Step;

/** The plan for people: per host, each change with its commands in order and file diffs. */
public final class PlanText {
    private PlanText() {}

    public static String render(Plan plan) {
        StringBuilder out = new StringBuilder();
        for (HostPlan h : plan.hosts()) {
            out.append(h.host()).append('\n');
            if (h.isEmpty()) {
                out.append("  nothing to do\n");
            }
            for (Change c : h.changes()) {
                out.append("  ").append(symbol(c.action())).append(' ').append(c.resource()).append(": ")
                        .append(c.action().word());
                if (!c.reason().isEmpty()) {
                    out.append(" (").append(c.reason()).append(')');
                }
                out.append('\n');
                for (Step s : c.steps()) {
                    out.append("      ").append(s.shellLine()).append('\n');
                }
                if (!c.diff().isEmpty()) {
                    for (String line : c.diff().split("\n")) {
                        out.append("      | ").append(line).append('\n');
                    }
                }
            }
            out.append('\n');
        }
        for (HostPlan h : plan.hosts()) {
            out.append(summary(h)).append('\n');
        }
        return out.toString();
    }

    public static String summary(HostPlan h) {
        return h.host() + ": " + h.count(Action.CREATE) + " to create, " + h.toChange() + " to change, "
                + h.count(Action.DELETE) + " to delete";
    }

    private static String symbol(Action a) {
        return switch (a) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case REPLACE -> "-/+";
            case DELETE -> "-";
            case NOOP -> "=";
        };
    }
}
