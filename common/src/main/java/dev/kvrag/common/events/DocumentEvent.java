package dev.kvrag.common.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A record on the {@code documents} topic, keyed by document id: a document was put (created or replaced) or
 * deleted. Deletion is an explicit event, not a tombstone: {@code documents} is a plain (not compacted) log,
 * where a null value would mean nothing to Kafka, and an explicit event says what happened and when.
 *
 * <p>JSON, {@code schemaVersion} 1:
 * <pre>
 * {"schemaVersion":1,"type":"upsert","documentId":"d1","title":"...","text":"...","metadata":{"k":"v"},
 *  "timestamp":"2026-01-01T00:00:00Z"}
 * {"schemaVersion":1,"type":"delete","documentId":"d1","timestamp":"2026-01-01T00:00:00Z"}
 * </pre>
 * Readers ignore fields they do not know and refuse a newer {@code schemaVersion}.
 */
public sealed interface DocumentEvent permits DocumentEvent.Upsert, DocumentEvent.Delete {

    int SCHEMA_VERSION = 1;

    String documentId();

    Instant timestamp();

    byte[] toJson();

    /** A document's text, title and metadata, replacing any earlier version with the same id. */
    record Upsert(String documentId, String title, String text, Map<String, String> metadata, Instant timestamp)
            implements DocumentEvent {

        public Upsert {
            ChunkId.requireDocumentId(documentId);
            title = title == null ? "" : title;
            Objects.requireNonNull(text, "text");
            if (text.isBlank()) {
                throw new IllegalArgumentException("document " + documentId + " has no text");
            }
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
            Objects.requireNonNull(timestamp, "timestamp");
        }

        @Override
        public byte[] toJson() {
            return new EventJson.Writer().field("schemaVersion", SCHEMA_VERSION).field("type", "upsert")
                    .field("documentId", documentId).field("title", title).field("text", text)
                    .field("metadata", new TreeMap<>(metadata)).field("timestamp", timestamp.toString())
                    .toBytes();
        }
    }

    /** The document and all its chunks are gone. */
    record Delete(String documentId, Instant timestamp) implements DocumentEvent {

        public Delete {
            ChunkId.requireDocumentId(documentId);
            Objects.requireNonNull(timestamp, "timestamp");
        }

        @Override
        public byte[] toJson() {
            return new EventJson.Writer().field("schemaVersion", SCHEMA_VERSION).field("type", "delete")
                    .field("documentId", documentId).field("timestamp", timestamp.toString()).toBytes();
        }
    }

    /**
     * Reads one event.
     *
     * @throws EventFormatException naming what is wrong: not JSON, a missing or mistyped field, an unknown type
     *     or schema version, an invalid document id
     */
    static DocumentEvent fromJson(byte[] json) {
        if (json == null) {
            throw new EventFormatException("document event has no value (a tombstone); deletions are"
                    + " {\"type\":\"delete\"} events");
        }
        EventJson.Fields f = new EventJson.Fields(EventJson.parseObject(json, "document event"), "document event");
        f.schemaVersion(SCHEMA_VERSION);
        String type = f.string("type");
        Instant timestamp;
        try {
            timestamp = Instant.parse(f.string("timestamp"));
        } catch (DateTimeParseException e) {
            throw new EventFormatException("document event: \"timestamp\" is not an ISO-8601 instant such as"
                    + " 2026-01-01T00:00:00Z");
        }
        try {
            return switch (type) {
                case "upsert" -> new Upsert(f.string("documentId"), f.optionalString("title"), f.string("text"),
                        f.stringMap("metadata"), timestamp);
                case "delete" -> new Delete(f.string("documentId"), timestamp);
                default -> throw new EventFormatException("document event has type \"" + type
                        + "\"; expected \"upsert\" or \"delete\"");
            };
        } catch (EventFormatException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventFormatException("document event: " + e.getMessage());
        }
    }
}
