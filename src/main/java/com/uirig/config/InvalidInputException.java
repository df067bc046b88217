package com.uirig.config;

import java.util.List;

/** Thrown when the inventory or playbooks have problems; carries every one of them. */
public final class InvalidInputException extends RuntimeException {
    private final List<String> problems;

    public InvalidInputException(List<String> problems) {
        super(problems.size() + " problem(s) in the input");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
