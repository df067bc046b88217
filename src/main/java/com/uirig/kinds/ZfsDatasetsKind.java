package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Fact;
import com.uirig.facts.ObservedHost;
import com.uirig.facts.UnreadableOutput;
import com.uirig.model.DesiredHost;
import com.uirig.model.Shell;
import com.uirig.plan.Action;
import com.uirig.plan.Address;
import com.uirig.plan.Change;
import com.uirig.plan.FileResource;
import com.uirig.plan.Kind;
import com.uirig.plan.PlanContext;
import com.uirig.plan.Resource;
import com.uirig.plan.RunOnceResource;
import com.uirig.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ZFS datasets: {@code zfs_datasets: {POOL/PATH: {mountpoint: /abs/path, properties: {recordsize: 16k,
 * compression: lz4, atime: off, quota: 10G, reservation: 1G}}}}. A missing dataset is created with
 * {@code zfs create -o P=V ... NAME}, a property that differs is set with {@code zfs set P=V NAME}, an
 * unmounted one is mounted; uirig never destroys a dataset. A dataset mounted inside a jail comes after
 * the jail's root and before the jail starts (so before its packages, run-once commands and services).
 */
public final class ZfsDatasetsKind implements Kind<ZfsDatasetsKind.Spec> {
    /** What a host declares, in playbook order. */
    public record Spec(List<Dataset> datasets) {
        public Spec {
            datasets = List.copyOf(datasets);
        }
    }

    /**
     * One dataset: its name, its mountpoint when the playbook gives one ({@code mountpoint}, set
     * locally), where it mounts (that one, or the one it inherits from a declared ancestor or a jail's
     * zfs_clone root: the parent's mountpoint and the rest of the name, as libzfs_dataset.c
     * zfs_prop_get prints an inherited mountpoint), the properties set (canonical values, as zfs get
     * -p prints them) with the text written for each, the jail whose path holds the mountpoint, and
     * the resources that must come first and after.
     */
    public record Dataset(String name, Optional<String> mountpoint, String mountsAt, Map<ZfsProperty, String> values,
                          Map<ZfsProperty, String> texts, Optional<String> jail, List<Address> dependsOn,
                          List<Address> before) {
        public Dataset {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            texts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(texts));
            dependsOn = List.copyOf(dependsOn);
            before = List.copyOf(before);
        }

