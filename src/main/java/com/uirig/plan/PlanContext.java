package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import java.util.List;
import java.util.Map;

/** What planning one host may look at beyond that host: the other hosts, for shared secrets. */
public record PlanContext(String host, List<DesiredHost> desired, Map<String, ObservedHost> observed) {}
