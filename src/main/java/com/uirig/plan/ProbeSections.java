package com.uirig.plan;

import com.uirig.facts.Fact;
import com.uirig.facts.LockFile;
import com.uirig.facts.PendingRollback;
import com.uirig.facts.Probe;
import com.uirig.facts.Sections;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe sections planning needs for a host: which commands read which facts. They follow from
 * the host's resources (its files, tables, jails, services, packages), so they are built here and
 * handed to the probe, which knows nothing of resources.
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
        // The kinds' facts, in the kinds' order, follow the interfaces and jails: where the sysctl
        // section was read while it was built in (a probe cut short still names the same section).
        List<Fact<?>> facts = new ArrayList<>();
        Kinds.forEach(host, (kind, spec) -> facts.addAll(kind.facts(host, spec)));
        Map<String, String> p = new LinkedHashMap<>();
        add(p, Sections.ROUTE, "route -n get default");
        add(p, Sections.PF_MODULE, "kldstat -q -m pf");
        add(p, Sections.PF_RUNNING, "pfctl -s Running");
        add(p, Sections.PF_RULES, PfResource.SHOW_RULES);
        add(p, Sections.PF_LOADED, "cat " + PfResource.RECORD);
        add(p, Sections.ROLLBACKS, PendingRollback.LIST);
        host.pf().ifPresent(pf -> pf.tables().stream().filter(t -> !t.runtime())
                .forEach(t -> add(p, Sections.table(t.name()), "pfctl -t " + Step.quote(t.name()) + " -T show")));
        if (!host.packages().isEmpty()) {
            add(p, Sections.packages(""), "pkg query %n");
        }
        if (!host.packages().isEmpty() || host.jails().stream().anyMatch(j -> !j.packages().isEmpty())) {
            add(p, Sections.exists(PkgBootstrapResource.PKG), "test -e " + PkgBootstrapResource.PKG);
        }
        for (Jail j : host.jails()) {
            String jail = Step.quote(j.name());
            add(p, Sections.jailRoot(j.path()), "test -x " + Step.quote(j.hostPath("/bin/sh")));
            add(p, Sections.jailIfconfig(j.name()), "jexec " + jail + " ifconfig -a");
            if (!j.packages().isEmpty()) {
                // -r reads the jail's package database even while the jail is stopped.
                add(p, Sections.packages(j.name()), "pkg -r " + Step.quote(j.path()) + " query %n");
            }
            for (String s : j.services()) {
                add(p, Sections.service(j.name(), s), "jexec " + jail + " service " + Step.quote(s) + " onestatus");
            }
            // spiped's rc script runs one daemon per pipe: each pid file must name a live process.
            for (var pipe : j.pipes()) {
                add(p, Sections.pipe(j.name(), pipe.name()),
                        "pgrep -F " + Step.quote(j.hostPath(pipe.pidFile())));
            }
        }
        for (var r : host.runOnce()) {
            add(p, Sections.exists(r.creates()), "test -e " + Step.quote(r.creates()));
        }
        for (Jail j : host.jails()) {
            for (var r : j.runOnce()) {
                add(p, Sections.exists(j.hostPath(r.creates())), "test -e " + Step.quote(j.hostPath(r.creates())));
            }
        }
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
