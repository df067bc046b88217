package com.uirig.model;

/** An IPv4 address in dotted-quad form. */
public record Ipv4(int bits) implements Comparable<Ipv4> {

    /** Parses exactly four decimal octets (no shorthand, no leading zeros). */
    public static Ipv4 parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address '" + text + "' (expected four numbers like 10.0.2.1)");
        }
        int bits = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "'");
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "' (" + octet + " is over 255)");
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4(bits);
    }

    @Override
    public String toString() {
        return ((bits >>> 24) & 255) + "." + ((bits >>> 16) & 255) + "." + ((bits >>> 8) & 255) + "." + (bits & 255);
    }

    @Override
    public int compareTo(Ipv4 o) {
        return Integer.compareUnsigned(bits, o.bits);
    }
}
