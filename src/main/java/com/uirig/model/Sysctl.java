package com.uirig.model;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** A kernel setting as {@code sysctl NAME=VALUE} sets it and {@code sysctl NAME} prints it back. */
public final class Sysctl {
    /**
     * MIB names are words joined by dots (the kernel's name2oid splits at '.'); sbin/sysctl/sysctl.c
     * parse() splits the argument at its first '=', so a name holds no '=' (nor white space).
     */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_%]+)+");

    /** sysctl.c parse() copies NAME=VALUE into a buffer of BUFSIZ (1024) bytes: "oid too long" beyond. */
    static final int MAX_ARGUMENT = 1024 - 1;

    private Sysctl() {}

    /**
     * Why {@code sysctl NAME=VALUE} would not set {@code value} so that {@code sysctl NAME} shows
     * it back, or null. sysctl.c parse() skips white space after '=' (the value is read stripped);
     * show_var() prints {@code NAME: VALUE} on one line, which uirig's facts read line by line.
     */
    public static String valueProblem(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return String.format("a sysctl value is one line without control characters (found U+%04X):"
                        + " sysctl prints it back as 'NAME: VALUE'", (int) c);
            }
        }
        int bytes = (name + "=" + value).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ARGUMENT) {
            return "'" + name + "=VALUE' is " + bytes + " bytes; sysctl takes at most " + MAX_ARGUMENT + " (BUFSIZ)";
        }
        return null;
    }
}
