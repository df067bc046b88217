package com.uirig.model;

import java.util.regex.Pattern;

/** Quoting for the POSIX shell that runs every command uirig sends to a host. */
public final class Shell {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    /** One shell word that the shell reads back as exactly {@code word}. */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
