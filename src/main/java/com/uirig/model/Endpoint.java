package com.uirig.model;

/** An IPv4 address and TCP port, written {@code [10.0.0.1]:5432} for spiped. */
public record Endpoint(Ipv4 address, int port) {
    public Endpoint {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + " (1 to 65535)");
        }
    }

    /** Parses {@code ADDRESS:PORT} or {@code [ADDRESS]:PORT}. */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("invalid endpoint '" + text + "' (expected ADDRESS:PORT, like 10.0.4.40:5432)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = text.substring(colon + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid endpoint '" + text + "' (bad port)");
        }
        return new Endpoint(Ipv4.parse(host), Integer.parseInt(port));
    }

    /** spiped's form: IPv4 literals in brackets. */
    @Override
    public String toString() {
        return "[" + address + "]:" + port;
    }
}
