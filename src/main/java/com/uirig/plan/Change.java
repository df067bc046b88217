package com.uirig.plan;

import java.util.List;
import java.util.Map;

/**
 * What planning decided for one resource: the action, the values before and after (secrets
 * never included), the steps that realise it in order, and for files a unified diff.
 * {@code reason} is for display only.
 */
public record Change(String resource, Action action, String reason, Map<String, Object> before,
                     Map<String, Object> after, List<Step> steps, String diff) {
    public Change {
        steps = List.copyOf(steps);
        diff = diff == null ? "" : diff;
    }
}
