package com.uirig.config;

/** A position in an input file, 1-based, printed as {@code file:line:column}. */
public record Location(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
