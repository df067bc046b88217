package com.uirig.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of apply runs on the orchestrator: one JSON object per line, appended. Commands
 * are kept as plans show them, so secrets appear only masked.
 */
public final class Journal {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Journal() {}

    /** {@code --journal}, else UIRIG_JOURNAL, else ~/.local/state/uirig/journal.jsonl. */
    public static Path path(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("UIRIG_JOURNAL");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "uirig", "journal.jsonl");
    }

    public static ObjectNode record(String inventory, Instant start, List<Applier.HostResult> hosts, List<String> errors) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("time", start.toString());
        r.put("operator", System.getProperty("user.name"));
        r.put("inventory", inventory);
        r.put("seconds", (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0);
        boolean ok = errors.isEmpty() && hosts.stream().allMatch(Applier.HostResult::ok);
        r.put("status", ok ? "ok" : "failed");
        ArrayNode list = r.putArray("hosts");
        for (Applier.HostResult h : hosts) {
            ObjectNode n = list.addObject();
            n.put("host", h.host());
            n.put("verified", h.verified());
            n.put("seconds", h.millis() / 1000.0);
            if (h.error() != null) {
                n.put("error", h.error());
            }
            n.set("not_converged", MAPPER.valueToTree(h.notConverged()));
            ArrayNode changes = n.putArray("changes");
            for (Applier.ChangeResult c : h.changes()) {
                ObjectNode cn = changes.addObject();
                cn.put("resource", c.resource());
                cn.put("action", c.action());
                cn.put("result", c.ok() ? "ok" : "failed");
                if (c.error() != null) {
                    cn.put("error", c.error());
                }
                cn.put("seconds", c.millis() / 1000.0);
                cn.set("commands", MAPPER.valueToTree(c.commands()));
            }
        }
        r.set("errors", MAPPER.valueToTree(errors));
        return r;
    }

    /** Marks a record as a run SIGINT or SIGTERM ended ({@code signal} without SIG). */
    public static ObjectNode interrupted(ObjectNode record, String signal) {
        record.put("status", "interrupted");
        record.put("signal", "SIG" + signal);
        return record;
    }

    public static void append(Path file, JsonNode record) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, MAPPER.writeValueAsString(record) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The last {@code n} records, oldest first. */
    public static List<JsonNode> recent(Path file, int n, java.util.function.Consumer<String> warn) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        // Bytes that are no UTF-8 (a torn write, an editor) are read as replacement characters:
        // that line alone is then unreadable.
        List<String> lines = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode record = MAPPER.readTree(line);
                if (record == null || !record.isObject()) {
                    throw new IOException("not an object");
                }
                out.add(record);
            } catch (IOException e) {
                warn.accept("uirig: " + file + ":" + (i + 1) + ": not a journal record (a run's JSON line); skipped");
            }
        }
        return out.subList(Math.max(0, out.size() - n), out.size());
    }
}
