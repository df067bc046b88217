package com.uirig.expect;

import com.uirig.model.Expectation;
import com.uirig.model.Expectation.Reach;

/**
 * What testing one expectation found. {@code detail} says why, in words for people (never a
 * Java exception's text): "connection refused", "timed out after 3 s", what the reply was.
 */
public record ExpectationResult(Expectation expectation, Found found, String detail) {

    /** What the port turned out to be. */
    public enum Found {
        /** The TCP handshake completed (and the reply held {@code receive}, when one is expected). */
        OPEN("open"),
        /** Refused, or no answer within the timeout. */
        CLOSED("closed"),
        /** Open, but the reply did not hold {@code receive}. */
        WRONG_REPLY("wrong_reply"),
        /** The test could not be made (no connection to the host, an answer uirig cannot read). */
        UNKNOWN("unknown");

        private final String word;

        Found(String word) {
            this.word = word;
        }

        /** The word reports use: open, closed, wrong_reply, unknown. */
        public String word() {
            return word;
        }
    }

    public ExpectationResult {
        if (expectation == null || found == null) {
            throw new IllegalArgumentException("an expectation result needs its expectation and what was found");
        }
        detail = detail == null ? "" : detail;
    }

    public boolean passed() {
        return expectation.expect() == Reach.OPEN ? found == Found.OPEN : found == Found.CLOSED;
    }

    /** {@code expect[NAME]}. */
    public String resource() {
        return expectation.address();
    }

    /**
     * One line for people: {@code tcp 192.0.2.155:443 from orchestrator: expected open, found closed
     * (timed out after 3 s)}, or {@code ...: open, as expected} when it passed.
     */
    public String describe() {
        String why = detail.isEmpty() ? "" : " (" + detail + ")";
        if (passed()) {
            return expectation.target() + ": " + found.word() + ", as expected" + why;
        }
        String found = switch (this.found) {
            case WRONG_REPLY -> "a wrong reply";
            case UNKNOWN -> "nothing it could test";
            default -> this.found.word();
        };
        return expectation.target() + ": expected " + expectation.expect().word() + ", found " + found + why;
    }

    static ExpectationResult of(Expectation x, Found found, String detail) {
        return new ExpectationResult(x, found, detail);
    }
}
