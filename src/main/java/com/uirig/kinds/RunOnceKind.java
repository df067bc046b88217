package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.facts.Sections;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.RunOnce;
import com.uirig.model.Shell;
import com.uirig.plan.Address;
import com.uirig.plan.Kind;
import com.uirig.plan.Resource;
import com.uirig.plan.RunOnceResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commands run once on the host, the playbook's {@code run_once} section, each guarded by the
 * path it creates ({@link RunOnceResource}); a jail's are {@link JailsKind}'s.
 */
public final class RunOnceKind implements Kind<RunOnceKind.Commands> {
    public static final String KEY = "run_once";

    /** The host's run-once commands, in the playbook's order. */
    public record Commands(List<RunOnce> commands) {
        public Commands {
            commands = List.copyOf(commands);
        }
    }

    /** The run-once commands {@code host} declares for itself (none without a run_once section). */
    public static List<RunOnce> of(DesiredHost host) {
        return host.kinds().get(KEY, Commands.class).map(Commands::commands).orElse(List.of());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Commands> specType() {
        return Commands.class;
    }

    @Override
    public Commands read(YamlValue section, Context context) {
        return new Commands(Readers.runOnce(section, "", context.origins()));
    }

    /** A command runs with the host's rc.conf, packages and files in place. */
    @Override
    public List<Resource> resources(DesiredHost host, Commands spec, Graph graph) {
        List<Address> deps = new ArrayList<>(List.of(RcConfKind.HOST));
        PackagesKind.hostPackages(host).ifPresent(deps::add);
        FilesKind.of(host).forEach(f -> deps.add(Address.of("file", f.path())));
        return spec.commands().stream().<Resource>map(o -> new RunOnceResource(o, o.creates(), deps)).toList();
    }

    /** {@code test -e} says whether each command's path exists. */
    @Override
    public Map<String, String> probes(DesiredHost host, Commands spec) {
        Map<String, String> out = new LinkedHashMap<>();
        spec.commands().forEach(o -> out.put(Sections.exists(o.creates()), "test -e " + Shell.quote(o.creates())));
        return out;
    }
}
