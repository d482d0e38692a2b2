package dev.kvrag.kvstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkKvIdTest {

    @Test
    void theMemberNameParsesBackToTheSameId() {
        ChunkKvId id = Blobs.id(3);
        assertEquals("tiny-test-model:" + id.chunkKey().hex(), id.member());
        assertEquals(id, ChunkKvId.ofMember(id.member()));
    }

    @Test
    void aModelIdWithASlashIsRefusedWithTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChunkKvId.of("Qwen/Qwen2.5-0.5B", "ab".repeat(32)));
        assertTrue(e.getMessage().contains("'Qwen/Qwen2.5-0.5B'") && e.getMessage().contains("letters, digits"),
                e.getMessage());
    }

    @Test
    void aChunkKeyThatIsNotSixtyFourHexDigitsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChunkKvId.of("demo", "xyz"));
        assertTrue(e.getMessage().contains("64 lowercase hex digits"), e.getMessage());
    }

    @Test
    void documentIdsAreVisibleAsciiWithoutSpacesAndDeduplicatedInOrder() {
        assertEquals(List.of("b", "a"), DocumentIds.checkAll(List.of("b", "a", "b")));
        assertThrows(IllegalArgumentException.class, () -> DocumentIds.check("two words"));
        assertThrows(IllegalArgumentException.class, () -> DocumentIds.check(""));
        assertThrows(IllegalArgumentException.class, () -> DocumentIds.checkAll(List.of()));
    }
}
