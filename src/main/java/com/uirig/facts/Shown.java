package com.uirig.facts;

/**
 * A line of a host's output as a message quotes it: short, and with no control characters (public:
 * registered kinds' fact parsers quote output too).
 */
public final class Shown {
    private static final int MAX = 60;

    private Shown() {}

    public static String line(String text) {
        String s = text.strip().replaceAll("\\p{Cntrl}", "?");
        return s.length() <= MAX ? s : s.substring(0, MAX) + "...";
    }
}