        boolean mountsOnPath() {
            return mountsAt.startsWith("/");
        }
    }

    /** A dataset as zfs get printed it: absent, or each property read with its value and source. */
    public record Observed(boolean exists, Map<String, Prop> properties) {
        public Observed {
            properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        String value(ZfsProperty p) {
            Prop found = properties.get(p.zfsName);
            return found == null ? null : found.value();
        }
    }

    /** One line of zfs get -H -o property,value,source. */
    public record Prop(String value, String source) {}

    static final Observed ABSENT = new Observed(false, Map.of());
    private static final String SECTION = "zfs/";
    private static final String ADDRESS = "zfs_dataset";

    @Override
    public String key() {
        return "zfs_datasets";
    }

    @Override
    public Class<Spec> specType() {
        return Spec.class;
    }

    // ------------------------------------------------------------------ reading

    /** A dataset as read, before what it mounts under is known. */
    private record Read(String name, Optional<String> mountpoint, Map<ZfsProperty, String> values,
                        Map<ZfsProperty, String> texts, YamlValue at) {}

    @Override
    public Spec read(YamlValue section, Context context) {
        Map<String, Read> read = new LinkedHashMap<>();
        for (var e : section.entries().entrySet()) {
            String name = e.getKey();
            YamlValue v = e.getValue();
            Optional<String> problem = ZfsProperty.nameProblem(name);
            if (problem.isPresent()) {
                v.error("invalid dataset name '" + name + "': " + problem.get());
                continue;
            }
            Optional<String> mountpoint = Optional.empty();
            Map<ZfsProperty, String> values = new LinkedHashMap<>();
            Map<ZfsProperty, String> texts = new LinkedHashMap<>();
            boolean ok = true;
            if (!v.isNull()) {
                var f = v.fields(List.of("mountpoint", "properties"), List.of());
                ok = f.valid();
                if (f.has("mountpoint")) {
                    String m = f.get("mountpoint").as(ZfsProperty::mountpoint);
                    ok &= m != null;
                    mountpoint = Optional.ofNullable(m);
                }
                if (f.has("properties") && !f.get("properties").isNull()) {
                    // An unknown property is reported at its key (and the result is then not used).
                    var props = f.get("properties").fields(ZfsProperty.names(ZfsProperty.SETTABLE), List.of());
                    ok &= props.valid();
                    for (var p : props.values().entrySet()) {
                        ZfsProperty property = ZfsProperty.settable(p.getKey()).orElseThrow();
                        String[] pair = p.getValue().as(t -> new String[] {t, property.canonical(t)});
                        if (pair == null) {
                            ok = false;
                            continue;
                        }
                        texts.put(property, pair[0]);
                        values.put(property, pair[1]);
                    }
                }
            }
            if (ok) {
                read.put(name, new Read(name, mountpoint, values, texts, v));
            }
        }
        List<Dataset> out = new ArrayList<>();
        for (Read r : read.values()) {
            Dataset d = place(r, read, context.host());
            if (d != null) {
                out.add(d);
            }
        }
        return acyclic(out, read) ? new Spec(out) : null;
    }

    /**
     * Where {@code r} mounts and what it comes after and before, or null after recording why that
     * cannot be known or cannot work.
     */
    private static Dataset place(Read r, Map<String, Read> all, DesiredHost host) {
        String mountsAt = mountsAt(r, all, host).orElse(null);
        if (mountsAt == null) {
            r.at().error("give '" + r.name() + "' a mountpoint: it would inherit its parent's, and no ancestor of it is"
                    + " a dataset of zfs_datasets with a known mountpoint or a jail's zfs_clone root");
            return null;
        }
        Optional<String> createsIt = runOnceCreating(mountsAt, host);
        if (createsIt.isPresent()) {
            r.at().error("run_once " + createsIt.get() + " creates " + mountsAt + ", the mountpoint of '" + r.name()
                    + "': once the dataset is mounted it exists and the command would never run (let it create a file"
                    + " inside, as initdb's PG_VERSION)");
            return null;
        }
        Set<Address> dependsOn = new LinkedHashSet<>();
        Set<Address> before = new LinkedHashSet<>();
        Optional<String> inJail = Optional.empty();
        for (DesiredHost.Jail j : JailsKind.of(host)) {
            Optional<String> clone = j.root() instanceof DesiredHost.ZfsClone z ? Optional.of(z.dataset()) : Optional.empty();
            if (clone.isPresent() && clone.get().equals(r.name())) {
                r.at().error("'" + r.name() + "' is jail " + j.name() + "'s root (its zfs_clone): uirig makes it with zfs clone");
                return null;
            }
            if (mountsAt.equals(j.path())) {
                r.at().error("'" + r.name() + "' would mount on jail " + j.name() + "'s path " + j.path()
                        + ", where its root filesystem is (jail_root)");
                return null;
            }
            boolean inside = under(mountsAt, j.path());
            // The jail's root first: it is the directory the dataset mounts in, or its parent dataset.
            if (inside || clone.isPresent() && under(r.name(), clone.get())) {
                dependsOn.add(Address.of("jail_root", j.name()));
            }
            if (inside) {
                inJail = Optional.of(j.name());
                // Mounted before the jail starts: its rc starts services that write there (rc.d/zfs mounts
                // every dataset before FILESYSTEMS at boot, and jails start after).
                before.add(Address.of("jail", j.name()));
            }
            if (under(j.path(), mountsAt) || clone.isPresent() && under(clone.get(), r.name())) {
                if (inside) {
                    r.at().error("'" + r.name() + "' cannot hold jail " + j.name() + "'s root and mount inside it");
                    return null;
                }
                before.add(Address.of("jail_root", j.name()));
            }
        }
        for (Read other : all.values()) {
            if (other == r) {
                continue;
            }
            Optional<String> at = mountsAt(other, all, host).filter(m -> m.startsWith("/"));
            // Its parent dataset, and a dataset mounted where its mountpoint directory is.
            if (under(r.name(), other.name()) || at.isPresent() && under(mountsAt, at.get())) {
                dependsOn.add(Address.of(ADDRESS, other.name()));
            }
        }
        return new Dataset(r.name(), r.mountpoint(), mountsAt, r.values(), r.texts(), inJail, List.copyOf(dependsOn),
                List.copyOf(before));
    }

    /** The run-once command (host or jail) whose {@code creates} is exactly {@code path}, if any. */
    private static Optional<String> runOnceCreating(String path, DesiredHost host) {
        for (DesiredHost.RunOnce o : RunOnceKind.of(host)) {
            if (o.creates().equals(path)) {
                return Optional.of(o.name());
            }
        }
        for (DesiredHost.Jail j : JailsKind.of(host)) {
            for (DesiredHost.RunOnce o : j.runOnce()) {
                if (j.hostPath(o.creates()).equals(path)) {
                    return Optional.of(j.name() + "/" + o.name());
                }
            }
        }
        return Optional.empty();
    }

    /** Where a dataset mounts: its own mountpoint, else the nearest known ancestor's and the rest of the name. */
    private static Optional<String> mountsAt(Read r, Map<String, Read> all, DesiredHost host) {
        if (r.mountpoint().isPresent()) {
            return r.mountpoint();
        }
        for (String parent = parentOf(r.name()); parent != null; parent = parentOf(parent)) {
            String rest = r.name().substring(parent.length() + 1);
            Read declared = all.get(parent);
            if (declared != null) {
                return mountsAt(declared, all, host).map(m -> m.startsWith("/") ? m + "/" + rest : m);
            }
            for (DesiredHost.Jail j : JailsKind.of(host)) {
                if (j.root() instanceof DesiredHost.ZfsClone z && z.dataset().equals(parent)) {
                    return Optional.of(j.path() + "/" + rest);
                }
            }
        }
        return Optional.empty();
    }

    private static String parentOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? null : name.substring(0, slash);
    }

    /** Whether {@code path} (a mountpoint, or a dataset name) is strictly below {@code top}. */
    private static boolean under(String path, String top) {
        return path.startsWith(top + "/");
    }

    /** Whether the datasets' order among themselves has no cycle; records one found at its first dataset. */
    private static boolean acyclic(List<Dataset> datasets, Map<String, Read> read) {
        Map<String, Dataset> byName = new LinkedHashMap<>();
        datasets.forEach(d -> byName.put(d.name(), d));
        Set<String> done = new LinkedHashSet<>();
        for (Dataset d : datasets) {
            List<String> cycle = cycleFrom(d.name(), byName, new ArrayList<>(), done);
            if (!cycle.isEmpty()) {
                read.get(cycle.get(0)).at().error("'" + cycle.get(0) + "' must be mounted both before and after "
                        + String.join(", ", cycle.subList(1, cycle.size())) + " (a parent dataset mounted inside its child?)");
                return false;
            }
        }
        return true;
    }

    private static List<String> cycleFrom(String name, Map<String, Dataset> byName, List<String> path, Set<String> done) {
        if (path.contains(name)) {
            return path.subList(path.indexOf(name), path.size());
        }
        if (done.contains(name) || !byName.containsKey(name)) {
            return List.of();
        }
        path.add(name);
        for (Address a : byName.get(name).dependsOn()) {
            if (a.kind().equals(ADDRESS)) {
                List<String> cycle = cycleFrom(a.name(), byName, path, done);
                if (!cycle.isEmpty()) {
                    return cycle;
                }
            }
        }
        path.remove(path.size() - 1);
        done.add(name);
        return List.of();
    }

    // ------------------------------------------------------------------ resources, facts, rc.conf

    @Override
    public List<Resource> resources(DesiredHost host, Spec spec, Graph graph) {
        List<Resource> out = new ArrayList<>();
        for (Dataset d : spec.datasets()) {
            List<Address> before = new ArrayList<>(d.before());
            if (d.mountsOnPath()) {
                // What writes under the mountpoint writes into the dataset: after it is mounted.
                for (Resource r : graph.built()) {
                    Optional<String> writes = r instanceof FileResource f ? Optional.of(f.path())
                            : r instanceof RunOnceResource o ? Optional.of(o.hostCreates()) : Optional.empty();
                    if (writes.isPresent() && under(writes.get(), d.mountsAt()) && !before.contains(r.address())) {
                        before.add(r.address());
                    }
                }
            }
            out.add(new DatasetResource(d, before));
        }
        return out;
    }

    @Override
    public List<Fact<?>> facts(DesiredHost host, Spec spec) {
        return spec.datasets().stream().<Fact<?>>map(d -> fact(d.name())).toList();
    }

    @Override
    public Optional<Fact<?>> factOf(String section) {
        if (!section.startsWith(SECTION)) {
            return Optional.empty();
        }
        String name = section.substring(SECTION.length());
        return ZfsProperty.nameProblem(name).isPresent() ? Optional.empty() : Optional.of(fact(name));
    }

    /**
     * rc.d/zfs mounts the datasets at boot ({@code zfs mount -va}, BEFORE: FILESYSTEMS) only with
     * zfs_enable (a root-on-ZFS install already has it).
     */
    @Override
    public RcConf rcConf(Spec spec) {
        return new RcConf(List.of(), Map.of("zfs_enable", "YES"));
    }

    /**
     * One dataset's properties: zfs get -H (no header, tab-separated) -p (exact numbers) of the
     * properties uirig reads, in their order. Standard error is the section's too: the probe drops
     * it, and "dataset does not exist" is the only failure that is a fact (zfs_main.c zfs_do_get ->
     * zfs_iter.c zfs_for_each -> libzfs_dataset.c zfs_open: "cannot open 'NAME'", ENOENT's text in
     * libzfs_util.c zfs_standard_error; status 1).
     */
    static Fact<Observed> fact(String name) {
        String command = "zfs get -H -p -o property,value,source " + String.join(",", ZfsProperty.names(ZfsProperty.READ))
                + " " + Shell.quote(name) + " 2>&1";
        return new Fact<>(SECTION + name, command, (exit, output) -> parse(name, exit, output), ABSENT);
    }

    static Observed parse(String name, int exit, String output) {
        if (exit == 1 && output.equals("cannot open '" + name + "': dataset does not exist\n")) {
            return ABSENT;
        }
        if (exit != 0) {
            throw new UnreadableOutput("zfs get exited " + exit + " without 'cannot open '" + name
                    + "': dataset does not exist' (the pool, zfs or the permission to read it is missing?)");
        }
        if (!output.endsWith("\n")) {
            throw new UnreadableOutput("zfs get's output does not end in a newline");
        }
        String[] lines = output.substring(0, output.length() - 1).split("\n", -1);
        if (lines.length != ZfsProperty.READ.size()) {
            throw new UnreadableOutput("zfs get printed " + lines.length + " lines for the " + ZfsProperty.READ.size()
                    + " properties it was asked for");
        }
        Map<String, Prop> props = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            ZfsProperty p = ZfsProperty.READ.get(i);
            String line = lines[i];
            int first = line.indexOf('\t');
            int last = line.lastIndexOf('\t');
            if (first < 0 || first == last) {
                throw new UnreadableOutput("line " + (i + 1) + " of zfs get is not PROPERTY, VALUE and SOURCE separated by tabs");
            }
            if (!line.substring(0, first).equals(p.zfsName)) {
                throw new UnreadableOutput("line " + (i + 1) + " of zfs get is not property " + p.zfsName);
            }
            String value = line.substring(first + 1, last);
            String source = line.substring(last + 1);
            if (!p.printable(value)) {
                throw new UnreadableOutput("zfs get -p cannot print that value of " + p.zfsName + " (line " + (i + 1) + ")");
            }
            // libzfs_util.c zprop_print_one_property: the SOURCE column.
            boolean sourceOk = List.of("-", "default", "local", "temporary", "received").contains(source)
                    || source.startsWith("inherited from ") && ZfsProperty.nameProblem(source.substring(15))
                    .filter(why -> !why.equals("missing dataset name")).isEmpty();
            if (!sourceOk) {
                throw new UnreadableOutput("the source of " + p.zfsName + " is none zfs get prints (line " + (i + 1) + ")");
            }
            props.put(p.zfsName, new Prop(value, source));
        }
        return new Observed(true, props);
    }

    // ------------------------------------------------------------------ planning

    /** One dataset on the host. */
    record DatasetResource(Dataset dataset, List<Address> before) implements Resource {
        DatasetResource {
            before = List.copyOf(before);
        }

        @Override
        public Address address() {
            return Address.of(ADDRESS, dataset.name());
        }

        @Override
        public List<Address> dependsOn() {
            return dataset.dependsOn();
        }

        @Override
        public Optional<Change> plan(ObservedHost observed, PlanContext context) {
            String name = dataset.name();
            // Saved facts from before the kind: as on a fresh host, the dataset is not there.
            Observed found = observed.fact(fact(name)).orElse(ABSENT);
            Map<ZfsProperty, String> desired = new LinkedHashMap<>();
            dataset.mountpoint().ifPresent(m -> desired.put(ZfsProperty.MOUNTPOINT, m));
            desired.putAll(dataset.values());
            Map<ZfsProperty, String> texts = new LinkedHashMap<>();
            dataset.mountpoint().ifPresent(m -> texts.put(ZfsProperty.MOUNTPOINT, m));
            texts.putAll(dataset.texts());
            List<Step> steps = new ArrayList<>();
            Map<String, Object> after = new LinkedHashMap<>(ZfsProperty.byName(desired));
            if (!found.exists()) {
                // No -p: zfs_create_ancestors would create and mount each missing parent where it inherits
                // (libzfs_dataset.c create_parents), possibly over a jail's /var; parents are declared or there.
                if (dataset.mountsOnPath()) {
                    steps.add(emptyDirectory(dataset.mountsAt(), name));
                }
                List<String> argv = new ArrayList<>(List.of("zfs", "create"));
                texts.forEach((p, text) -> argv.addAll(List.of("-o", p.zfsName + "=" + text)));
                argv.add(name);
                steps.add(new Step(argv, new Step.NoInput()));
                after.put("mounted", dataset.mountsOnPath() ? "yes" : "no");
                return Optional.of(new Change(address(), Action.CREATE, name + " does not exist", Map.of(), after, steps, ""));
            }
            Map<String, Object> before = new LinkedHashMap<>();
            List<String> reasons = new ArrayList<>();
            for (var e : desired.entrySet()) {
                ZfsProperty p = e.getKey();
                String now = found.value(p);
                if (e.getValue().equals(now)) {
                    continue;
                }
                before.put(p.zfsName, now);
                reasons.add(p.zfsName + " is " + now + ", not " + e.getValue());
                if (p == ZfsProperty.MOUNTPOINT && e.getValue().startsWith("/")) {
                    steps.add(emptyDirectory(e.getValue(), name));
                }
                steps.add(Step.run("zfs", "set", p.zfsName + "=" + texts.get(p), name));
            }
            // One found unmounted (zfs umount) is mounted again, unless canmount keeps it so on purpose.
            String mountpoint = dataset.mountpoint().orElse(found.value(ZfsProperty.MOUNTPOINT));
            if (mountpoint.startsWith("/") && "no".equals(found.value(ZfsProperty.MOUNTED))
                    && "on".equals(found.value(ZfsProperty.CANMOUNT))) {
                before.put("mounted", "no");
                after.put("mounted", "yes");
                reasons.add("it is not mounted");
                if (before.containsKey(ZfsProperty.MOUNTPOINT.zfsName)) {
                    // zfs set mountpoint mounts an unmounted dataset in some OpenZFS versions and not in
                    // others (libzfs_changelist.c changelist_postfix), and zfs mount refuses a mounted one
                    // ("filesystem already mounted", zfs_main.c share_mount_one): only if still needed.
                    steps.add(Step.run("/bin/sh", "-c", "test \"$(zfs get -H -o value mounted \"$1\")\" = yes || zfs mount \"$1\"",
                            "sh", name));
                } else {
                    steps.add(emptyDirectory(mountpoint, name));
                    steps.add(Step.run("zfs", "mount", name));
                }
            }
            if (steps.isEmpty()) {
                return Optional.empty();
            }
            after.keySet().retainAll(before.keySet());
            return Optional.of(new Change(address(), Action.UPDATE, String.join("; ", reasons), before, after,
                    steps, ""));
        }

        @Override
        public List<Address> before() {
            return before;
        }

        /**
         * Refuses to mount over files. OpenZFS mounts over a non-empty directory (the overlay property
         * defaults to on, zfs_prop.c; libzfs_mount.c zfs_mount_at then skips its dir_is_empty check),
         * and the files there, such as a PostgreSQL cluster, would vanish under the dataset.
         */
        private static Step emptyDirectory(String mountpoint, String name) {
            return Step.run("/bin/sh", "-c", "test ! -d \"$1\" || test -z \"$(ls -A \"$1\")\" || { echo \"$1 is not empty:"
                    + " mounting $2 there would hide its files\" >&2; exit 1; }", "sh", mountpoint, name);
        }
    }
}
