package com.uirig.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.uirig.expect.ExpectationResult;
import com.uirig.plan.Plan;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an apply run did: the plan of the hosts it was to change, each host's results, the
 * expectations tested to verify them, the journal record, and the signal that interrupted it (then
 * no host was verified). {@code ok}: every host to be changed was usable, converged and verified.
 */
public record ApplyOutcome(Plan plan, List<Applier.HostResult> results, Map<String, List<ExpectationResult>> expectations,
                           ObjectNode record, Optional<Interruption> interrupted, boolean ok) {}
