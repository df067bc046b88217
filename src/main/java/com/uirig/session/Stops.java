package com.uirig.session;

import com.uirig.apply.Interruption;

/**
 * How the process asks a running session to stop (SIGINT, SIGTERM, SIGHUP in the command line):
 * while {@link #changing} is on, the first request only stops new changes from starting; at any
 * other time, and on a second request, the process ends at once after {@link #endAtOnce} ran.
 */
public interface Stops {
    Interruption interruption();

    void changing(boolean on);

    /** What must run before the process ends at once: the journal record of what was done so far. */
    void endAtOnce(Runnable journal);
}
