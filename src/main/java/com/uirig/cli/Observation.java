package com.uirig.cli;

import com.uirig.config.Inventory;
import com.uirig.facts.FactsGatherer;
import com.uirig.facts.FactsReader;
import com.uirig.facts.FactsStore;
import com.uirig.facts.ObservedHost;
import com.uirig.plan.ProbeSections;
import com.uirig.model.DesiredHost;
import com.uirig.ssh.SshConnector;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Option;

/** How commands read hosts: live over SSH, or from facts saved with {@code facts --save}. */
final class Observation {
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    int forks;
    int timeoutSeconds;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "20",
            description = "Hosts read at the same time (default: ${DEFAULT-VALUE}).")
    void forks(int n) {
        forks = Options.positive(spec, "--forks", n, "hosts");
    }

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Connect and command timeout per host (default: ${DEFAULT-VALUE}).")
    void timeout(int seconds) {
        timeoutSeconds = Options.positive(spec, "--timeout", seconds, "seconds");
    }

    /** Every host's facts or error; {@code saved} reads DIR/HOST instead of connecting. */
    List<FactsGatherer.Outcome> read(Inventory inventory, List<DesiredHost> hosts, Path saved) {
        if (saved == null) {
            return FactsGatherer.gather(hosts, h -> ProbeSections.of(h, true), inventory.file().toAbsolutePath().getParent(), forks,
                    Duration.ofSeconds(timeoutSeconds));
        }
        List<FactsGatherer.Outcome> out = new ArrayList<>();
        for (DesiredHost h : hosts) {
            try {
                var sections = FactsStore.load(saved.resolve(h.name()));
                var probe = ProbeSections.of(h);
                out.add(new FactsGatherer.Outcome(h.name(), FactsReader.read(h.name(), sections, probe.sectionNames(), probe.facts()), null));
            } catch (IOException e) {
                out.add(new FactsGatherer.Outcome(h.name(), null, h.name() + ": " + e.getMessage()));
            }
        }
        return out;
    }

    /** Facts read live, with each reachable host's SSH connection still open; closing closes them. */
    static final class LiveRead implements AutoCloseable {
        private final SshConnector connector;
        private final Map<String, Transport> connections = new ConcurrentHashMap<>();
        private final List<FactsGatherer.Outcome> outcomes = new ArrayList<>();

        private LiveRead(SshConnector connector) {
            this.connector = connector;
        }

        List<FactsGatherer.Outcome> outcomes() {
            return outcomes;
        }

        /** The host's open connection, or null when it could not be reached. */
        Transport connection(String host) {
            return connections.get(host);
        }

        @Override
        public void close() {
            connections.values().forEach(Transport::close);
            connector.close();
        }
    }

    /**
     * Reads every host as {@link #read} does live (one connection and one probe each, {@code forks}
     * at a time), and keeps the connections open for tests that follow (expectations).
     */
    LiveRead readLive(Inventory inventory, List<DesiredHost> hosts) {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        LiveRead live = new LiveRead(new SshConnector(timeout));
        try {
            // Only hosts with expectations to test on them keep their connection for it.
            live.outcomes.addAll(FactsGatherer.gather(live.connector, hosts, h -> ProbeSections.of(h, true),
                    inventory.file().toAbsolutePath().getParent(), forks, timeout, live.connections,
                    h -> !com.uirig.expect.HostBatch.of(h.expectations()).isEmpty()));
            return live;
        } catch (RuntimeException e) {
            live.close();
            throw e;
        }
    }

    /** Observed states of the hosts whose facts are complete; the others get an error line. */
    static Map<String, ObservedHost> usable(List<FactsGatherer.Outcome> outcomes, Map<String, String> errors) {
        return usable(outcomes, errors, new java.util.HashSet<>());
    }

    /** As above; the hosts another uirig run holds are also added to {@code busy}. */
    static Map<String, ObservedHost> usable(List<FactsGatherer.Outcome> outcomes, Map<String, String> errors,
                                            java.util.Set<String> busy) {
        Map<String, ObservedHost> observed = new LinkedHashMap<>();
        for (FactsGatherer.Outcome o : outcomes) {
            String problem = o.problem();
            if (problem == null) {
                observed.put(o.host(), o.facts().observed());
            } else {
                errors.put(o.host(), problem);
                if (o.ok() && o.facts().busy()) {
                    busy.add(o.host());
                }
            }
        }
        return observed;
    }

    /**
     * The rollbacks found on readable hosts that no other run holds (a held host's are that run's,
     * and the host is reported busy).
     */
    static Map<String, List<com.uirig.facts.PendingRollback>> rollbacks(List<FactsGatherer.Outcome> outcomes) {
        Map<String, List<com.uirig.facts.PendingRollback>> out = new LinkedHashMap<>();
        for (FactsGatherer.Outcome o : outcomes) {
            if (o.ok() && !o.facts().busy() && !o.facts().pendingRollbacks().isEmpty()) {
                out.put(o.host(), o.facts().pendingRollbacks());
            }
        }
        return out;
    }

    /** Why a host's facts cannot be planned on (unread, busy, implausible, incomplete), or null when they can. */
}
