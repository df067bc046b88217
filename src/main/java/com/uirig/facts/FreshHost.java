package com.uirig.facts;

import com.uirig.model.Cidr;
import com.uirig.model.IfName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of a freshly installed FreeBSD host, for {@code plan --offline}: the NICs exist under
 * their driver names, there are no cloned interfaces, jails or uirig files, the pf module is not
 * loaded (sys/modules/pf: not in GENERIC; /etc/rc.d/pf loads it at boot only with pf_enable),
 * pkg is only its bootstrap stub (no /usr/local/sbin/pkg), rc.conf is what the installer writes
 * (DHCP on the first NIC), and so a default route exists, via the DHCP lease's router, which the
 * installer does not know in advance ({@link #DHCP_ROUTER}).
 */
public final class FreshHost {
    /** The default route's gateway as a fresh install has it: whatever the DHCP server gave. */
    public static final String DHCP_ROUTER = "the DHCP lease's router";

    private FreshHost() {}

    /**
     * {@code host} freshly installed with {@code nics} (their driver names), with each of {@code facts} (what the host's resource kinds
     * read: plan's ProbeSections gives them) as a fresh host has it.
     */
    public static ObservedHost of(String host, List<IfName> nics, List<Fact<?>> facts) {
        Map<String, Object> fresh = new LinkedHashMap<>();
        facts.forEach(f -> fresh.put(f.section(), f.fresh()));
        return bare(host, nics).withFacts(fresh);
    }

    private static ObservedHost bare(String host, List<IfName> nics) {
        Map<String, ObservedHost.Iface> interfaces = new LinkedHashMap<>();
        for (IfName nic : nics) {
            String device = nic.value();
            interfaces.put(device, new ObservedHost.Iface(device, Set.of("UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST"),
                    List.of(), List.of(), Optional.empty(), List.of()));
        }
        interfaces.put("lo0", new ObservedHost.Iface("lo0", Set.of("UP", "LOOPBACK", "RUNNING", "MULTICAST"),
                List.of("lo"), List.of(Cidr.parseInterface("127.0.0.1/8")), Optional.empty(), List.of()));
        Map<String, String> rcConf = new LinkedHashMap<>();
        rcConf.put("hostname", host);
        nics.stream().findFirst().ifPresent(n -> rcConf.put("ifconfig_" + n.rcName(), "DHCP"));
        rcConf.put("sshd_enable", "YES");
        rcConf.put("moused_nondefault_enable", "NO");
        rcConf.put("dumpdev", "AUTO");
        rcConf.put("zfs_enable", "YES");
        return ObservedHost.of(host)
                .with(HostState.INTERFACES, interfaces)
                .with(HostState.RC_CONF, Map.of("/etc/rc.conf", rcConf))
                .with(HostState.DEFAULT_ROUTE, nics.isEmpty() ? Optional.empty() : Optional.of(DHCP_ROUTER));
    }
}
