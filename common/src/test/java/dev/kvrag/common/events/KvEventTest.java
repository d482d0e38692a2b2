package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvEventTest {

    private static final String KEY = "ab".repeat(32);
    private static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

    private static KvEvent event(KvEventType type, KvRemovalReason reason, KvTier tier, String worker) {
        return new KvEvent("e1", "w1", 3, T, type, reason, "demo", KEY, List.of("doc-1"), tier, 4096, 256, worker);
    }

    @Test
    void anEntryEventIsKeyedByItsChunkKey() {
        KvEvent stored = event(KvEventType.STORED, null, KvTier.REDIS, null);
        assertEquals(KEY, stored.key());
        assertFalse(stored.isDocumentWide());
    }

    @Test
    void aDocumentWideRemovalIsKeyedByItsDocument() {
        KvEvent removed = new KvEvent("e2", "cache-service", 0, T, KvEventType.REMOVED,
                KvRemovalReason.DOCUMENT_DELETED, null, null, List.of("doc-9"), null, 0, 0, null);
        assertTrue(removed.isDocumentWide());
        assertEquals("doc-9", removed.key());
    }

    @Test
    void removalsCarryAReasonAndNothingElseDoes() {
        assertThrows(IllegalArgumentException.class, () -> event(KvEventType.EVICTED, null, KvTier.REDIS, null));
        assertThrows(IllegalArgumentException.class,
                () -> event(KvEventType.STORED, KvRemovalReason.BUDGET, KvTier.REDIS, null));
        assertEquals(KvRemovalReason.BUDGET,
                event(KvEventType.EVICTED, KvRemovalReason.BUDGET, KvTier.REDIS, null).reason());
    }

    @Test
    void workerResidencyEventsNameTheirWorkerAndTheLocalTier() {
        assertEquals("w7", event(KvEventType.RESIDENT_ON_WORKER, null, KvTier.LOCAL, "w7").workerId());
        assertThrows(IllegalArgumentException.class,
                () -> event(KvEventType.RESIDENT_ON_WORKER, null, KvTier.LOCAL, null));
        assertThrows(IllegalArgumentException.class,
                () -> event(KvEventType.RESIDENT_ON_WORKER, null, KvTier.REDIS, "w7"));
        assertThrows(IllegalArgumentException.class, () -> event(KvEventType.STORED, null, KvTier.REDIS, "w7"));
    }

    @Test
    void onlyADeletedDocumentMayLeaveOutTheChunk() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KvEvent("e3", "s", 0, T,
                KvEventType.REMOVED, KvRemovalReason.EXPLICIT, null, null, List.of("d"), null, 0, 0, null));
        assertTrue(e.getMessage().contains("deleted document"), e.getMessage());
    }

    @Test
    void wireNamesRoundTripAndUnknownOnesAreNamedInTheError() {
        for (KvEventType t : KvEventType.values()) {
            assertEquals(t, KvEventType.ofWireName(t.wireName()));
        }
        for (KvRemovalReason r : KvRemovalReason.values()) {
            assertEquals(r, KvRemovalReason.ofWireName(r.wireName()));
        }
        assertEquals(KvTier.LOCAL, KvTier.ofWireName("local"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KvEventType.ofWireName("moved"));
        assertTrue(e.getMessage().contains("'moved'"), e.getMessage());
    }
}
