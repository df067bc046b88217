package com.uirig.facts;

import com.uirig.facts.ObservedHost.Iface;
import com.uirig.model.Cidr;
import com.uirig.model.Ipv4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code ifconfig -a} as FreeBSD prints it (11.x to 14.x). A block starts at column 0
 * with {@code NAME: flags=...}; detail lines start with a tab and are keyed by their first
 * word, never by position, because the order differs between releases. Output ifconfig cannot
 * print throws {@link UnreadableOutput}: an interface twice (sys/net/if.c if_rename refuses a
 * name in use, EEXIST) or an inet line without a numeric address (sbin/ifconfig/af_inet.c
 * prints "inet" and the address with NI_NUMERICHOST, then "/N" or "netmask 0x%x").
 */
public final class IfconfigParser {
    private static final Pattern HEADER = Pattern.compile("^([A-Za-z0-9_.]+): flags=[0-9a-fA-F]+<([^>]*)>");
    private static final Pattern INET = Pattern.compile("^inet (\\d+\\.\\d+\\.\\d+\\.\\d+)(?:/(\\d+))?(?: --> \\S+)? (?:netmask (0x[0-9a-fA-F]{8}|\\d+\\.\\d+\\.\\d+\\.\\d+))?");
    private static final Pattern INET_CIDR = Pattern.compile("^inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/(\\d+)");

    private IfconfigParser() {}

    public static Map<String, Iface> parse(String text) {
        Map<String, Iface> out = new LinkedHashMap<>();
        Builder current = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher h = HEADER.matcher(line);
            if (h.find()) {
                add(out, current);
                current = new Builder(h.group(1), h.group(2));
                if (out.containsKey(current.name)) {
                    throw new UnreadableOutput("'ifconfig -a' lists interface " + current.name + " twice");
                }
                continue;
            }
            if (current == null || line.charAt(0) != '\t') {
                continue;
            }
            String detail = line.substring(1);
            if (detail.startsWith(" ")) {
                continue; // continuation of the previous detail (bridge member port line)
            }
            current.detail(detail);
        }
        add(out, current);
        return out;
    }

    private static void add(Map<String, Iface> out, Builder b) {
        if (b != null) {
            out.put(b.name, b.build());
        }
    }

    private static final class Builder {
        final String name;
        final Set<String> flags = new LinkedHashSet<>();
        final List<String> groups = new ArrayList<>();
        final List<Cidr> inet = new ArrayList<>();
        final List<String> members = new ArrayList<>();
        String ether;

        Builder(String name, String flags) {
            this.name = name;
            for (String f : flags.split(",")) {
                if (!f.isEmpty()) {
                    this.flags.add(f);
                }
            }
        }

        void detail(String detail) {
            String[] words = detail.trim().split("\\s+");
            switch (words[0]) {
                case "inet" -> inet(detail.trim());
                case "ether" -> ether = words.length > 1 ? words[1] : null;
                case "groups:" -> {
                    for (int i = 1; i < words.length; i++) {
                        groups.add(words[i]);
                    }
                }
                case "member:" -> {
                    if (words.length > 1) {
                        members.add(words[1]);
                    }
                }
                default -> { }
            }
        }

        void inet(String detail) {
            try {
                Matcher c = INET_CIDR.matcher(detail);
                if (c.find()) {
                    inet.add(new Cidr(Ipv4.parse(c.group(1)), Integer.parseInt(c.group(2))));
                    return;
                }
                Matcher m = INET.matcher(detail);
                if (m.find()) {
                    int prefix = m.group(3) == null ? 32 : prefix(m.group(3));
                    inet.add(new Cidr(Ipv4.parse(m.group(1)), prefix));
                    return;
                }
            } catch (IllegalArgumentException e) {
                // an octet over 255, a prefix over 32: fall through to the same answer
            }
            throw new UnreadableOutput("'ifconfig -a' printed '" + Shown.line(detail) + "' for " + name
                    + ", not an IPv4 address");
        }

        static int prefix(String mask) {
            int bits = mask.startsWith("0x") ? (int) Long.parseLong(mask.substring(2), 16) : Ipv4.parse(mask).bits();
            return Integer.bitCount(bits);
        }

        Iface build() {
            return new Iface(name, Set.copyOf(flags), List.copyOf(groups), List.copyOf(inet), Optional.ofNullable(ether),
                    List.copyOf(members));
        }
    }
}
