package com.uirig.model;

import java.util.regex.Pattern;

/** A FreeBSD interface name: at most 15 characters (IFNAMSIZ is 16 with the final NUL). */
public record IfName(String value) implements Comparable<IfName> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_.]*");
    public static final int MAX_LENGTH = 15;

    public IfName {
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("interface name '" + value + "' is " + value.length()
                    + " characters long; FreeBSD allows at most " + MAX_LENGTH);
        }
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid interface name '" + value
                    + "' (a letter, then letters, digits, '_' or '.')");
        }
    }

    public static IfName parse(String text) {
        return new IfName(text);
    }

    /** The same name with '.' as '_', as rc.conf variable names need it. */
    public String rcName() {
        return value.replace('.', '_');
    }

    @Override
    public String toString() {
        return value;
    }

    @Override
    public int compareTo(IfName o) {
        return value.compareTo(o.value);
    }
}
