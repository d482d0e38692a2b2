package dev.kvrag.common.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkEventTest {

    @Test
    void aChunkSurvivesTheByteRoundTripBitForBit() {
        Random random = new Random(7);
        float[] embedding = new float[384];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) random.nextGaussian() / 20;
        }
        embedding[0] = Float.MIN_VALUE;
        embedding[1] = -Float.MAX_VALUE;
        embedding[2] = -0.0f;
        ChunkEvent chunk = chunk("doc-1", 3, new int[] {0, 151_642, 42}, embedding);
        ChunkEvent back = ChunkEvent.fromJson(chunk.toJson());
        assertEquals(chunk, back);
        for (int i = 0; i < embedding.length; i++) {
            assertEquals(Float.floatToRawIntBits(embedding[i]), Float.floatToRawIntBits(back.embedding()[i]), "dim " + i);
        }
        assertArrayEquals(new int[] {0, 151_642, 42}, back.tokenIds());
    }

    @Test
    void theChunkIdIsTheDocumentIdAndOrdinal() {
        ChunkEvent chunk = chunk("doc-1", 12, new int[] {1}, new float[] {1});
        assertEquals("doc-1#12", chunk.chunkId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ChunkEvent("doc-1#2", "doc-1",
                3, "t", new int[] {1}, "m", "tok", "v1", "e", new float[] {1}));
        assertEquals("chunk id 'doc-1#2' does not match document doc-1 and ordinal 3 (expected doc-1#3)", e.getMessage());
    }

    @Test
    void theRecordOwnsItsArrays() {
        int[] ids = {5, 6};
        ChunkEvent chunk = chunk("d", 0, ids, new float[] {1});
        ids[0] = 99;
        chunk.tokenIds()[1] = 99;
        assertArrayEquals(new int[] {5, 6}, chunk.tokenIds());
    }

    @Test
    void aTombstoneHasNoEventAndBadRecordsSayWhatIsWrong() {
        EventFormatException tombstone = assertThrows(EventFormatException.class, () -> ChunkEvent.fromJson(null));
        assertTrue(tombstone.getMessage().contains("tombstone"));
        String good = new String(chunk("d", 0, new int[] {1, 2}, new float[] {0.5f}).toJson(), StandardCharsets.UTF_8);
        assertMessage(good.replace("[1,2]", "[1,2.5]"), "tokenIds[1] is not a 32-bit integer");
        assertMessage(good.replace("[1,2]", "[1,4294967296]"), "tokenIds[1] is not a 32-bit integer");
        assertMessage(good.replace("[1,2]", "[]"), "chunk d#0 has no token ids");
        assertMessage(good.replace("[0.5]", "[1e39]"), "embedding[0] overflows a float");
        assertMessage(good.replace("\"modelId\":\"demo\",", ""), "chunk event has no \"modelId\"");
        assertMessage(good.replace("\"ordinal\":0", "\"ordinal\":1"), "does not match document d and ordinal 1");
    }

    static ChunkEvent chunk(String doc, int ordinal, int[] ids, float[] embedding) {
        return new ChunkEvent(doc + "#" + ordinal, doc, ordinal, "Some text.", ids, "demo", "sha256:0123456789abcdef",
                "sentences-v1/256/0", "all-minilm-l6-v2-q", embedding);
    }

    private static void assertMessage(String json, String expected) {
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> ChunkEvent.fromJson(json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(expected), () -> "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
