package com.uirig.plan;

/**
 * A resource's typed name: its kind and its name within the kind, printed {@code kind[name]} as
 * plans, journals and reports show it. Dependencies are addresses, so a misspelled one is an
 * unknown address when the graph is built ({@link Planner#ordered}), never a silent string.
 */
public record Address(String kind, String name) {
    public Address {
        if (kind.isEmpty() || kind.contains("[")) {
            throw new IllegalArgumentException("no resource kind: '" + kind + "'");
        }
    }

    public static Address of(String kind, String name) {
        return new Address(kind, name);
    }

    /** Reads {@code kind[name]}, as {@link #toString} prints it. */
    public static Address parse(String text) {
        int open = text.indexOf('[');
        if (open <= 0 || !text.endsWith("]")) {
            throw new IllegalArgumentException("not a resource address (kind[name]): '" + text + "'");
        }
        return new Address(text.substring(0, open), text.substring(open + 1, text.length() - 1));
    }

    @Override
    public String toString() {
        return kind + "[" + name + "]";
    }
}
