package com.uirig.plan;

/** The closed set of things a change does to a resource. */
public enum Action {
    CREATE, UPDATE, REPLACE, DELETE;

    public String word() {
        return name().toLowerCase();
    }
}
