package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentEventTest {

    private static final Instant T = Instant.parse("2026-03-04T05:06:07.123Z");

    @Test
    void anUpsertSurvivesTheByteRoundTripWithAnyText() {
        String text = "Line one.\n\n\"Quoted\" \\ back\tslash, \u0001 control, caf\u00e9, \uD83D\uDE80 rocket, "
                + "lone \uD800 surrogate.";
        DocumentEvent.Upsert upsert = new DocumentEvent.Upsert("doc-1", "T\u00eftle", text,
                Map.of("source", "wiki", "lang", "en"), T);
        DocumentEvent back = DocumentEvent.fromJson(upsert.toJson());
        assertEquals(upsert, back);
    }

    @Test
    void aDeleteIsAnExplicitEventNotATombstone() {
        DocumentEvent.Delete delete = new DocumentEvent.Delete("doc-1", T);
        assertEquals(delete, DocumentEvent.fromJson(delete.toJson()));
        String json = new String(delete.toJson(), StandardCharsets.UTF_8);
        assertEquals("{\"schemaVersion\":1,\"type\":\"delete\",\"documentId\":\"doc-1\","
                + "\"timestamp\":\"2026-03-04T05:06:07.123Z\"}", json);
        EventFormatException e = assertThrows(EventFormatException.class, () -> DocumentEvent.fromJson(null));
        assertTrue(e.getMessage().contains("tombstone"), e.getMessage());
    }

    @Test
    void readersIgnoreFieldsTheyDoNotKnowAndTitleAndMetadataAreOptional() {
        DocumentEvent e = DocumentEvent.fromJson(bytes(
                "{ \"schemaVersion\": 1, \"type\": \"upsert\", \"documentId\": \"d\", \"text\": \"Hi.\","
                        + " \"timestamp\": \"2026-01-01T00:00:00Z\", \"later\": [1, {\"x\": null}, true] }"));
        DocumentEvent.Upsert upsert = assertInstanceOf(DocumentEvent.Upsert.class, e);
        assertEquals("", upsert.title());
        assertEquals(Map.of(), upsert.metadata());
        assertEquals("Hi.", upsert.text());
    }

    @Test
    void badBytesAreRefusedWithWhatIsWrong() {
        assertMessage("{\"schemaVersion\":1,\"type\":\"upsert\"", "not valid JSON: unexpected end of input");
        assertMessage("[1]", "not a JSON object");
        assertMessage("{\"schemaVersion\":2,\"type\":\"delete\",\"documentId\":\"d\",\"timestamp\":\"2026-01-01T00:00:00Z\"}",
                "schemaVersion 2; this reader knows 1 to 1");
        assertMessage("{\"type\":\"delete\",\"documentId\":\"d\",\"timestamp\":\"2026-01-01T00:00:00Z\"}",
                "has no \"schemaVersion\"");
        assertMessage("{\"schemaVersion\":1,\"type\":\"rename\",\"documentId\":\"d\",\"timestamp\":\"2026-01-01T00:00:00Z\"}",
                "type \"rename\"; expected \"upsert\" or \"delete\"");
        assertMessage("{\"schemaVersion\":1,\"type\":\"delete\",\"documentId\":\"d\",\"timestamp\":\"yesterday\"}",
                "\"timestamp\" is not an ISO-8601 instant");
        assertMessage("{\"schemaVersion\":1,\"type\":\"delete\",\"documentId\":\"a/b\",\"timestamp\":\"2026-01-01T00:00:00Z\"}",
                "document id 'a/b' is invalid");
        assertMessage("{\"schemaVersion\":1,\"type\":\"upsert\",\"documentId\":\"d\",\"text\":\"  \","
                + "\"timestamp\":\"2026-01-01T00:00:00Z\"}", "document d has no text");
        assertMessage("{\"schemaVersion\":1,\"schemaVersion\":1}", "field \"schemaVersion\" appears twice");
        assertMessage("{\"schemaVersion\":\"1\"}", "\"schemaVersion\" is not an integer");
        assertMessage("{\"a\":\"tab\there\"}", "control character U+0009 in a string");
        assertMessage("{\"a\":1} x", "unexpected text after the object");
        assertMessage("[".repeat(0) + "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}", "nested deeper than 32");
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> DocumentEvent.fromJson(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
        assertEquals("document event is not valid UTF-8", e.getMessage());
    }

    @Test
    void documentIdsAreCheckedWhenTheEventIsMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DocumentEvent.Delete("has space", T));
        assertTrue(e.getMessage().contains("use 1 to 128 letters, digits or . _ : @ -"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DocumentEvent.Delete("a#1", T));
        assertThrows(IllegalArgumentException.class, () -> new DocumentEvent.Delete("x".repeat(129), T));
    }

    private static void assertMessage(String json, String expected) {
        EventFormatException e = assertThrows(EventFormatException.class, () -> DocumentEvent.fromJson(bytes(json)));
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
