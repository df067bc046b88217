package com.uirig.model;

/**
 * An IPv4 address with a prefix length, as ifconfig takes it ({@code 10.0.2.1/24}). As a network
 * (a pf table entry like {@code 66.111.4.0/24}) the host bits are ignored by {@link #contains}.
 */
public record Cidr(Ipv4 address, int prefix) {
    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("invalid prefix length /" + prefix + " (0 to 32)");
        }
    }

    /** Parses {@code a.b.c.d/n}; when {@code prefixRequired} is false a bare address is a /32. */
    public static Cidr parse(String text, boolean prefixRequired) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            if (prefixRequired) {
                throw new IllegalArgumentException("invalid CIDR '" + text + "' (expected an address with a prefix length, like 10.0.2.1/24)");
            }
            return new Cidr(Ipv4.parse(text), 32);
        }
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "' (bad prefix length)");
        }
        int prefix = Integer.parseInt(len);
        if (prefix > 32) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "' (prefix length " + prefix + " is over 32)");
        }
        try {
            return new Cidr(Ipv4.parse(text.substring(0, slash)), prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid CIDR '" + text + "': " + e.getMessage());
        }
    }

    /** An interface address: prefix required. */
    public static Cidr parseInterface(String text) {
        return parse(text, true);
    }

    /** A table entry: an address or a network. */
    public static Cidr parseEntry(String text) {
        return parse(text, false);
    }

    private int mask() {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    public Ipv4 network() {
        return new Ipv4(address.bits() & mask());
    }

    public boolean contains(Ipv4 ip) {
        return (ip.bits() & mask()) == (address.bits() & mask());
    }

    /** True when the two networks share any address. */
    public boolean overlaps(Cidr other) {
        int shorter = Math.min(prefix, other.prefix);
        int m = shorter == 0 ? 0 : -1 << (32 - shorter);
        return (address.bits() & m) == (other.address.bits() & m);
    }

    /** The network form, {@code 10.0.2.0/24}. */
    public String networkText() {
        return network() + "/" + prefix;
    }

    @Override
    public String toString() {
        return prefix == 32 ? address + "/32" : address + "/" + prefix;
    }

    /** As written in a pf table file: bare address for a /32. */
    public String entryText() {
        return prefix == 32 ? address.toString() : address + "/" + prefix;
    }
}
