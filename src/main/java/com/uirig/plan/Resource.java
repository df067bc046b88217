package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Optional;

/**
 * One piece of desired state on a host, named by an address such as {@code bridge[xbridge]}.
 * It knows what it depends on and, given what the host has, the change that converges it.
 */
public sealed interface Resource permits NicResource, EpairResource, BridgeResource, RouteResource, SysctlResource,
        RcConfResource, FileResource, PfTableResource, PfResource, JailRootResource, JailResource, PackagesResource,
        ServiceResource, SpipedKeyResource, RunOnceResource,
        PkgBootstrapResource, EgressWindowResource {

    Address address();

    /** Addresses of the resources that must be converged first. */
    List<Address> dependsOn();

    /** The change that brings the host to this resource's desired state; empty when in sync. */
    Optional<Change> plan(ObservedHost observed, PlanContext context);

    /** The files this resource writes on the host, for {@code uirig render}. */
    default List<OwnedFile> files() {
        return List.of();
    }
}
