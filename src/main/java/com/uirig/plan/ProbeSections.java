package com.uirig.plan;

import com.uirig.facts.Fact;
import com.uirig.facts.LockFile;
import com.uirig.facts.PendingRollback;
import com.uirig.facts.Probe;
import com.uirig.facts.Sections;
import com.uirig.model.DesiredHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe sections planning needs for a host: which commands read which facts. They follow from
 * the host's kinds (their facts and probes: tables, jails, services, packages) and the files their
 * resources own, so they are built here and handed to the probe, which knows nothing of resources.
 */
public final class ProbeSections {
    private ProbeSections() {}

    /** The sections and commands that read the facts planning needs for {@code host}. */
    public static Probe of(DesiredHost host) {
        return of(host, false);
    }

    /** With {@code lockCheck}, the first section says whether another uirig run holds the host. */
    public static Probe of(DesiredHost host, boolean lockCheck) {
        Map<String, String> first = new LinkedHashMap<>();
        if (lockCheck) {
            add(first, Sections.LOCK, LockFile.CHECK);
        }
        add(first, Sections.IFCONFIG, "ifconfig -a");
        add(first, Sections.JLS, "jls -n --libxo json");
        // The kinds' facts, in the kinds' order, follow the interfaces and jails.
        List<Fact<?>> facts = new ArrayList<>();
        Kinds.forEach(host, (kind, spec) -> facts.addAll(kind.facts(host, spec)));
        Map<String, String> p = new LinkedHashMap<>();
        add(p, Sections.ROUTE, "route -n get default");
        add(p, Sections.PF_MODULE, "kldstat -q -m pf");
        add(p, Sections.PF_RUNNING, "pfctl -s Running");
        add(p, Sections.PF_RULES, PfResource.SHOW_RULES);
        add(p, Sections.PF_LOADED, "cat " + PfResource.RECORD);
        add(p, Sections.ROLLBACKS, PendingRollback.LIST);
        // What the kinds' resources read of the state uirig parses itself, in the kinds' order.
        Kinds.forEach(host, (kind, spec) -> kind.probes(host, spec).forEach((name, command) -> add(p, name, command)));
        for (OwnedFile f : Resources.files(host)) {
            String path = Step.quote(f.path());
            if (f.path().endsWith("/etc/rc.conf")) {
                add(p, Sections.file(f.path()), "cat " + path);
            } else if (f.isSecret()) {
                add(p, Sections.secret(f.path()), "stat -f '%Lp %Su:%Sg' " + path + " && sha256 -q " + path);
            } else {
                add(p, Sections.file(f.path()), "stat -f '%Lp %Su:%Sg' " + path + " && cat " + path);
            }
        }
        return Probe.ofCommands(first, facts, p);
    }

    private static void add(Map<String, String> sections, String name, String command) {
        sections.putIfAbsent(name, command);
    }
}
