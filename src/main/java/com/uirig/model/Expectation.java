package com.uirig.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reachability expectation of the playbooks: from where ({@code orchestrator}, {@code host} or a
 * jail of the host), a TCP port of an address is expected open or closed; an open one may be asked
 * to answer {@code receive} after being sent {@code send}. Tested by check and apply, never converged:
 * it is not a resource of the plan. Addressed as {@code expect[NAME]} in reports.
 */
public record Expectation(String name, String from, Ipv4 to, int port, Reach expect, Optional<String> send,
                          Optional<String> receive, int timeoutSeconds) {
    /** {@code from} for a connect made by uirig's own process. */
    public static final String ORCHESTRATOR = "orchestrator";
    /** {@code from} for a connect made on the host itself (outside any jail). */
    public static final String HOST = "host";
    public static final int DEFAULT_TIMEOUT = 3;
    public static final int MAX_TIMEOUT = 120;
    public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** What the port should be: open (a TCP handshake completes) or closed (refused or no answer). */
    public enum Reach {
        OPEN, CLOSED;

        public String word() {
            return name().toLowerCase();
        }
    }

    public Expectation {
        if (name == null || from == null || to == null || expect == null || send == null || receive == null) {
            throw new IllegalArgumentException("an expectation needs a name, from, to, tcp and expect");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid expectation name '" + name + "' (letters, digits and '_')");
        }
        if (from.isEmpty()) {
            throw new IllegalArgumentException("an expectation needs 'from'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not from 1 to 65535");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT) {
            throw new IllegalArgumentException("timeout " + timeoutSeconds + " is not from 1 to " + MAX_TIMEOUT + " seconds");
        }
        if (expect == Reach.CLOSED && (send.isPresent() || receive.isPresent())) {
            throw new IllegalArgumentException("'send' and 'receive' need 'expect: open'");
        }
        if (receive.isPresent() && receive.get().isEmpty()) {
            throw new IllegalArgumentException("'receive' cannot be empty");
        }
    }

    public boolean fromOrchestrator() {
        return from.equals(ORCHESTRATOR);
    }

    /** The jail the connect is made from; empty for the orchestrator and the host. */
    public Optional<String> jail() {
        return from.equals(ORCHESTRATOR) || from.equals(HOST) ? Optional.empty() : Optional.of(from);
    }

    /** {@code expect[NAME]}, as reports name it. */
    public String address() {
        return "expect[" + name + "]";
    }

    /** {@code tcp 192.0.2.155:443 from orchestrator}. */
    public String target() {
        return "tcp " + to + ":" + port + " from " + from;
    }
}
