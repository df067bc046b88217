package com.uirig.kinds;

import com.uirig.facts.HostState;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.FileWrite;
import com.uirig.plan.OwnedFile;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A spiped key shared by every jail, on every host, whose pipes use it. The key is generated
 * on the first host from /dev/urandom and copied to the other ends through uirig's SSH
 * sessions; its bytes never appear in a plan, a log or on the orchestrator's disk.
 */
public record SpipedKeyResource(String name, String pathInJail, List<String> ends, List<Address> dependsOn) implements Resource {
    static final String MODE = "0600";
    static final String OWNER = "root:wheel";

    public SpipedKeyResource {
        ends = List.copyOf(ends);
        dependsOn = List.copyOf(dependsOn);
    }

    @Override
    public Address address() {
        return Address.of("spiped_key", name);
    }

    /** The key files of {@code key} on a host: one per jail whose pipes use it. */
    public static List<String> endsOn(DesiredHost host, String key) {
        List<String> out = new ArrayList<>();
        String inJail = SpipedKeysKind.of(host).stream().filter(k -> k.name().equals(key)).map(DesiredHost.SpipedKey::path)
                .findFirst().orElse(null);
        if (inJail == null) {
            return out;
        }
        for (DesiredHost.Jail j : JailsKind.of(host)) {
            if (j.pipes().stream().anyMatch(p -> p.key().equals(key))) {
                out.add(j.hostPath(inJail));
            }
        }
        return out;
    }

    private record Source(String host, String path, String sha256) {}

    /** The copy every end must match: the first existing key file, in inventory order. */
    private Optional<Source> source(PlanContext context) {
        for (DesiredHost h : context.desired()) {
            ObservedHost o = context.observed().get(h.name());
            if (o == null) {
                continue;
            }
            for (String p : endsOn(h, name)) {
                ObservedHost.FileState f = o.get(HostState.FILES).get(p);
                if (f != null) {
                    return Optional.of(new Source(h.name(), p, f.sha256()));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Change> plan(ObservedHost observed, PlanContext context) {
        // A rotation starts from no key at all: the first host makes a new one, every end gets it.
        Optional<Source> source = context.rotateKeys() ? Optional.empty() : source(context);
        List<String> wrong = ends.stream().filter(p -> {
            ObservedHost.FileState f = observed.get(HostState.FILES).get(p);
            return context.rotateKeys() || f == null || source.isEmpty() || !f.sha256().equals(source.get().sha256());
        }).toList();
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>();
        String reason;
        Optional<String> local = source.filter(s -> s.host().equals(context.host())).map(Source::path)
                .or(() -> source.flatMap(s -> ends.stream().filter(p -> !wrong.contains(p)).findFirst()));
        List<String> toCopy = new ArrayList<>(wrong);
        if (local.isEmpty()) {
            String first = toCopy.remove(0);
            steps.add(FileWrite.createEmpty(FileWrite.temporary(first), MODE, OWNER));
            if (source.isPresent()) {
                reason = "key copied from " + source.get().host();
                steps.add(new Step(List.of("dd", "of=" + FileWrite.temporary(first), "status=none"),
                        new Step.SecretFrom(source.get().host(), source.get().path())));
            } else {
                DesiredHost generator = context.desired().stream().filter(h -> !endsOn(h, name).isEmpty()).findFirst().orElseThrow();
                if (generator.name().equals(context.host())) {
                    reason = context.rotateKeys() ? "key rotation: a new key is generated here" : "no host has the key yet: generated here";
                    steps.add(Step.run("dd", "if=/dev/urandom", "of=" + FileWrite.temporary(first), "bs=32", "count=1", "status=none"));
                } else {
                    reason = "the key is generated on " + generator.name() + " and copied here";
                    steps.add(new Step(List.of("dd", "of=" + FileWrite.temporary(first), "status=none"),
                            new Step.SecretFrom(generator.name(), endsOn(generator, name).get(0))));
                }
            }
            steps.addAll(FileWrite.replace(first, observed.get(HostState.FILES).containsKey(first)));
            local = Optional.of(first);
        } else {
            reason = "key files differ from " + source.get().host() + ":" + source.get().path();
        }
        for (String p : toCopy) {
            steps.add(Step.run("cp", "-p", local.get(), FileWrite.temporary(p)));
            steps.addAll(FileWrite.replace(p, observed.get(HostState.FILES).containsKey(p)));
        }
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        for (String p : ends) {
            before.put(p, !observed.get(HostState.FILES).containsKey(p) ? "missing" : wrong.contains(p) ? "differs" : "same");
            after.put(p, "same");
        }
        boolean none = ends.stream().noneMatch(p -> observed.get(HostState.FILES).containsKey(p));
        if (context.rotateKeys()) {
            ends.forEach(p -> before.put(p, observed.get(HostState.FILES).containsKey(p) ? "replaced" : "missing"));
            ends.forEach(p -> after.put(p, "new key"));
        }
        return Optional.of(new Change(address(), none ? Action.CREATE : Action.UPDATE, reason, before, after, steps, "")
                .touching(new java.util.HashSet<>(wrong)));
    }

    @Override
    public List<OwnedFile> files() {
        return ends.stream().map(p -> OwnedFile.secret(p, MODE, OWNER,
                "spiped key '" + name + "': 32 random bytes generated on the first host, never rendered")).toList();
    }
}
