package com.uirig.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.Optional;

/** Asks the person at the terminal before a change is made; {@code --yes} answers for scripts. */
final class Confirmation {
    private final Console console; // null: --yes was given

    private Confirmation(Console console) {
        this.console = console;
    }

    /** Empty (after printing the refusal) when nobody could answer: no --yes and no terminal. */
    static Optional<Confirmation> open(boolean yes, PrintWriter err, String refusal) {
        Console console = System.console();
        if (!yes && console == null) {
            err.println(refusal);
            return Optional.empty();
        }
        return Optional.of(new Confirmation(yes ? null : console));
    }

    /** True when --yes was given or the answer to the question (a [y/N] is added) is y or yes. */
    boolean granted(String question, Object... args) {
        if (console == null) {
            return true;
        }
        String answer = console.readLine(question + " [y/N] ", args);
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
