package com.uirig.apply;

import com.uirig.plan.Step;

/** Lets tests of other packages run a step's command as the runner sends it. */
public final class StepRunnerAccess {
    private StepRunnerAccess() {}

    public static String throughFiles(Step s) {
        return StepRunner.throughFiles(s);
    }
}
