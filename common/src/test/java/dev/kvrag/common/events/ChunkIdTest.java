package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChunkIdTest {

    @Test
    void aChunkIdIsTheDocumentIdHashOrdinalAndParsesBack() {
        ChunkId id = new ChunkId("news:2026-01.a", 17);
        assertEquals("news:2026-01.a#17", id.toString());
        assertEquals(id, ChunkId.parse("news:2026-01.a#17"));
    }

    @Test
    void malformedChunkIdsAreRefused() {
        assertEquals("chunk id 'doc' is not <documentId>#<ordinal>",
                assertThrows(IllegalArgumentException.class, () -> ChunkId.parse("doc")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChunkId.parse("doc#"));
        assertThrows(IllegalArgumentException.class, () -> ChunkId.parse("doc#01"));
        assertThrows(IllegalArgumentException.class, () -> ChunkId.parse("doc#-1"));
        assertThrows(IllegalArgumentException.class, () -> ChunkId.parse("a#b#1"));
        assertThrows(IllegalArgumentException.class, () -> new ChunkId("doc", -1));
    }
}
