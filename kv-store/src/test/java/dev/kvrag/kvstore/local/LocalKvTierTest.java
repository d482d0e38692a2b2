package dev.kvrag.kvstore.local;

import static dev.kvrag.kvstore.Blobs.blob;
import static dev.kvrag.kvstore.Blobs.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.kvstore.Blobs;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LocalKvTierTest {

    private static final int SIZE = Blobs.size();

    private static List<String> doc(String d) {
        return List.of(d);
    }

    @Test
    void evictsTheLeastRecentlyUsedChunkToMakeRoom() {
        LocalKvTier tier = new LocalKvTier(3L * SIZE);
        for (int n = 0; n < 3; n++) {
            tier.put(id(n), blob(n), doc("d"));
        }
        assertTrue(tier.get(id(0), 16).isPresent(), "chunk 0 read: now the most recently used");
        PutOutcome put = tier.put(id(3), blob(3), doc("d"));
        assertEquals(List.of(id(1)), put.evicted().stream().map(Removal::id).toList());
        assertEquals(KvRemovalReason.BUDGET, put.evicted().getFirst().reason());
        assertEquals(KvTier.LOCAL, put.evicted().getFirst().tier());
        assertTrue(tier.contains(id(0)));
        assertFalse(tier.contains(id(1)));
        assertEquals(List.of(id(2), id(0), id(3)), tier.entries().stream().map(EntryMetadata::id).toList(),
                "least recently used first");
    }

    @Test
    void neverHoldsMoreBytesThanItsCapacity() {
        LocalKvTier tier = new LocalKvTier(5L * SIZE + SIZE / 2);
        for (int n = 0; n < 20; n++) {
            tier.put(id(n), blob(n), doc("d"));
            KvStoreStats s = tier.stats();
            assertTrue(s.tier(KvTier.LOCAL).bytes() <= 5L * SIZE + SIZE / 2);
        }
        assertEquals(5, tier.stats().tier(KvTier.LOCAL).entries());
        assertEquals(5L * SIZE, tier.stats().tier(KvTier.LOCAL).bytes());
        assertEquals(15, tier.stats().removals().get(KvRemovalReason.BUDGET));
    }

    @Test
    void aBlobLargerThanTheWholeCapacityIsNotHeldAndEvictsNothing() {
        LocalKvTier tier = new LocalKvTier(SIZE - 1L);
        PutOutcome put = tier.put(id(0), blob(0), doc("d"));
        assertFalse(put.stored());
        assertTrue(put.evicted().isEmpty());
        assertEquals(0, tier.stats().tier(KvTier.LOCAL).entries());
    }

    @Test
    void aHitServesTheSameBytesThatWerePut() {
        LocalKvTier tier = new LocalKvTier(10L * SIZE);
        byte[] blob = blob(4);
        tier.put(id(4), blob, doc("d"));
        Lookup hit = tier.lookup(id(4), 16);
        assertSame(blob, hit.hit().blob());
        assertEquals(16, hit.hit().header().tokenCount());
        assertEquals(List.of("d"), hit.hit().documentIds());
    }

    @Test
    void aBlobDamagedInMemoryIsDroppedCountedAsCorruptAndReportedAsAMiss() {
        LocalKvTier tier = new LocalKvTier(10L * SIZE);
        byte[] blob = blob(1);
        tier.put(id(1), blob, doc("d"));
        blob[blob.length / 2] ^= 0x10;
        Lookup lookup = tier.lookup(id(1), 16);
        assertFalse(lookup.isHit());
        assertEquals(List.of(KvRemovalReason.CORRUPT), lookup.removed().stream().map(Removal::reason).toList());
        assertFalse(tier.contains(id(1)));
        KvStoreStats s = tier.stats();
        assertEquals(1, s.corrupt());
        assertEquals(1, s.misses());
        assertEquals(0, s.hits());
        assertEquals(0, s.tier(KvTier.LOCAL).bytes());
    }

    @Test
    void refusesABlobFiledUnderAnotherChunk() {
        LocalKvTier tier = new LocalKvTier(10L * SIZE);
        ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class,
                () -> tier.put(id(2), blob(1), doc("d")));
        assertTrue(e.getMessage().contains("filed under"), e.getMessage());
    }

    @Test
    void deletingADocumentDropsItsChunksIncludingOnesSharedWithAnotherDocument() {
        LocalKvTier tier = new LocalKvTier(10L * SIZE);
        tier.put(id(0), blob(0), doc("a"));
        tier.put(id(1), blob(1), doc("a"));
        tier.put(id(2), blob(2), doc("b"));
        tier.put(id(1), blob(1), doc("b"));
        assertEquals(List.of("a", "b"), tier.entries().stream().filter(e -> e.id().equals(id(1))).findFirst()
                .orElseThrow().documentIds());
        List<Removal> removed = tier.deleteByDocument("a");
        assertEquals(Set.of(id(0), id(1)), removed.stream().map(Removal::id).collect(Collectors.toSet()));
        assertTrue(removed.stream().allMatch(r -> r.reason() == KvRemovalReason.DOCUMENT_DELETED));
        assertTrue(tier.contains(id(2)));
        assertEquals(List.of(id(2)), tier.deleteByDocument("b").stream().map(Removal::id).toList(),
                "chunk 1 left document b's index when it was removed");
    }

    @Test
    void replacingAnEntryCountsItsBytesOnceAndKeepsBothDocuments() {
        LocalKvTier tier = new LocalKvTier(10L * SIZE);
        tier.put(id(0), blob(0), doc("a"));
        PutOutcome again = tier.put(id(0), blob(0), doc("b"));
        assertTrue(again.replaced());
        assertEquals(List.of("a", "b"), again.documentIds());
        assertEquals(SIZE, tier.stats().tier(KvTier.LOCAL).bytes());
        assertEquals(1, tier.stats().tier(KvTier.LOCAL).entries());
    }

    @Test
    void lookupsAreCountedInChunksAndTokens() {
        LocalKvTier tier = new LocalKvTier(10L * SIZE);
        tier.put(id(0), blob(0), doc("a"));
        tier.lookup(id(0), 16);
        tier.lookup(id(0), 16);
        tier.lookup(id(9), 40);
        KvStoreStats s = tier.stats();
        assertEquals(3, s.lookups());
        assertEquals(72, s.lookupTokens());
        assertEquals(2, s.tier(KvTier.LOCAL).hits());
        assertEquals(32, s.tier(KvTier.LOCAL).hitTokens());
        assertEquals(2L * SIZE, s.tier(KvTier.LOCAL).bytesRead());
        assertEquals(1, s.misses());
        assertEquals(40, s.missTokens());
        assertEquals(32.0 / 72, s.tokenHitRate(), 1e-12);
        assertEquals(2.0 / 3, s.chunkHitRate(), 1e-12);
    }

    @Test
    void manyThreadsNeverPushItPastItsCapacityAndItsAccountingMatchesItsEntries() throws Exception {
        LocalKvTier tier = new LocalKvTier(8L * SIZE);
        byte[][] blobs = new byte[32][];
        for (int n = 0; n < blobs.length; n++) {
            blobs[n] = blob(n);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            work.add(pool.submit(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < 2_000; i++) {
                    int n = r.nextInt(blobs.length);
                    if (r.nextInt(3) == 0) {
                        tier.put(id(n), blobs[n], doc("d" + (n % 4)));
                    } else if (r.nextInt(20) == 0) {
                        tier.deleteByDocument("d" + (n % 4));
                    } else {
                        tier.lookup(id(n), 16).found().ifPresent(h -> assertEquals(id(n).chunkKey().hex(),
                                h.header().chunkKey()));
                    }
                    assertTrue(tier.stats().tier(KvTier.LOCAL).bytes() <= 8L * SIZE);
                }
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        List<EntryMetadata> held = tier.entries();
        assertEquals(held.stream().mapToLong(EntryMetadata::bytes).sum(), tier.stats().tier(KvTier.LOCAL).bytes());
        assertEquals(held.size(), tier.stats().tier(KvTier.LOCAL).entries());
        assertEquals(0, tier.stats().corrupt());
    }
}
