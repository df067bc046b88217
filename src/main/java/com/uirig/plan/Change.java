package com.uirig.plan;

import java.util.List;
import java.util.Map;

/**
 * What planning decided for one resource: the action, the values before and after (secrets
 * never included), the steps that realise it in order, and for files a unified diff; a change that
 * can cut uirig off carries its {@link Guard}. {@code reason} is for display only.
 */
public record Change(String resource, Action action, String reason, Map<String, Object> before,
                     Map<String, Object> after, List<Step> steps, String diff, Guard guard) {
    public Change {
        steps = List.copyOf(steps);
        diff = diff == null ? "" : diff;
    }

    /** A change that cannot cut uirig off. */
    public Change(String resource, Action action, String reason, Map<String, Object> before, Map<String, Object> after,
                  List<Step> steps, String diff) {
        this(resource, action, reason, before, after, steps, diff, null);
    }

    /** What it can cut uirig off by and how the host undoes it (see {@link Guard}), or empty. */
    public java.util.Optional<Guard> guarded() {
        return java.util.Optional.ofNullable(guard);
    }
}
