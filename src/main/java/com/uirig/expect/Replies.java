package com.uirig.expect;

import com.uirig.expect.ExpectationResult.Found;
import com.uirig.model.Expectation;

/** Judges a reply against {@code receive} and shows replies safely (printable, short). */
final class Replies {
    private static final int SHOWN = 40;

    private Replies() {}

    /** Open when {@code reply} holds {@code receive}; else a wrong reply, saying what came and how it ended. */
    static ExpectationResult judge(Expectation x, String reply, String ending) {
        String receive = x.receive().orElseThrow();
        if (reply.contains(receive)) {
            return ExpectationResult.of(x, Found.OPEN, "the reply contained " + quote(receive));
        }
        String got = reply.isEmpty() ? "no reply" : "got " + reply.length() + " characters: " + quote(reply);
        return ExpectationResult.of(x, Found.WRONG_REPLY, "connected, but the reply did not contain " + quote(receive)
                + "; " + got + (ending.isEmpty() ? "" : ", then " + ending));
    }

    /** {@code 'text'} with line breaks and other control characters escaped, cut at 40 characters. */
    static String quote(String text) {
        StringBuilder s = new StringBuilder("'");
        int n = 0;
        for (int i = 0; i < text.length() && n < SHOWN; i++, n++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\ufffd' ? '?' : c);
            }
        }
        s.append('\'');
        if (text.length() > SHOWN) {
            s.append("...");
        }
        return s.toString();
    }
}
