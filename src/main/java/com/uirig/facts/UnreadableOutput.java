package com.uirig.facts;

/**
 * A host printed something FreeBSD's commands cannot have printed (a probe cut short, a section
 * twice, a parser's input that is no FreeBSD output). The message is for the user, in words.
 */
public final class UnreadableOutput extends IllegalArgumentException {
    public UnreadableOutput(String message) {
        super(message);
    }
}
