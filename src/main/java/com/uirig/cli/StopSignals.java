package com.uirig.cli;

import com.uirig.apply.Interruption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT, SIGTERM and SIGHUP (the operator's terminal or SSH session gone) during apply. While changes run, the first asks the run to stop after the
 * running change ({@link Interruption}); at any other time, and on a second signal, uirig ends at
 * once after {@code endAtOnce} (the journal record) has run. sun.misc.Signal (the JDK's
 * jdk.unsupported module) because a shutdown hook can neither keep the run going nor let a second
 * signal through: the JVM blocks further exits while hooks run.
 */
final class StopSignals implements AutoCloseable, com.uirig.session.Stops {
    private final Interruption interruption = new Interruption();
    private final PrintWriter err;
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile boolean changing;
    private volatile Runnable endAtOnce = () -> { };

    private StopSignals(PrintWriter err) {
        this.err = err;
    }

    static StopSignals install(PrintWriter err) {
        StopSignals s = new StopSignals(err);
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                Signal signal = new Signal(name);
                SignalHandler old = Signal.handle(signal, sig -> s.received(sig.getName()));
                s.signals.add(signal);
                s.previous.add(old);
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal (-Xrs): it ends uirig as it would without this class.
            }
        }
        return s;
    }

    @Override
    public Interruption interruption() {
        return interruption;
    }

    /** While true, the first signal stops the run gracefully instead of at once. */
    @Override
    public void changing(boolean on) {
        changing = on;
    }

    @Override
    public void endAtOnce(Runnable r) {
        endAtOnce = r;
    }

    private void received(String name) {
        boolean first = !interruption.requested();
        interruption.request(name);
        if (first && changing) {
            err.println("uirig: SIG" + name + ": no new change starts; the running one finishes (a rollback it armed is"
                    + " confirmed or waited for); SIG" + name + " again ends uirig at once");
            err.flush();
            return;
        }
        err.println("uirig: SIG" + name + ": ending at once" + (changing ? "; a rollback armed for the running change"
                + " fires on the host unless the next apply takes it over" : ""));
        err.flush();
        try {
            endAtOnce.run();
        } finally {
            Runtime.getRuntime().halt(Interruption.exitCode(name));
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
