package com.uirig.plan;

/**
 * The closed set of things planning decides for a resource; {@code NOOP}: it is in sync, so views
 * list in-sync resources from the plan instead of recomputing them.
 */
public enum Action {
    CREATE, UPDATE, REPLACE, DELETE, NOOP;

    public String word() {
        return name().toLowerCase();
    }
}
