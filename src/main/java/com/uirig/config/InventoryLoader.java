package com.uirig.config;

import com.uirig.model.Become;
import com.uirig.model.DesiredHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads an inventory and its playbooks into every host's desired state, checking everything
 * before anything else happens. All problems are collected; if there is any, {@link #load}
 * throws them together and no host is contacted.
 */
public final class InventoryLoader {
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
    private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HOST_KEY = Pattern.compile(
            "(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?");

    private final Problems problems = new Problems();

    /** Loads {@code path}: an inventory directory holding hosts.yml, or the file itself. */
    public static Inventory load(Path path) {
        return new InventoryLoader().read(path);
    }

    private Inventory read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("hosts.yml") : path;
        String name = Files.isDirectory(path) ? path.toAbsolutePath().normalize().getFileName().toString()
                : file.toAbsolutePath().normalize().getParent().getFileName().toString();
        Problems.Sink untagged = problems.untagged();
        Optional<Node> doc = YamlFile.parse(file, untagged);
        if (doc.isEmpty()) {
            throw new InvalidInputException(problems.lines());
        }
        String fileName = YamlFile.displayName(file);
        Path dir = file.toAbsolutePath().normalize().getParent();
        YamlValue root = YamlValue.root(doc.get(), fileName, null, untagged);
        var top = root.fields(List.of("playbooks", "ssh", "vars", "hosts"), List.of("playbooks", "hosts"));

        List<PlaybookFile> playbooks = new ArrayList<>();
        if (top.has("playbooks")) {
            for (YamlValue p : top.get("playbooks").sequence()) {
                String rel = p.text();
                if (rel != null) {
                    Path pf = dir.resolve(rel).normalize();
                    YamlFile.parse(pf, untagged).ifPresent(node -> playbooks.add(new PlaybookFile(pf, node)));
                }
            }
            if (playbooks.isEmpty() && problems.isEmpty()) {
                top.get("playbooks").error("list at least one playbook file");
            }
        }
        if (!problems.isEmpty()) {
            // A file that cannot be read would make every reference into it look undefined.
            throw new InvalidInputException(problems.lines());
        }
        checkSections(playbooks, untagged);

        Map<String, Scope.Var> shared = vars(top.get("vars"), "vars");
        Map<String, YamlValue> sshDefaults = top.has("ssh") ? sshFields(top.get("ssh"), false) : Map.of();

        record HostEntry(String name, YamlValue value, Scope scope, Optional<String> peer, YamlValue peerValue,
                         DesiredHost.SshTarget ssh) {}
        List<HostEntry> entries = new ArrayList<>();
        Map<String, Scope> scopes = new LinkedHashMap<>();
        if (top.has("hosts")) {
            for (var e : top.get("hosts").entries().entrySet()) {
                YamlValue hv = e.getValue();
                if (!HOST_NAME.matcher(e.getKey()).matches()) {
                    hv.error("invalid host name '" + e.getKey() + "' (lower-case letters, digits, '.' and '-')");
                    continue;
                }
                var hf = hv.fields(List.of("ssh", "peer", "vars"), List.of("ssh"));
                Map<String, Scope.Var> hostVars = vars(hf.get("vars"), "hosts." + e.getKey() + ".vars");
                Scope scope = new Scope(e.getKey(), hostVars, shared);
                Optional<String> peer = hf.has("peer") ? Optional.ofNullable(hf.get("peer").text()) : Optional.empty();
                Map<String, YamlValue> ssh = new LinkedHashMap<>(sshDefaults);
                if (hf.has("ssh")) {
                    ssh.putAll(sshFields(hf.get("ssh"), true));
                }
                DesiredHost.SshTarget target = sshTarget(e.getKey(), hv, ssh, dir);
                scope.setAddress(target == null ? null : target.address());
                scopes.put(e.getKey(), scope);
                entries.add(new HostEntry(e.getKey(), hv, scope, peer, hf.get("peer"), target));
            }
            if (entries.isEmpty() && problems.isEmpty()) {
                top.get("hosts").error("the inventory has no hosts");
            }
        }
        for (HostEntry h : entries) {
            h.peer().ifPresent(p -> {
                Scope peer = scopes.get(p);
                if (peer == null || p.equals(h.name())) {
                    h.peerValue().error(p.equals(h.name()) ? "a host cannot be its own peer" : "peer '" + p + "' is not a host of this inventory");
                } else {
                    h.scope().setPeer(peer);
                }
            });
        }

        List<LoadedHost> loaded = new ArrayList<>();
        for (HostEntry h : entries) {
            Problems.Sink sink = problems.forHost(h.name());
            Map<String, PlaybookReader.Section> sections = new LinkedHashMap<>();
            for (PlaybookFile pb : playbooks) {
                YamlValue pbRoot = YamlValue.root(pb.node(), YamlFile.displayName(pb.path()), h.scope(), sink);
                for (var s : pbRoot.entries().entrySet()) {
                    if (PlaybookReader.SECTIONS.contains(s.getKey())) {
                        sections.putIfAbsent(s.getKey(), new PlaybookReader.Section(s.getValue(), pb.path().getParent()));
                    }
                }
            }
            PlaybookReader reader = new PlaybookReader(sections);
            DesiredHost desired = reader.read(h.name(), h.ssh(), h.peer());
            loaded.add(new LoadedHost(desired, reader.origins()));
        }
        new Validator(loaded).check();
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems.lines());
        }
        Problems warnings = new Problems();
        new Validator(loaded).warn(warnings);
        return new Inventory(name, file, loaded.stream().map(LoadedHost::desired).toList(), warnings.lines());
    }

    private record PlaybookFile(Path path, Node node) {}

    /** Each section may be written in one playbook file only; unknown sections are errors. */
    private void checkSections(List<PlaybookFile> playbooks, Problems.Sink sink) {
        Map<String, String> firstIn = new LinkedHashMap<>();
        for (PlaybookFile pb : playbooks) {
            String file = YamlFile.displayName(pb.path());
            YamlValue root = YamlValue.root(pb.node(), file, null, sink);
            if (root.isNull()) {
                continue;
            }
            var fields = root.fields(PlaybookReader.SECTIONS, List.of());
            for (var s : fields.values().entrySet()) {
                String before = firstIn.putIfAbsent(s.getKey(), file);
                if (before != null) {
                    s.getValue().error("section '" + s.getKey() + "' is already defined in " + before);
                }
            }
        }
    }

    private Map<String, Scope.Var> vars(YamlValue v, String path) {
        Map<String, Scope.Var> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        for (var e : v.entries().entrySet()) {
            if (!VAR_NAME.matcher(e.getKey()).matches() || e.getKey().equals("peer") || e.getKey().equals("host")) {
                e.getValue().error("invalid variable name '" + e.getKey() + "'"
                        + (e.getKey().equals("peer") || e.getKey().equals("host") ? " (reserved)" : ""));
                continue;
            }
            YamlValue value = e.getValue();
            out.put(e.getKey(), new Scope.Var(e.getKey(),
                    new Scope.YamlNodeRef(value.node(), value.file(), path + "." + e.getKey())));
        }
        return out;
    }

    private static Map<String, YamlValue> sshFields(YamlValue v, boolean host) {
        List<String> allowed = host
                ? List.of("address", "port", "user", "become", "identity", "known_hosts", "host_key")
                : List.of("port", "user", "become", "identity", "known_hosts");
        return new LinkedHashMap<>(v.fields(allowed, List.of()).values());
    }

    private static DesiredHost.SshTarget sshTarget(String host, YamlValue hostValue, Map<String, YamlValue> f, Path dir) {
        if (!f.containsKey("address")) {
            hostValue.error("missing ssh.address (the address uirig connects to)");
            return null;
        }
        String address = f.get("address").as(text -> {
            if (!ADDRESS.matcher(text).matches()) {
                throw new IllegalArgumentException("invalid address '" + text + "'");
            }
            return text;
        });
        Integer port = f.containsKey("port") ? f.get("port").integer(1, 65535) : Integer.valueOf(22);
        String user = f.containsKey("user") ? f.get("user").text() : "root";
        // An unsupported value is reported where it is written; the rest of the host is still checked.
        Become become = f.containsKey("become") ? Optional.ofNullable(f.get("become").as(Become::parse)).orElse(Become.NONE)
                : Become.NONE;
        String identity = f.containsKey("identity") ? f.get("identity").text() : null;
        String knownHosts = f.containsKey("known_hosts") ? f.get("known_hosts").text() : null;
        Optional<String> hostKey = Optional.empty();
        if (f.containsKey("host_key")) {
            hostKey = Optional.ofNullable(f.get("host_key").as(text -> {
                String key = text.trim().replaceAll("\\s+", " ");
                String[] parts = key.split(" ");
                String typeAndKey = parts.length >= 2 ? parts[0] + " " + parts[1] : key;
                if (!HOST_KEY.matcher(typeAndKey).matches()) {
                    throw new IllegalArgumentException("expected a public key like 'ssh-ed25519 AAAA...'");
                }
                return typeAndKey;
            }));
        }
        if (address == null || port == null || user == null) {
            return null;
        }
        String knownHostsPath = knownHosts == null ? null : dir.resolve(knownHosts).normalize().toString();
        return new DesiredHost.SshTarget(address, port, user, identity, knownHostsPath, hostKey, become);
    }

    /** A host's desired state with where its parts were written. */
    record LoadedHost(DesiredHost desired, Origins origins) {}
}
