package com.uirig.plan;

import java.util.List;
import java.util.Map;

/**
 * What planning decided for one resource: the action, the values before and after (secrets
 * never included), the steps that realise it in order, and for files a unified diff; a change that
 * can cut uirig off carries its {@link Guard}. {@code reason} is for display only.
 */
public record Change(Address resource, Action action, String reason, Map<String, Object> before,
                     Map<String, Object> after, List<Step> steps, String diff, Guard guard, java.util.Set<String> touched) {
    public Change {
        steps = List.copyOf(steps);
        diff = diff == null ? "" : diff;
        touched = touched == null ? null : java.util.Set.copyOf(touched);
    }

    /** A change that cannot cut uirig off, and changes its whole resource. */
    public Change(Address resource, Action action, String reason, Map<String, Object> before, Map<String, Object> after,
                  List<Step> steps, String diff) {
        this(resource, action, reason, before, after, steps, diff, null, null);
    }

    public Change(Address resource, Action action, String reason, Map<String, Object> before, Map<String, Object> after,
                  List<Step> steps, String diff, Guard guard) {
        this(resource, action, reason, before, after, steps, diff, guard, null);
    }

    /**
     * The same change, saying which host paths it changes: the services that depend on it restart
     * only for a path under their jail (none: a package install restarts nothing), and another
     * host's change that reads one of them as a secret waits for it. Without it, the whole resource
     * changes: every dependent service restarts.
     */
    public Change touching(java.util.Set<String> paths) {
        return new Change(resource, action, reason, before, after, steps, diff, guard, paths);
    }

    /** Whether dependents under {@code prefix} are touched: always, unless the change says which paths it changes. */
    public boolean touchesUnder(String prefix) {
        return touched == null || touched.stream().anyMatch(p -> p.startsWith(prefix));
    }

    /** Whether the change says it writes {@code path}. */
    public boolean writes(String path) {
        return touched != null && touched.contains(path);
    }

    /** What it can cut uirig off by and how the host undoes it (see {@link Guard}), or empty. */
    public java.util.Optional<Guard> guarded() {
        return java.util.Optional.ofNullable(guard);
    }
}
