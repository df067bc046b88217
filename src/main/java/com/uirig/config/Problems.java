package com.uirig.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collects every input problem so all of them are reported at once. The same playbook is
 * read once per host: a problem found for every host is printed once and untagged, one found
 * for some hosts only is tagged with their names.
 */
public final class Problems {
    private record Key(Location location, String path, String message) {}

    private final Map<Key, Set<String>> found = new LinkedHashMap<>();
    private final Set<String> hostsRead = new TreeSet<>();

    /** Records a problem that does not depend on a host (inventory structure, YAML syntax). */
    public void add(Location location, String path, String message) {
        found.computeIfAbsent(new Key(location, path, message), k -> new TreeSet<>());
    }

    /** A view that tags what it records with a host name. */
    public Sink forHost(String host) {
        hostsRead.add(host);
        return (location, path, message) ->
                found.computeIfAbsent(new Key(location, path, message), k -> new TreeSet<>()).add(host);
    }

    public Sink untagged() {
        return this::add;
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    public int size() {
        return found.size();
    }

    /** One line per problem, sorted by file, line and column. */
    public List<String> lines() {
        List<Map.Entry<Key, Set<String>>> entries = new ArrayList<>(found.entrySet());
        entries.sort(Comparator.comparing((Map.Entry<Key, Set<String>> e) -> e.getKey().location().file())
                .thenComparingInt(e -> e.getKey().location().line())
                .thenComparingInt(e -> e.getKey().location().column()));
        List<String> lines = new ArrayList<>();
        for (var e : entries) {
            Key k = e.getKey();
            StringBuilder line = new StringBuilder().append(k.location()).append(": ");
            if (!k.path().isEmpty()) {
                line.append(k.path()).append(": ");
            }
            line.append(k.message());
            Set<String> hosts = e.getValue();
            if (!hosts.isEmpty() && !hosts.equals(hostsRead)) {
                line.append(" [").append(String.join(", ", hosts)).append("]");
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Where problems are recorded while reading. */
    @FunctionalInterface
    public interface Sink {
        void add(Location location, String path, String message);
    }
}
