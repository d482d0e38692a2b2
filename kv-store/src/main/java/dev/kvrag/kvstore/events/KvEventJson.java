package dev.kvrag.kvstore.events;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire format of {@code kv-events} records: one JSON object per event, every field always present ({@code null}
 * where a field does not apply), names in camelCase, enums by their wire names, the time as ISO-8601:
 *
 * <pre>
 * {"eventId":"…","source":"worker-1","sequence":41,"timestamp":"2026-11-23T12:00:00.123Z","type":"evicted",
 *  "reason":"budget","modelId":"demo","chunkKey":"3f…","documentIds":["doc-1"],"tier":"redis","bytes":393300,
 *  "tokens":256,"workerId":null}
 * </pre>
 */
public final class KvEventJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KvEventJson() {
    }

    public static byte[] encode(KvEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("eventId", e.eventId());
        o.put("source", e.source());
        o.put("sequence", e.sequence());
        o.put("timestamp", e.timestamp().toString());
        o.put("type", e.type().wireName());
        o.put("reason", e.reason() == null ? null : e.reason().wireName());
        o.put("modelId", e.modelId());
        o.put("chunkKey", e.chunkKey());
        ArrayNode docs = o.putArray("documentIds");
        e.documentIds().forEach(docs::add);
        o.put("tier", e.tier() == null ? null : e.tier().wireName());
        o.put("bytes", e.bytes());
        o.put("tokens", e.tokens());
        o.put("workerId", e.workerId());
        return JSON.writeValueAsBytes(o);
    }

    /** Parses and checks one record's value; anything else raises one {@link IllegalArgumentException} saying what. */
    public static KvEvent decode(byte[] json) {
        JsonNode o;
        try {
            o = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("kv-event is not JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("kv-event is not a JSON object");
        }
        try {
            String eventId = text(o, "eventId");
            String source = text(o, "source");
            long sequence = number(o, "sequence");
            Instant timestamp = Instant.parse(text(o, "timestamp"));
            KvEventType type = KvEventType.ofWireName(text(o, "type"));
            String reason = optionalText(o, "reason");
            String modelId = optionalText(o, "modelId");
            String chunkKey = optionalText(o, "chunkKey");
            List<String> docs = new ArrayList<>();
            for (JsonNode d : array(o, "documentIds")) {
                docs.add(d.stringValue());
            }
            String tier = optionalText(o, "tier");
            long bytes = number(o, "bytes");
            int tokens = Math.toIntExact(number(o, "tokens"));
            return new KvEvent(eventId, source, sequence, timestamp, type,
                    reason == null ? null : KvRemovalReason.ofWireName(reason), modelId, chunkKey, docs,
                    tier == null ? null : KvTier.ofWireName(tier), bytes, tokens, optionalText(o, "workerId"));
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid kv-event: " + e.getMessage());
        }
    }

    private static String text(JsonNode o, String field) {
        String s = optionalText(o, field);
        if (s == null) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return s;
    }

    private static String optionalText(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException("field '" + field + "' is not a string");
        }
        return v.stringValue();
    }

    private static long number(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' is not an integer");
        }
        return v.longValue();
    }

    private static JsonNode array(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException("field '" + field + "' is not an array");
        }
        for (JsonNode d : v) {
            if (!d.isString()) {
                throw new IllegalArgumentException("field '" + field + "' holds a non-string");
            }
        }
        return v;
    }
}
