package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Optional;

/**
 * One piece of desired state on a host, named by an address such as {@code bridge[xbridge]}, made
 * by a registered {@link Kind} ({@link Resources} builds them all).
 * It knows what it depends on and, given what the host has, the change that converges it.
 */
public interface Resource {

    Address address();

    /** Addresses of the resources that must be converged first. */
    List<Address> dependsOn();

    /**
     * Addresses of resources that must wait for this one, for a kind that comes between resources
     * built before it (a ZFS dataset mounted where a jail's run-once command writes).
     */
    default List<Address> before() {
        return List.of();
    }

    /** The change that brings the host to this resource's desired state; empty when in sync. */
    Optional<Change> plan(ObservedHost observed, PlanContext context);

    /** The files this resource writes on the host, for {@code uirig render}. */
    default List<OwnedFile> files() {
        return List.of();
    }
}
