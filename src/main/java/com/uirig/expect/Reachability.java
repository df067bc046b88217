package com.uirig.expect;

import com.uirig.model.DesiredHost;
import com.uirig.model.Expectation;
import com.uirig.ssh.CommandResult;
import com.uirig.ssh.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Tests the expectations of hosts: those {@code from: orchestrator} with a TCP connect of uirig's
 * own process, the others in one script per host over its open SSH connection. Every connect
 * and every host runs at the same time (hosts at most {@code forks} at once), so testing takes
 * about the longest timeout, not their sum. Results keep the playbook's order.
 */
public final class Reachability {
    /** Connects from the orchestrator at the same time, at most. */
    static final int MAX_CONNECTS = 128;

    private Reachability() {}

    /** Tests one expectation from uirig's own process. */
    public static ExpectationResult fromOrchestrator(Expectation x) {
        return OrchestratorConnect.test(x);
    }

    /** Tests one host's host and jail expectations over {@code t}, in one round trip. */
    public static List<ExpectationResult> onHost(Transport t, List<Expectation> expectations, Duration timeout) {
        HostBatch batch = HostBatch.of(expectations);
        if (batch.isEmpty()) {
            return List.of();
        }
        if (t == null) {
            return batch.unknown("no SSH connection to the host");
        }
        try {
            CommandResult r = t.run("/bin/sh -s", batch.scriptBytes(), batch.timeout(timeout));
            return batch.results(r);
        } catch (IOException e) {
            return batch.unknown("the test did not run on the host: " + (e.getMessage() == null ? "the connection failed" : e.getMessage()));
        } catch (RuntimeException e) {
            return batch.unknown("the test did not run on the host");
        }
    }

    /**
     * Tests every expectation of {@code hosts}; {@code connections} gives each host's open SSH
     * connection (null: the host's own tests are {@code unknown}). Returns each host's results.
     */
    public static Map<String, List<ExpectationResult>> test(List<DesiredHost> hosts, Function<String, Transport> connections,
                                                            Duration timeout, int forks) {
        List<Expectation> local = hosts.stream().flatMap(h -> h.expectations().stream())
                .filter(Expectation::fromOrchestrator).toList();
        List<DesiredHost> remote = hosts.stream().filter(h -> !HostBatch.of(h.expectations()).isEmpty()).toList();
        ExecutorService connects = local.isEmpty() ? null : pool(Math.min(local.size(), MAX_CONNECTS));
        ExecutorService onHosts = remote.isEmpty() ? null : pool(Math.max(1, Math.min(forks, remote.size())));
        try {
            Map<Expectation, Future<ExpectationResult>> fromHere = new LinkedHashMap<>();
            for (Expectation x : local) {
                fromHere.put(x, connects.submit(() -> fromOrchestrator(x)));
            }
            Map<String, Future<List<ExpectationResult>>> fromHosts = new LinkedHashMap<>();
            for (DesiredHost h : remote) {
                fromHosts.put(h.name(), onHosts.submit(() -> onHost(connections.apply(h.name()), h.expectations(), timeout)));
            }
            Map<String, List<ExpectationResult>> out = new LinkedHashMap<>();
            for (DesiredHost h : hosts) {
                Map<Expectation, ExpectationResult> byExpectation = new LinkedHashMap<>();
                if (fromHosts.containsKey(h.name())) {
                    HostBatch batch = HostBatch.of(h.expectations());
                    List<ExpectationResult> results = await(fromHosts.get(h.name()), () -> batch.unknown("the test could not be made"));
                    results.forEach(r -> byExpectation.put(r.expectation(), r));
                }
                List<ExpectationResult> ordered = new ArrayList<>();
                for (Expectation x : h.expectations()) {
                    ExpectationResult r = x.fromOrchestrator()
                            ? await(fromHere.get(x), () -> ExpectationResult.of(x, ExpectationResult.Found.UNKNOWN, "the test could not be made"))
                            : byExpectation.get(x);
                    ordered.add(r == null ? ExpectationResult.of(x, ExpectationResult.Found.UNKNOWN, "not tested") : r);
                }
                out.put(h.name(), List.copyOf(ordered));
            }
            return out;
        } finally {
            if (connects != null) {
                connects.shutdownNow();
            }
            if (onHosts != null) {
                onHosts.shutdownNow();
            }
        }
    }

    private static <T> T await(Future<T> f, java.util.function.Supplier<T> otherwise) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise.get();
        } catch (ExecutionException e) {
            return otherwise.get();
        }
    }

    private static ExecutorService pool(int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "uirig-expect");
            t.setDaemon(true);
            return t;
        });
    }
}
