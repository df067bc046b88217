package com.uirig.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.uirig.apply.Applier;
import com.uirig.apply.ApplyOutcome;
import com.uirig.apply.ApplyView;
import com.uirig.apply.Progress;
import com.uirig.expect.ExpectationResult;
import com.uirig.facts.PendingRollback;
import com.uirig.plan.HostPlan;
import com.uirig.plan.Plan;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code uirig apply} for people: the plan, a line per change as it completes, a summary per host;
 * what concerns hosts that are not changed goes to {@code err}. {@link Json} prints the run's
 * journal record instead of the summary.
 */
public class ApplyText implements ApplyView {
    /** Asks the operator to confirm; {@code question} is a format with the change and host counts. */
    @FunctionalInterface
    public interface Confirm {
        boolean granted(String question, Object... args);
    }

    protected final PrintWriter out;
    private final PrintWriter err;
    private final Confirm confirm;

    public ApplyText(PrintWriter out, PrintWriter err, Confirm confirm) {
        this.out = out;
        this.err = err;
        this.confirm = confirm;
    }

    @Override
    public void takenOver(String host, PendingRollback rollback) {
        out.println(host + ": " + rollback.takenOver());
    }

    @Override
    public void leftAlone(String host, PendingRollback rollback) {
        err.println("uirig: " + host + ": rollback " + rollback.dir() + ": " + rollback.describe()
                + "; not taken over: this run does not change " + host);
    }

    @Override
    public void unusable(String host, String error) {
        err.println("uirig: " + error + "; nothing is changed on it");
    }

    @Override
    public void plan(Plan plan) {
        out.print(PlanText.render(plan));
        out.flush();
    }

    @Override
    public boolean confirm(long changes, long hosts) {
        return confirm.granted("Apply %d changes to %d host(s)?", changes, hosts);
    }

    @Override
    public void declined() {
        out.println("Nothing was changed.");
    }

    @Override
    public void progress(Progress event) {
        String line;
        if (event instanceof Progress.ChangeDone d) {
            line = d.host() + ": [" + d.index() + "/" + d.total() + "] " + d.resource() + ": " + d.action().word() + " ok";
        } else if (event instanceof Progress.ChangeFailed f) {
            line = f.host() + ": [" + f.index() + "/" + f.total() + "] " + f.resource() + ": FAILED: " + f.error();
        } else {
            Progress.StillRunning r = (Progress.StillRunning) event;
            line = r.host() + ": " + r.resource() + ": still running '" + r.command() + "' (" + r.seconds() + " s)";
        }
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void finished(ApplyOutcome o) {
        if (o.interrupted().isPresent()) {
            String signal = o.interrupted().get().signal();
            for (Applier.HostResult r : o.results()) {
                long notStarted = r.changes().stream().filter(c -> !c.ok() && c.error() != null && c.error().startsWith("not started")).count();
                out.println(r.host() + ": " + r.changed() + " changed, " + notStarted + " not started: interrupted by SIG"
                        + signal + ", NOT verified");
            }
            out.flush();
            return;
        }
        for (HostPlan h : o.plan().hosts()) {
            Applier.HostResult r = o.results().stream().filter(x -> x.host().equals(h.host())).findFirst().orElse(null);
            if (r == null) {
                out.println(h.host() + ": nothing to change, in sync");
                continue;
            }
            List<ExpectationResult> unmet = o.expectations().getOrDefault(h.host(), List.of()).stream().filter(e -> !e.passed()).toList();
            long failed = r.changes().stream().filter(c -> !c.ok()).count();
            out.println(h.host() + ": " + (h.isEmpty() && r.changes().isEmpty() ? "nothing to change, "
                    : r.changed() + " changed, " + failed + " failed, ")
                    + (r.verified() ? "verified" : "NOT verified")
                    + (r.notConverged().isEmpty() ? "" : " (not converged: " + String.join(", ", r.notConverged()) + ")")
                    + (unmet.isEmpty() ? "" : " (expectations failed: "
                            + String.join(", ", unmet.stream().map(ExpectationResult::resource).toList()) + ")")
                    + (r.error() == null ? "" : "; " + r.error()));
            unmet.forEach(e -> out.println("  " + e.resource() + ": " + e.describe()));
        }
        out.flush();
    }

    /** The same run, ending with its journal record as JSON (documented in the README) instead of the summary. */
    public static final class Json extends ApplyText {
        private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        public Json(PrintWriter out, PrintWriter err, Confirm confirm) {
            super(out, err, confirm);
        }

        @Override
        public void finished(ApplyOutcome o) {
            try {
                out.print(MAPPER.writeValueAsString(o.record()) + "\n");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        }
    }
}
