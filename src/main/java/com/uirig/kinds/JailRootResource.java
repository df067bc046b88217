package com.uirig.kinds;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A jail's root filesystem: a clone of a ZFS template snapshot, or a base archive extracted. */
public record JailRootResource(String jail, String path, DesiredHost.RootSource source) implements Resource {
    @Override
    public Address address() {
        return Address.of("jail_root", jail);
    }

    @Override
    public List<Address> dependsOn() {
        return List.of();
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        if (observed.get(HostState.JAIL_ROOTS).contains(path)) {
            return Optional.empty();
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("path", path);
        List<Step> steps;
        if (source instanceof DesiredHost.ZfsClone z) {
            after.put("zfs_clone", z.snapshot());
            after.put("dataset", z.dataset());
            steps = List.of(Step.run("zfs", "clone", "-o", "mountpoint=" + path, z.snapshot(), z.dataset()));
        } else {
            DesiredHost.BaseArchive b = (DesiredHost.BaseArchive) source;
            after.put("base_archive", b.localPath());
            steps = List.of(Step.run("mkdir", "-p", path),
                    // Hundreds of MB through SSH: a long step (its own timeout, progress lines).
                    new Step(List.of("tar", "-xpf", "-", "-C", path), new Step.LocalFile(b.file(), b.size()), Step.Effect.LONG));
        }
        return Optional.of(new Change(address(), Action.CREATE, path + " holds no root filesystem", Map.of(), after, steps, ""));
    }
}
