package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import java.util.List;
import java.util.Map;

/**
 * What planning one host may look at beyond one resource: the other hosts (for shared secrets)
 * and the resources of this host already planned to change, in order; {@code rotateKeys} asks for
 * new shared keys everywhere.
 */
public record PlanContext(String host, List<DesiredHost> desired, Map<String, ObservedHost> observed,
                          Map<Address, Change> changing, boolean rotateKeys) {}
