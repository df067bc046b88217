package com.uirig.facts;

import java.util.Optional;

/** Parses {@code route -n get default}. */
public final class RouteParser {
    private RouteParser() {}

    /**
     * The default gateway, if the route has one. route always prints "route to:" first
     * (sbin/route/route.c print_getmsg), so a successful answer without it is not route's.
     */
    public static Optional<String> gateway(String text) {
        // No default route: the first netlink route (sbin/route/route_netlink.c rtmsg_nl_int)
        // warns on standard error and exits 0, printing nothing (later ones exit non-zero).
        if (text.isBlank()) {
            return Optional.empty();
        }
        if (text.lines().map(String::trim).noneMatch(l -> l.startsWith("route to:"))) {
            throw new UnreadableOutput("'route -n get default' succeeded without a 'route to:' line");
        }
        return text.lines().map(String::trim).filter(l -> l.startsWith("gateway:"))
                .map(l -> l.substring("gateway:".length()).trim()).findFirst();
    }
}
