package com.uirig.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How ifconfig(8) reads its arguments (sbin/ifconfig/ifconfig.c, the DEF_CMD tables of
 * ifconfig.c, af_inet.c, ifvlan.c, iflagg.c, ifbridge.c): a keyword is either a flag or takes
 * the next word as its argument, and any other word is an address (the interface address, then
 * the destination or broadcast address). {@code vlanhwtag} is a flag
 * ({@code DEF_CMD("vlanhwtag", IFCAP_VLAN_HWTAGGING, setifcap)}), so in
 * {@code vlanhwtag 2222} the 2222 is an address: inet_aton reads it as 0.0.8.174.
 */
public final class IfconfigArgs {
    /** Keywords that take the next word as their argument. */
    private static final Set<String> WITH_ARGUMENT = Set.of("mtu", "metric", "description", "descr", "name", "media",
            "mediaopt", "-mediaopt", "mode", "inst", "instance", "vnet", "-vnet", "group", "-group", "fib", "tunnelfib",
            "netmask", "broadcast", "prefixlen", "vlan", "vlandev", "vlanpcp", "vlanproto", "laggproto", "laggport",
            "-laggport", "lagghash", "addm", "deletem", "stp", "-stp", "edge", "-edge", "autoedge", "-autoedge", "ptp",
            "-ptp", "autoptp", "-autoptp", "span", "-span", "static", "-static", "ifmaxaddr", "ifpriority", "ifpathcost",
            "maxaddr", "timeout", "priority", "hellotime", "fwddelay", "maxage", "proto", "holdcnt", "lladdr", "link",
            "ether", "vhid", "advskew", "advbase", "pass", "state", "tunnel", "ssid", "channel", "wepkey", "country",
            "txpower", "pcp", "nd6", "pltime", "vltime", "defaultif");

    /** Keywords that take no argument. */
    private static final Set<String> FLAGS = Set.of("up", "down", "alias", "-alias", "delete", "remove", "create",
            "destroy", "arp", "-arp", "debug", "-debug", "promisc", "-promisc", "monitor", "-monitor", "staticarp",
            "-staticarp", "rxcsum", "-rxcsum", "txcsum", "-txcsum", "rxcsum6", "-rxcsum6", "txcsum6", "-txcsum6", "netcons",
            "-netcons", "polling", "-polling", "tso", "-tso", "tso4", "-tso4", "tso6", "-tso6", "lro", "-lro", "txtls",
            "-txtls", "txrtlmt", "-txrtlmt", "hwrxtstmp", "-hwrxtstmp", "mextpg", "-mextpg", "wol", "-wol", "wol_ucast",
            "-wol_ucast", "wol_mcast", "-wol_mcast", "wol_magic", "-wol_magic", "vlanmtu", "-vlanmtu", "vlanhwtag",
            "-vlanhwtag", "vlanhwfilter", "-vlanhwfilter", "vlanhwtso", "-vlanhwtso", "vlanhwcsum", "-vlanhwcsum",
            "-vlandev", "learn", "-learn", "discover", "-discover", "private", "-private", "inet", "inet6", "link0",
            "-link0", "link1", "-link1", "link2", "-link2", "autoconf", "-autoconf", "accept_rtadv", "-accept_rtadv",
            "no_radr", "-no_radr", "auto_linklocal", "-auto_linklocal", "ifdisabled", "-ifdisabled", "defaultif", "-defaultif",
            "tentative", "-tentative", "deprecated", "-deprecated", "anycast", "eui64", "nud", "-nud", "noarp");

    private IfconfigArgs() {}

    /** The words of {@code args} that ifconfig would take as addresses. */
    public static List<String> addresses(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            if (WITH_ARGUMENT.contains(w)) {
                i++;
            } else if (!FLAGS.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }
}
