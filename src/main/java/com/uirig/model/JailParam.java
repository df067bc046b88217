package com.uirig.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jail parameters as jail(8) reads them from jail.conf. A text value is written between double
 * quotes where only {@code $name} and {@code ${name}} stay jail.conf variables (the jail's name,
 * jail.conf(5) "Variables"); every other character means itself.
 */
public final class JailParam {
    /** jail(8) parameters are sysctl-style names (security.jail.param.*): words joined by dots. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    // usr.sbin/jail/jaillex.l: a variable is $WORD (longest match) or ${...}.
    private static final Pattern NAME_VARIABLE = Pattern.compile("\\$name(?![A-Za-z0-9_])|\\$\\{name}");

    private JailParam() {}

    /**
     * Why jail.conf cannot carry {@code value}, or null. jaillex.l's text2lval builds a C string,
     * so a NUL would end it; other control characters than tab and line feed are refused because
     * they would reach jail.conf, plans and terminals unseen.
     */
    public static String valueProblem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return "a jail parameter cannot contain a NUL character: jail(8) reads values as C strings";
            }
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                return String.format("a jail parameter cannot contain the control character U+%04X", (int) c);
            }
        }
        return null;
    }

    /**
     * {@code value} as a double-quoted jail.conf string. Inside double quotes jaillex.l takes a
     * backslash as an escape (text2lval: {@code \n}, {@code \t}, else the character itself), ends
     * the string at {@code "} and starts a variable at {@code $}: those are escaped.
     */
    public static String quoted(String value) {
        StringBuilder out = new StringBuilder("\"");
        Matcher m = NAME_VARIABLE.matcher(value);
        int i = 0;
        while (i < value.length()) {
            if (value.charAt(i) == '$' && m.find(i) && m.start() == i) {
                out.append(m.group());
                i = m.end();
                continue;
            }
            char c = value.charAt(i++);
            switch (c) {
                case '\\', '"', '$' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** {@code value} with {@code $name} and {@code ${name}} replaced as jail(8) does for jail {@code jail}. */
    public static String expand(String value, String jail) {
        return NAME_VARIABLE.matcher(value).replaceAll(Matcher.quoteReplacement(jail));
    }
}
