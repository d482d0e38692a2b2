package dev.kvrag.inference.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.inference.TestModel;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.local.LocalKvTier;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrecomputeTest {

    static final ServedModel MODEL = TestModel.served();

    final LocalKvTier store = new LocalKvTier(64 << 20);
    final InMemoryPorts.Keys keys = new InMemoryPorts.Keys();
    final Precompute precompute = new Precompute(MODEL, new StoredChunks(store, keys, store::contains));

    @Test
    void aChunkOfTheServedModelIsEncodedAfterThePrefixAndStoredOnce() {
        ChunkEvent chunk = chunk("doc-1", 0, "Nago-feed is owned by the Athuv team.", MODEL.id(), MODEL.tokenizerId());
        ChunkKvId id = MODEL.chunkKvId(chunk.tokenIds());

        Precompute.Outcome first = precompute.apply(chunk.chunkId(), chunk.toJson());
        assertEquals(Precompute.Result.STORED, first.result());
        assertTrue(store.contains(id));
        assertTrue(first.traffic().written(KvTier.LOCAL) > 0);
        assertEquals(id, keys.byChunkId.get("doc-1#0"), "the chunk id is filed, for its tombstone");
        int base = store.get(id, chunk.tokenIds().length).orElseThrow().header().basePosition();
        assertEquals(MODEL.prefixIds().length, base, "encoded after the prefix");

        assertEquals(Precompute.Result.PRESENT, precompute.apply(chunk.chunkId(), chunk.toJson()).result());
    }

    @Test
    void chunksCutForAnotherModelOrTokenizerAreNotThisWorkersToEncode() {
        ChunkEvent otherModel = chunk("doc-2", 0, "Some text.", "other-model", MODEL.tokenizerId());
        ChunkEvent otherTokenizer = chunk("doc-2", 1, "Some text.", MODEL.id(), "sha256:0000000000000000");
        for (ChunkEvent c : new ChunkEvent[] {otherModel, otherTokenizer}) {
            Precompute.Outcome o = precompute.apply(c.chunkId(), c.toJson());
            assertEquals(Precompute.Result.FOREIGN, o.result());
            assertFalse(store.contains(MODEL.chunkKvId(c.tokenIds())));
        }
        assertTrue(keys.byChunkId.isEmpty());
    }

    @Test
    void aTombstoneRemovesTheChunksKvFromTheStore() {
        ChunkEvent chunk = chunk("doc-3", 4, "It moved to Oslo in 2019.", MODEL.id(), MODEL.tokenizerId());
        precompute.apply(chunk.chunkId(), chunk.toJson());
        assertEquals(Precompute.Result.REMOVED, precompute.apply("doc-3#4", null).result());
        assertFalse(store.contains(MODEL.chunkKvId(chunk.tokenIds())));
        assertEquals(Precompute.Result.ABSENT, precompute.apply("doc-3#4", null).result());
    }

    @Test
    void aNewVersionOfAChunkDropsTheOldVersionsKv() {
        ChunkEvent v1 = chunk("doc-4", 0, "The first version.", MODEL.id(), MODEL.tokenizerId());
        ChunkEvent v2 = chunk("doc-4", 0, "The second version.", MODEL.id(), MODEL.tokenizerId());
        precompute.apply(v1.chunkId(), v1.toJson());
        precompute.apply(v2.chunkId(), v2.toJson());
        assertFalse(store.contains(MODEL.chunkKvId(v1.tokenIds())));
        assertTrue(store.contains(MODEL.chunkKvId(v2.tokenIds())));
    }

    @Test
    void unreadableRecordsAndIdsOutsideTheVocabularyAreRejectedWithTheReason() {
        Precompute.Outcome garbage = precompute.apply("doc-5#0", "{not json".getBytes(StandardCharsets.UTF_8));
        assertEquals(Precompute.Result.REJECTED, garbage.result());
        assertTrue(garbage.detail().startsWith("chunk event is not valid JSON"), garbage.detail());

        ChunkEvent huge = new ChunkEvent("doc-5#1", "doc-5", 1, "x", new int[] {1, 999_999}, MODEL.id(),
                MODEL.tokenizerId(), "v1", "e", new float[] {1});
        Precompute.Outcome o = precompute.apply(huge.chunkId(), huge.toJson());
        assertEquals(Precompute.Result.REJECTED, o.result());
        assertEquals("token id 999999 is outside the vocabulary [0, 151936)", o.detail());
    }

    static ChunkEvent chunk(String doc, int ordinal, String text, String modelId, String tokenizerId) {
        return new ChunkEvent(doc + "#" + ordinal, doc, ordinal, text, TestModel.chunkIds(MODEL, text), modelId,
                tokenizerId, "sentences-v1/256/0", "all-minilm-l6-v2-q", new float[] {0.5f});
    }
}
