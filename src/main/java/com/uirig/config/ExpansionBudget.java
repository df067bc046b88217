package com.uirig.config;

/**
 * How much work filling in {@code {{ var }}} may do for one host: the characters read and written
 * (each text expanded, and a variable's value each time it is used) and the number of variable
 * uses. Both bound memory and time, even for variables that double per nesting level or are
 * empty but used a billion times; past either limit expansion stops at the use that passed it.
 */
final class ExpansionBudget {
    /** Eight times the largest input file: a playbook's largest templates, filled in, fit many times over. */
    static final long MAX_CHARS = 8L * TextFile.MAX_BYTES;
    /** Far beyond what playbooks write (a few hundred uses), few enough to be done in milliseconds. */
    static final int MAX_USES = 100_000;

    static final String MESSAGE = "expanding {{ }} passes uirig's limit for one host of " + MAX_CHARS / (1024 * 1024)
            + " MiB of text or " + MAX_USES + " variable uses (a variable counts each time it is used, so nested variables multiply)";

    private long chars;
    private int uses;
    private boolean reported;

    /** Counts {@code n} more characters; false once a limit is passed (and for every later charge). */
    boolean takeText(long n) {
        chars = Math.min(chars + n, MAX_CHARS + 1);
        return within();
    }

    /** Counts one variable use; false once a limit is passed. */
    boolean takeUse() {
        uses = Math.min(uses + 1, MAX_USES + 1);
        return within();
    }

    private boolean within() {
        return chars <= MAX_CHARS && uses <= MAX_USES;
    }

    /** True the first time only, so the limit is reported once, where it was passed. */
    boolean report() {
        boolean first = !reported;
        reported = true;
        return first;
    }
}
