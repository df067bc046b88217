package com.uirig.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node being read as typed data: it knows its file, position and document path, and
 * resolves {@code {{ var }}} templates through a {@link Scope}. Every read that fails records a
 * problem and returns null (or an empty collection), so reading goes on and all problems are
 * reported together.
 */
public final class YamlValue {
    // White space around the name is stripped in code: "\\s*([^{}]*?)\\s*" backtracks
    // quadratically on a long run of spaces, and input texts may be megabytes.
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{([^{}]*)}}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*");
    private static final int MAX_DEPTH = 12;

    private final Node node;
    private final String file;
    private final String path;
    private final Scope scope;
    private final Problems.Sink sink;
    private final String usedAt;
    private final int depth;
    private final ExpansionBudget budget;

    private YamlValue(Node node, String file, String path, Scope scope, Problems.Sink sink, String usedAt, int depth,
                      ExpansionBudget budget) {
        this.node = node;
        this.file = file;
        this.path = path;
        this.scope = scope;
        this.sink = sink;
        this.usedAt = usedAt;
        this.depth = depth;
        this.budget = budget;
    }

    /** The root of a document; {@code scope} may be null where templates are not allowed. */
    public static YamlValue root(Node node, String file, Scope scope, Problems.Sink sink) {
        return new YamlValue(node, file, "", scope, sink, null, 0, scope == null ? null : scope.budget());
    }

    public Location location() {
        return YamlFile.at(file, node.getStartMark());
    }

    public String path() {
        return path;
    }

    public String file() {
        return file;
    }

    public Node node() {
        return node;
    }

    public Scope scope() {
        return scope;
    }

    Problems.Sink sink() {
        return sink;
    }

    /** Records a problem about this value. */
    public void error(String message) {
        sink.add(location(), path, message + (usedAt == null ? "" : " (used at " + usedAt + ")"));
    }

    private void errorAt(Location where, String message) {
        sink.add(where, path, message + (usedAt == null ? "" : " (used at " + usedAt + ")"));
    }

    private YamlValue child(Node child, String childPath) {
        return new YamlValue(child, file, childPath, scope, sink, usedAt, depth, budget);
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean isNull() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /**
     * Follows a value that is exactly one template, {@code "{{ name }}"}, to the variable's own
     * node, so a variable can hold a list or a mapping. Returns null when the variable is undefined.
     */
    public YamlValue resolved() {
        if (scope == null || !(node instanceof ScalarNode s) || !isPlainString(s)) {
            return this;
        }
        String whole = stripSpace(s.getValue());
        Matcher m = TEMPLATE.matcher(whole);
        if (!m.matches()) {
            return this;
        }
        String name = stripSpace(m.group(1));
        if (!NAME.matcher(name).matches()) {
            return this;
        }
        if (depth >= MAX_DEPTH) {
            error("variables refer to each other in a cycle (at {{ " + name + " }})");
            return null;
        }
        var found = scope.lookup(name);
        if (found.isEmpty()) {
            errorAt(templateLocation(s, s.getValue().indexOf("{{")), "undefined variable '" + name + "': " + scope.whyUndefined(name));
            return null;
        }
        if (found.get().builtin() != null) {
            return this;
        }
        var ref = found.get().ref();
        String breadcrumb = usedAt != null ? usedAt : location() + " " + path;
        return new YamlValue(ref.node(), ref.file(), ref.path(), found.get().scope(), sink, breadcrumb, depth + 1, budget)
                .resolved();
    }

    private static boolean isPlainString(ScalarNode s) {
        return s.getTag().equals(Tag.STR);
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode s = (ScalarNode) n;
        if (s.getTag().equals(Tag.NULL)) {
            return "nothing";
        }
        return "the value '" + s.getValue() + "'";
    }

    private boolean checkTag(Node n) {
        String tag = n.getTag().getValue();
        if (!tag.startsWith(Tag.PREFIX)) {
            errorAt(YamlFile.at(file, n.getStartMark()), "unsupported YAML tag " + tag);
            return false;
        }
        return true;
    }

    /** Reads a mapping with free-form keys (names), refusing duplicate keys. */
    public Map<String, YamlValue> entries() {
        YamlValue v = resolved();
        if (v == null) {
            return Map.of();
        }
        return v.mappingEntries();
    }

    private Map<String, YamlValue> mappingEntries() {
        if (!(node instanceof MappingNode m)) {
            error("expected a mapping, found " + kind(node));
            return Map.of();
        }
        if (!checkTag(m)) {
            return Map.of();
        }
        Map<String, YamlValue> out = new LinkedHashMap<>();
        Map<String, Location> seen = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            Location keyAt = YamlFile.at(file, k.getStartMark());
            if (!(k instanceof ScalarNode ks) || ks.getTag().equals(Tag.NULL)) {
                sink.add(keyAt, path, "keys must be plain names");
                continue;
            }
            String key = ks.getValue();
            Location first = seen.putIfAbsent(key, keyAt);
            if (first != null) {
                sink.add(keyAt, childPath(key), "duplicate key '" + key + "' (first at line " + first.line() + ")");
                continue;
            }
            if (checkTag(t.getValueNode())) {
                out.put(key, child(t.getValueNode(), childPath(key)));
            }
        }
        return out;
    }

    /** Reads a mapping whose keys must be among {@code allowed}; reports unknown and missing ones. */
    public Fields fields(List<String> allowed, List<String> required) {
        YamlValue v = resolved();
        if (v == null) {
            return new Fields(Map.of(), false);
        }
        if (!(v.node instanceof MappingNode)) {
            v.error("expected a mapping with " + String.join(", ", allowed) + ", found " + kind(v.node));
            return new Fields(Map.of(), false);
        }
        Map<String, YamlValue> all = v.mappingEntries();
        Map<String, YamlValue> known = new LinkedHashMap<>();
        for (var e : all.entrySet()) {
            if (allowed.contains(e.getKey())) {
                known.put(e.getKey(), e.getValue());
            } else {
                MappingNode m = (MappingNode) v.node;
                Node keyNode = m.getValue().stream().map(NodeTuple::getKeyNode)
                        .filter(k -> k instanceof ScalarNode s && s.getValue().equals(e.getKey()))
                        .findFirst().orElse(m);
                sink.add(YamlFile.at(v.file, keyNode.getStartMark()), e.getValue().path,
                        "unknown key '" + e.getKey() + "' (expected one of: " + String.join(", ", allowed) + ")");
            }
        }
        for (String r : required) {
            if (!all.containsKey(r)) {
                v.error("missing required key '" + r + "'");
            }
        }
        return new Fields(known, true);
    }

    public Fields fields(String... allowed) {
        return fields(Arrays.asList(allowed), List.of());
    }

    /** The known keys of a mapping that was read. */
    public record Fields(Map<String, YamlValue> values, boolean valid) {
        public YamlValue get(String key) {
            return values.get(key);
        }

        public boolean has(String key) {
            return values.containsKey(key);
        }
    }

    /** Reads a list; a null value is an empty list. */
    public List<YamlValue> sequence() {
        YamlValue v = resolved();
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!(v.node instanceof SequenceNode s)) {
            v.error("expected a list, found " + kind(v.node));
            return List.of();
        }
        if (!v.checkTag(s)) {
            return List.of();
        }
        List<YamlValue> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) {
            Node item = s.getValue().get(i);
            if (v.checkTag(item)) {
                out.add(v.child(item, v.path + "[" + i + "]"));
            }
        }
        return out;
    }

    /** A list of strings, where each item may itself be a variable holding a list. */
    public List<YamlValue> flatSequence() {
        List<YamlValue> out = new ArrayList<>();
        for (YamlValue item : sequence()) {
            YamlValue r = item.resolved();
            if (r != null && r.node instanceof SequenceNode) {
                out.addAll(r.sequence());
            } else if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** Reads a scalar as text with templates filled in; null after recording a problem. */
    public String text() {
        YamlValue v = resolved();
        if (v == null) {
            return null;
        }
        if (!(v.node instanceof ScalarNode s)) {
            v.error("expected a single value, found " + kind(v.node));
            return null;
        }
        if (s.getTag().equals(Tag.NULL)) {
            v.error("expected a value, found nothing");
            return null;
        }
        if (!v.checkTag(s)) {
            return null;
        }
        return v.interpolate(s);
    }

    private String interpolate(ScalarNode s) {
        String raw = s.getValue();
        if (scope == null || !raw.contains("{{")) {
            return raw;
        }
        return expand(raw, offset -> templateLocation(s, offset));
    }

    /**
     * Fills the templates of a whole text file (such as pf.conf) in this value's scope; problems
     * point at the template's line and column in that file. Null when a template failed.
     */
    public static String expandFile(String text, String file, Scope scope, Problems.Sink sink) {
        YamlValue context = new YamlValue(new ScalarNode(Tag.STR, "", null, null, DumperOptions.ScalarStyle.PLAIN),
                file, "", scope, sink, null, 0, scope.budget());
        return context.expand(text, new TextPositions(text, file)::at);
    }

    private String expand(String raw, java.util.function.IntFunction<Location> at) {
        if (!withinBudget(budget.takeText(raw.length()), at, 0)) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        Matcher m = TEMPLATE.matcher(raw);
        int last = 0;
        boolean ok = true;
        while (m.find()) {
            out.append(raw, last, m.start());
            last = m.end();
            // Charged before the lookup: a use that fails costs as much work as one that succeeds.
            if (!withinBudget(budget.takeUse(), at, m.start())) {
                return null;
            }
            String name = stripSpace(m.group(1));
            Location where = at.apply(m.start());
            if (!NAME.matcher(name).matches()) {
                errorAt(where, "'{{ " + name + " }}' is not a variable name");
                ok = false;
                continue;
            }
            var found = scope.lookup(name);
            if (found.isEmpty()) {
                errorAt(where, "undefined variable '" + name + "': " + scope.whyUndefined(name));
                ok = false;
                continue;
            }
            if (found.get().builtin() != null) {
                out.append(found.get().builtin());
                continue;
            }
            if (depth >= MAX_DEPTH) {
                errorAt(where, "variables refer to each other in a cycle (at {{ " + name + " }})");
                return null;
            }
            var ref = found.get().ref();
            String breadcrumb = usedAt != null ? usedAt : where + (path.isEmpty() ? "" : " " + path);
            YamlValue var = new YamlValue(ref.node(), ref.file(), ref.path(), found.get().scope(), sink, breadcrumb, depth + 1,
                    budget);
            YamlValue target = var.resolved();
            if (target == null) {
                ok = false;
                continue;
            }
            if (!(target.node instanceof ScalarNode)) {
                errorAt(where, "variable '" + name + "' holds " + kind(target.node)
                        + ": it can only be used as the whole value, not inside text");
                ok = false;
                continue;
            }
            String value = target.text();
            if (value == null) {
                ok = false;
                continue;
            }
            if (!withinBudget(budget.takeText(value.length()), at, m.start())) {
                return null;
            }
            out.append(value);
        }
        int unclosed = raw.indexOf("{{", last);
        if (unclosed >= 0) {
            errorAt(at.apply(unclosed), "unclosed '{{' in template");
            return null;
        }
        out.append(raw.substring(last));
        return ok ? out.toString() : null;
    }

    /** {@code within}, from charging the host's expansion budget; once it is passed, records that once at {@code at(offset)}. */
    private boolean withinBudget(boolean within, java.util.function.IntFunction<Location> at, int offset) {
        if (within) {
            return true;
        }
        if (budget.report()) {
            errorAt(at.apply(offset), ExpansionBudget.MESSAGE);
        }
        return false;
    }

    /** {@code text} without the white space (as regex {@code \\s} means it) at either end. */
    private static String stripSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && " \t\n\u000B\f\r".indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && " \t\n\u000B\f\r".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(start, end);
    }

    /** The position of a template inside a one-line scalar (the scalar's start for block text). */
    private Location templateLocation(ScalarNode s, int offset) {
        var start = s.getStartMark();
        var end = s.getEndMark();
        if (start.getLine() != end.getLine()) {
            return YamlFile.at(file, start);
        }
        int quote = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? 0 : 1;
        return new Location(file, start.getLine() + 1, start.getColumn() + 1 + quote + offset);
    }

    /**
     * The text of the file {@code file} names (a template: {@code what} says which, for the
     * message) with the host's variables filled in, or null after recording here why it cannot be
     * read (where in the file, when that is known).
     */
    public String template(Path file, String what) {
        String name = YamlFile.displayName(file);
        try {
            return expandFile(TextFile.read(file), name, scope(), sink());
        } catch (TextFile.Unreadable e) {
            error("cannot read " + what + " " + e.at(name) + ": " + e.getMessage());
            return null;
        }
    }

    /** Reads text and converts it; a parser's IllegalArgumentException becomes a problem here. */
    public <T> T as(Function<String, T> parser) {
        YamlValue v = resolved();
        if (v == null) {
            return null;
        }
        String t = v.text();
        if (t == null) {
            return null;
        }
        try {
            return parser.apply(t.strip());
        } catch (IllegalArgumentException e) {
            v.error(e.getMessage());
            return null;
        }
    }

    /** True when the scalar is a YAML boolean (yes/no/true/false/on/off). */
    public boolean isBoolean() {
        YamlValue v = resolved();
        return v != null && v.node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL);
    }

    public boolean isInteger() {
        YamlValue v = resolved();
        return v != null && v.node instanceof ScalarNode s && s.getTag().equals(Tag.INT);
    }

    public Boolean bool() {
        YamlValue v = resolved();
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            v.error("expected true or false, found " + kind(v.node));
            return null;
        }
        String t = ((ScalarNode) v.node).getValue().toLowerCase();
        return t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("y");
    }

    public Integer integer(int min, int max) {
        YamlValue v = resolved();
        if (v == null) {
            return null;
        }
        String t = v.text();
        if (t == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(t.strip());
            if (n < min || n > max) {
                v.error("expected a number from " + min + " to " + max + ", found " + n);
                return null;
            }
            return n;
        } catch (NumberFormatException e) {
            v.error("expected a number, found '" + t + "'");
            return null;
        }
    }

    /** Reads a list of texts, dropping the ones with problems (already recorded). */
    public List<String> texts() {
        List<String> out = new ArrayList<>();
        for (YamlValue item : flatSequence()) {
            String t = item.text();
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** Reads a list of values converted by {@code parser}; duplicates are reported. */
    public <T> List<T> listOf(Function<String, T> parser) {
        return new ArrayList<>(itemsOf(parser).keySet());
    }

    /**
     * Like {@link #listOf}, each value with the item it was read from (in a variable's file when
     * the list came from one), so later checks can point at one entry.
     */
    public <T> Map<T, YamlValue> itemsOf(Function<String, T> parser) {
        Map<T, YamlValue> out = new LinkedHashMap<>();
        for (YamlValue item : flatSequence()) {
            T t = item.as(parser);
            if (t == null) {
                continue;
            }
            if (out.containsKey(t)) {
                item.error("'" + t + "' is listed twice");
                continue;
            }
            out.put(t, item);
        }
        return out;
    }
}
