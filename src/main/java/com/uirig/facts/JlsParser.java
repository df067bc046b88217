package com.uirig.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code jls -n --libxo json}: {@code {"__version": "2", "jail-information": {"jail": [...]}}},
 * each jail an object keyed by parameter name. The plain table truncates columns: never parse it.
 */
public final class JlsParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JlsParser() {}

    public static Map<String, ObservedHost.RunningJail> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            throw new UnreadableOutput("'jls -n --libxo json' printed something that is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UnreadableOutput("'jls -n --libxo json' printed something that cannot be read as JSON");
        }
        JsonNode jails = root == null ? null : root.path("jail-information").path("jail");
        if (jails == null || !jails.isArray()) {
            throw new UnreadableOutput("'jls -n --libxo json' printed JSON without a jail-information.jail list");
        }
        Map<String, ObservedHost.RunningJail> out = new LinkedHashMap<>();
        for (JsonNode j : jails) {
            Map<String, String> params = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = j.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                params.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
            }
            String name = params.getOrDefault("name", "");
            if (name.isEmpty()) {
                continue;
            }
            int jid = parseInt(params.getOrDefault("jid", "0"));
            out.put(name, new ObservedHost.RunningJail(name, jid, params.getOrDefault("path", ""), params));
        }
        return out;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
