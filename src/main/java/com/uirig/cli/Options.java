package com.uirig.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks of option values that picocli's types alone do not make. */
final class Options {
    private Options() {}

    /** {@code value} when it is 1 or more; else a usage error naming the option. */
    static int positive(CommandSpec spec, String option, int value, String unit) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1 (" + unit + "), found " + value);
        }
        return value;
    }
}
