package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.Jail;
import com.uirig.model.DesiredHost.SpipedKey;
import com.uirig.plan.Address;
import com.uirig.plan.Kind;
import com.uirig.plan.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Shared spiped keys, the playbook's {@code spiped_keys} section: each a secret generated on the
 * first host that uses it and copied to every jail, on every host, whose pipes name it
 * ({@link SpipedKeyResource}); the jails' pipes are {@link JailsKind}'s.
 */
public final class SpipedKeysKind implements Kind<SpipedKeysKind.Keys> {
    public static final String KEY = "spiped_keys";

    /** The host's keys, in the playbook's order. */
    public record Keys(List<SpipedKey> keys) {
        public Keys {
            keys = List.copyOf(keys);
        }
    }

    /** The keys {@code host} declares (none without a spiped_keys section). */
    public static List<SpipedKey> of(DesiredHost host) {
        return host.kinds().get(KEY, Keys.class).map(Keys::keys).orElse(List.of());
    }

    /** The resource of key {@code name}, when the host has one: a key no pipe of the host uses has none. */
    static Optional<Address> resourceOf(DesiredHost host, String name) {
        return of(host).stream().filter(k -> k.name().equals(name) && !SpipedKeyResource.endsOn(host, name).isEmpty())
                .findFirst().map(k -> address(name));
    }

    private static Address address(String name) {
        return Address.of("spiped_key", name);
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Keys> specType() {
        return Keys.class;
    }

    @Override
    public Keys read(YamlValue section, Context context) {
        List<SpipedKey> keys = new ArrayList<>();
        for (var e : section.entries().entrySet()) {
            var f = e.getValue().fields(List.of("path"), List.of("path"));
            String path = f.has("path") ? Readers.absolutePath(f.get("path")) : null;
            if (path != null && Readers.NAME.matcher(e.getKey()).matches()) {
                keys.add(new SpipedKey(e.getKey(), path));
                context.origins().put("spiped_key." + e.getKey(), e.getValue());
            } else if (!Readers.NAME.matcher(e.getKey()).matches()) {
                e.getValue().error("invalid key name '" + e.getKey() + "'");
            }
        }
        return new Keys(keys);
    }

    /** A key's copy in each jail whose pipes use it. */
    @Override
    public List<WrittenFile> writtenFiles(Keys spec, DesiredHost host) {
        List<WrittenFile> out = new ArrayList<>();
        for (Jail j : JailsKind.of(host)) {
            if (j.path().isEmpty()) {
                continue; // a jail without a path is reported as such
            }
            spec.keys().stream().filter(k -> j.pipes().stream().anyMatch(p -> p.key().equals(k.name())))
                    .forEach(k -> out.add(new WrittenFile(j.hostPath(k.path()), "spiped key " + k.name() + " in jail " + j.name(),
                            "spiped_key." + k.name(), Source.DATA)));
        }
        return out;
    }

    /** One resource per key the host's pipes use; it waits for the roots of the jails it is copied into. */
    @Override
    public List<Resource> resources(DesiredHost host, Keys spec, Graph graph) {
        List<Resource> out = new ArrayList<>();
        for (SpipedKey k : spec.keys()) {
            List<String> ends = SpipedKeyResource.endsOn(host, k.name());
            if (ends.isEmpty()) {
                continue;
            }
            List<Address> deps = JailsKind.of(host).stream().filter(j -> j.pipes().stream().anyMatch(p -> p.key().equals(k.name())))
                    .map(j -> JailsKind.rootAddress(j.name())).toList();
            out.add(new SpipedKeyResource(k.name(), k.path(), ends, deps));
        }
        return out;
    }
}
