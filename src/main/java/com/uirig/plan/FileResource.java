package com.uirig.plan;

import com.uirig.facts.ObservedHost;
import java.util.List;
import java.util.Optional;

/** A whole file uirig owns (jail.conf, crontab, a jail's resolv.conf, ...). {@code kind} prefixes its address. */
public record FileResource(String kind, String path, String content, String mode, String owner, List<Address> dependsOn)
        implements Resource {
    public FileResource {
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of(kind, path);
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        return FileWrite.compare(path, content, mode, owner, observed, List.of())
                .map(o -> new Change(address(), o.action(), o.action() == Action.CREATE ? path + " does not exist"
                        : path + " differs", o.before(), o.after(), o.steps(), o.diff()));
    }

    @Override
    public List<OwnedFile> files() {
        return List.of(OwnedFile.text(path, content, mode, owner));
    }
}
