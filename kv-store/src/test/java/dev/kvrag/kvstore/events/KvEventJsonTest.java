package dev.kvrag.kvstore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.Blobs;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvEventJsonTest {

    private final KvEventSource worker = new KvEventSource("worker-1",
            Clock.fixed(Instant.parse("2026-11-23T12:00:00.123Z"), ZoneOffset.UTC));

    @Test
    void everyKindOfEventSurvivesTheWireUnchanged() {
        Removal evicted = new Removal(Blobs.id(1), List.of("d1", "d2"), 900, 16, KvTier.REDIS, KvRemovalReason.BUDGET);
        Removal dropped = new Removal(Blobs.id(2), List.of("d1"), 900, 16, KvTier.LOCAL, KvRemovalReason.CORRUPT);
        PutOutcome put = new PutOutcome(Blobs.id(3), 900, 16, List.of("d3"), List.of(KvTier.REDIS, KvTier.LOCAL),
                false, List.of(evicted, dropped));
        List<KvEvent> events = new java.util.ArrayList<>(worker.of(put));
        events.add(worker.of(new Removal(Blobs.id(4), List.of("d4"), 1, 1, KvTier.REDIS, KvRemovalReason.EXPLICIT)));
        events.add(worker.documentRemoved("d9"));
        assertEquals(List.of(KvEventType.STORED, KvEventType.RESIDENT_ON_WORKER, KvEventType.EVICTED,
                KvEventType.DROPPED_FROM_WORKER, KvEventType.REMOVED, KvEventType.REMOVED),
                events.stream().map(KvEvent::type).toList());
        for (KvEvent e : events) {
            assertEquals(e, KvEventJson.decode(KvEventJson.encode(e)));
        }
    }

    @Test
    void aPublishersSequenceNumbersStrictlyIncrease() {
        long a = worker.documentRemoved("x").sequence();
        long b = worker.documentRemoved("y").sequence();
        assertEquals(a + 1, b);
    }

    @Test
    void theWireNamesAreTheDocumentedOnes() {
        Removal r = new Removal(Blobs.id(1), List.of("d1"), 900, 16, KvTier.LOCAL, KvRemovalReason.DOCUMENT_DELETED);
        String json = new String(KvEventJson.encode(worker.of(r)), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"type\":\"dropped-from-worker\""), json);
        assertTrue(json.contains("\"reason\":\"document-deleted\""), json);
        assertTrue(json.contains("\"tier\":\"local\""), json);
        assertTrue(json.contains("\"workerId\":\"worker-1\""), json);
        assertTrue(json.contains("\"timestamp\":\"2026-11-23T12:00:00.123Z\""), json);
    }

    @Test
    void badRecordsAreRefusedWithOneMessageSayingWhat() {
        assertMessage("{", "not JSON");
        assertMessage("[1]", "not a JSON object");
        assertMessage("{\"eventId\":\"e\"}", "field 'source' is missing");
        String stored = new String(KvEventJson.encode(worker.documentRemoved("d")), StandardCharsets.UTF_8);
        assertMessage(stored.replace("\"removed\"", "\"moved\""), "unknown KV event type 'moved'");
        assertMessage(stored.replace("\"sequence\":", "\"sequence\":\"x\",\"was\":"), "'sequence' is not an integer");
    }

    private static void assertMessage(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KvEventJson.decode(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
