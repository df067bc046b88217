package com.uirig.facts;

import com.uirig.model.DesiredHost;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.SshConnector;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads every host's facts over SSH: one connection and one probe per host, at most
 * {@code forks} hosts at a time. A host that cannot be read is reported, never the others.
 */
public final class FactsGatherer {
    /** A host's facts, or why they could not be read. */
    public record Outcome(String host, HostFacts facts, String error) {
        /** Why the host cannot be planned or changed from these facts, or null when it can. */
        public String problem() {
            if (!ok()) {
                return error;
            }
            if (facts.busy()) {
                return host + ": busy: another uirig run holds " + LockFile.PATH + "; its state may be half-way";
            }
            // An answer that cannot be FreeBSD's says more than the sections it lacks.
            var implausible = facts.implausible();
            if (implausible.isPresent()) {
                return host + ": not used, nothing is changed on it: " + implausible.get();
            }
            if (!facts.complete()) {
                return host + ": facts are incomplete, missing: " + String.join(", ", facts.unknown());
            }
            return null;
        }

        public boolean ok() {
            return facts != null;
        }
    }

    private FactsGatherer() {}

    /** Reads the hosts, each with the probe {@code probes} gives for it. */
    public static List<Outcome> gather(List<DesiredHost> hosts, java.util.function.Function<DesiredHost, Probe> probes,
                                       Path inventoryDir, int forks, Duration timeout) {
        try (SshConnector connector = new SshConnector(timeout)) {
            return gather(connector, hosts, probes, inventoryDir, forks, timeout, null, h -> false);
        }
    }

    /**
     * Reads the hosts through {@code connector}; with {@code open} non-null the connection of each
     * host that {@code keep} accepts is kept there (for what the caller does next over it) instead
     * of being closed: an idle session still holds its buffers (about 0.25 MB), which adds up over
     * a thousand hosts.
     */
    public static List<Outcome> gather(SshConnector connector, List<DesiredHost> hosts,
                                       java.util.function.Function<DesiredHost, Probe> probes, Path inventoryDir, int forks,
                                       Duration timeout, java.util.Map<String, Transport> open,
                                       java.util.function.Predicate<DesiredHost> keep) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(forks, hosts.size())));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (DesiredHost h : hosts) {
                futures.add(pool.submit(() -> readOne(connector, h, probes.apply(h), inventoryDir, timeout,
                        open != null && keep.test(h) ? open : null)));
            }
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(internalError(hosts.get(i).name()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(new Outcome(hosts.get(i).name(), null, "interrupted"));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome readOne(SshConnector connector, DesiredHost host, Probe probe, Path inventoryDir, Duration timeout,
                                   java.util.Map<String, Transport> open) {
        Transport t;
        try {
            t = connector.connect(host.name(), host.ssh(), inventoryDir);
        } catch (IOException e) {
            return new Outcome(host.name(), null, e.getMessage());
        }
        if (open != null) {
            open.put(host.name(), t);
            return read(t, host.name(), probe, timeout);
        }
        try (t) {
            return read(t, host.name(), probe, timeout);
        }
    }

    /** A failure inside uirig itself: said in words, never as Java's exception text. */
    private static Outcome internalError(String host) {
        return new Outcome(host, null, host + ": its facts could not be read (an error inside uirig); nothing is changed on it");
    }

    /** Reads one host's facts over an open connection, in one round trip. */
    public static Outcome read(Transport t, String host, Probe probe, Duration timeout) {
        try {
            return parse(host, probe, t.run("/bin/sh -s", probe.script().getBytes(StandardCharsets.UTF_8), timeout));
        } catch (IOException e) {
            return new Outcome(host, null, e.getMessage());
        } catch (RuntimeException e) {
            return internalError(host);
        }
    }

    /** A host's facts from what {@code probe}'s script printed, however it was run. */
    public static Outcome parse(String host, Probe probe, CommandResult r) {
        try {
            var sections = probe.split(r.stdout());
            if (sections.isEmpty()) {
                return new Outcome(host, null, host + ": the probe printed no facts (exit " + r.exit()
                        + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()) + ")");
            }
            probe.requireAll(sections);
            List<String> expected = probe.sectionNames().stream().filter(n -> !n.equals(Sections.LOCK)).toList();
            return new Outcome(host, FactsReader.read(host, sections, expected, probe.facts()), null);
        } catch (UnreadableOutput e) {
            return new Outcome(host, null, host + ": " + e.getMessage() + "; nothing is changed on it");
        } catch (RuntimeException e) {
            return internalError(host);
        }
    }
}
