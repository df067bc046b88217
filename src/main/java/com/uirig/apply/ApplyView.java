package com.uirig.apply;

import com.uirig.facts.PendingRollback;
import com.uirig.plan.Plan;

/** What an apply run tells the user as it goes ({@code render.ApplyText} shows it as text). */
public interface ApplyView {
    /** A rollback an earlier run left on {@code host}, which this run took over. */
    void takenOver(String host, PendingRollback rollback);

    /** A rollback left on a host this run reads but does not change. */
    void leftAlone(String host, PendingRollback rollback);

    /** A host to be changed that cannot be used: {@code error} says why; nothing is changed on it. */
    void unusable(String host, String error);

    /** The plan of the hosts to be changed, shown before confirmation. */
    void plan(Plan plan);

    /** Asks whether to apply {@code changes} changes to {@code hosts} hosts. */
    boolean confirm(long changes, long hosts);

    /** The plan was not confirmed: nothing was changed. */
    void declined();

    void progress(Progress event);

    /** The run is over (converged or not, interrupted or not): its outcome. */
    void finished(ApplyOutcome outcome);
}
