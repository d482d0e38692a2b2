package dev.kvrag.kvstore.redis;

import static dev.kvrag.kvstore.Blobs.blob;
import static dev.kvrag.kvstore.Blobs.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.common.kv.ChunkKvContent;
import dev.kvrag.common.kv.ChunkKvFormat;
import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.kvstore.Blobs;
import dev.kvrag.kvstore.ChunkKvHit;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.ChunkKvTooLargeException;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import dev.kvrag.testsupport.RealInfra;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis tier on a real Redis; each test has a namespace of its own. */
class RedisChunkKvStoreIT {

    private static final int SIZE = Blobs.size();

    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> raw;

    private RedisChunkKvStore store;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RealInfra.redisUrl());
        raw = client.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void disconnect() {
        raw.close();
        client.shutdown();
    }

    @BeforeEach
    void openStore() {
        store = RedisChunkKvStore.connect(client, "it-" + UUID.randomUUID().toString().substring(0, 8) + ":");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void configure(long budget, EvictionPolicy policy, double protectedFraction) {
        store.configure(new RedisKvSettings(budget, policy, protectedFraction, Duration.ZERO));
    }

    private PutOutcome put(int n, String doc) {
        return store.put(id(n), blob(n), List.of(doc));
    }

    private List<ChunkKvId> evicted(PutOutcome put) {
        return put.evicted().stream().map(Removal::id).toList();
    }

    private byte[] rawKey(String suffix) {
        return (store.namespace() + suffix).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBlobMadeByTheCommonFormatComesBackByteForByteAndDecodes() {
        configure(10L * SIZE, EvictionPolicy.SLRU, 0.8);
        byte[] blob = blob(7);
        PutOutcome put = store.put(id(7), blob, List.of("doc-7"));
        assertEquals(List.of(KvTier.REDIS), put.storedIn());
        assertFalse(put.replaced());
        assertEquals(Blobs.TOKENS, put.tokens());

        ChunkKvHit hit = store.lookup(id(7), Blobs.TOKENS).hit();
        assertArrayEquals(blob, hit.blob());
        assertEquals(KvTier.REDIS, hit.tier());
        assertEquals(List.of("doc-7"), hit.documentIds());
        ChunkKvContent kv = ChunkKvFormat.decode(hit.blob());
        assertEquals(id(7).chunkKey().hex(), kv.chunkKey());
        assertEquals(Blobs.TOKENS, kv.tokenCount());
        assertArrayEquals(blob, raw.sync().get(rawKey("kv:" + id(7).member())), "stored under kv:<model>:<chunk>");
    }

    @Test
    void anUnconfiguredStoreRefusesPutsSayingWhoConfiguresIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> put(0, "d"));
        assertTrue(e.getMessage().contains("cache-service"), e.getMessage());
        assertTrue(store.settings().isEmpty());
    }

    @Test
    void aBlobThatFailsItsChecksumIsRefusedOnPut() {
        configure(10L * SIZE, EvictionPolicy.SLRU, 0.8);
        byte[] blob = blob(1);
        blob[100] ^= 1;
        ChunkKvFormatException e = assertThrows(ChunkKvFormatException.class,
                () -> store.put(id(1), blob, List.of("d")));
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
        assertEquals(0, store.stats().tier(KvTier.REDIS).entries());
    }

    @Test
    void aBlobLargerThanTheWholeBudgetIsRefusedWithBothSizes() {
        configure(SIZE - 1L, EvictionPolicy.SLRU, 0.8);
        ChunkKvTooLargeException e = assertThrows(ChunkKvTooLargeException.class, () -> put(1, "d"));
        assertEquals(SIZE - 1L, e.limit());
        assertEquals(SIZE, e.bytes());
        assertEquals(0, store.stats().puts());
    }

    @Test
    void lruEvictsTheLeastRecentlyUsedChunkEvenWhenItWasReadBefore() {
        configure(3L * SIZE, EvictionPolicy.LRU, 0.8);
        put(0, "popular");
        store.lookup(id(0), 16);
        store.lookup(id(0), 16);
        put(1, "one-off");
        put(2, "one-off");
        assertEquals(List.of(id(0)), evicted(put(3, "one-off")), "recency alone decides");
        assertEquals(List.of(id(1)), evicted(put(4, "one-off")));
    }

    @Test
    void slruKeepsAChunkThatWasReadAgainThroughAFloodOfOneOffChunks() {
        configure(3L * SIZE, EvictionPolicy.SLRU, 0.5);
        put(0, "popular");
        store.lookup(id(0), 16);
        List<ChunkKvId> evicted = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            evicted.addAll(evicted(put(n, "one-off")));
        }
        assertEquals(List.of(id(1), id(2), id(3), id(4), id(5), id(6), id(7), id(8)), evicted,
                "one-off chunks evict each other, oldest first");
        assertTrue(store.lookup(id(0), 16).isHit(), "the re-read chunk survived");
        assertEquals("protected", store.metadata(id(0)).orElseThrow().segment());
    }

    @Test
    void slruDemotesTheProtectedSegmentsOldestChunkWhenItOutgrowsItsShare() {
        configure(4L * SIZE, EvictionPolicy.SLRU, 0.5);
        for (int n = 0; n < 4; n++) {
            put(n, "d");
        }
        store.lookup(id(0), 16);
        store.lookup(id(1), 16);
        store.lookup(id(2), 16);
        assertEquals("probation", store.metadata(id(0)).orElseThrow().segment(), "demoted: protected holds 2");
        assertEquals("protected", store.metadata(id(1)).orElseThrow().segment());
        assertEquals("protected", store.metadata(id(2)).orElseThrow().segment());
        assertEquals(2L * SIZE, store.stats().tier(KvTier.REDIS).protectedBytes());
        // Probation now holds 3 (oldest) then 0 (demoted to its most recent end).
        assertEquals(List.of(id(3)), evicted(put(4, "d")));
        assertEquals(List.of(id(0)), evicted(put(5, "d")));
    }

    @Test
    void aBlobCorruptedInRedisIsDeletedCountedAsCorruptAndReportedAsAMiss() {
        configure(10L * SIZE, EvictionPolicy.SLRU, 0.8);
        put(2, "d");
        put(3, "d");
        raw.sync().setrange(rawKey("kv:" + id(2).member()), SIZE / 2, new byte[] {0x5a, 0x5a});

        Lookup lookup = store.lookup(id(2), 16);
        assertFalse(lookup.isHit());
        assertEquals(List.of(KvRemovalReason.CORRUPT), lookup.removed().stream().map(Removal::reason).toList());
        assertEquals(0, raw.sync().exists(rawKey("kv:" + id(2).member())), "the corrupt blob is gone");
        assertTrue(store.metadata(id(2)).isEmpty());
        KvStoreStats s = store.stats();
        assertEquals(1, s.corrupt());
        assertEquals(1, s.misses());
        assertEquals(0, s.tier(KvTier.REDIS).hits(), "the read that found it corrupt is not a hit");
        assertEquals(1, s.removals().get(KvRemovalReason.CORRUPT));
        assertEquals(1, s.tier(KvTier.REDIS).entries());
        assertEquals((long) SIZE, s.tier(KvTier.REDIS).bytes());
        assertTrue(store.lookup(id(3), 16).isHit(), "other entries are untouched");
    }

    @Test
    void deletingADocumentRemovesItsChunksAndNoOtherDocumentsChunks() {
        configure(10L * SIZE, EvictionPolicy.SLRU, 0.8);
        put(0, "a");
        put(1, "a");
        put(2, "b");
        store.put(id(1), blob(1), List.of("c"));
        List<Removal> removed = store.deleteByDocument("a");
        assertEquals(Set.of(id(0), id(1)), removed.stream().map(Removal::id).collect(Collectors.toSet()));
        assertTrue(removed.stream().allMatch(r -> r.reason() == KvRemovalReason.DOCUMENT_DELETED));
        assertEquals(Set.of("a", "c"), Set.copyOf(removed.stream().filter(r -> r.id().equals(id(1))).findFirst()
                .orElseThrow().documentIds()));
        assertTrue(store.lookup(id(2), 16).isHit());
        assertFalse(store.lookup(id(1), 16).isHit());
        assertEquals(0, raw.sync().exists(rawKey("kvdoc:a")));
        assertEquals(0, raw.sync().scard(rawKey("kvdoc:c")), "the shared chunk left document c's set too");
        assertEquals(1, store.stats().tier(KvTier.REDIS).entries());
        assertTrue(store.deleteByDocument("a").isEmpty(), "deleting again removes nothing");
    }

    @Test
    void statsCountLookupsInChunksAndTokensAtLookupTime() {
        configure(10L * SIZE, EvictionPolicy.SLRU, 0.8);
        put(0, "d");
        store.lookup(id(0), 16);
        store.lookup(id(0), 16);
        store.lookup(id(5), 100);
        store.peek(id(0));
        KvStoreStats s = store.stats();
        assertEquals(3, s.lookups(), "a peek is not a lookup");
        assertEquals(132, s.lookupTokens());
        assertEquals(2, s.tier(KvTier.REDIS).hits());
        assertEquals(32, s.tier(KvTier.REDIS).hitTokens());
        assertEquals(2L * SIZE, s.tier(KvTier.REDIS).bytesRead());
        assertEquals(1, s.misses());
        assertEquals(100, s.missTokens());
        assertEquals(1, s.puts());
        assertEquals(SIZE, s.bytesWritten());
        assertEquals(10L * SIZE, s.tier(KvTier.REDIS).capacityBytes());
        EntryMetadata meta = store.metadata(id(0)).orElseThrow();
        assertEquals(2, meta.hits());
        assertEquals(List.of("d"), meta.documentIds());
        assertTrue(!meta.lastAccess().isBefore(meta.created()));
    }

    @Test
    void loweringTheBudgetEvictsAtOnceAndRaisingItEvictsNothing() {
        configure(6L * SIZE, EvictionPolicy.SLRU, 0.8);
        for (int n = 0; n < 6; n++) {
            put(n, "d");
        }
        RedisKvSettings lower = new RedisKvSettings(4L * SIZE, EvictionPolicy.LRU, 0.7, Duration.ofMinutes(5));
        List<Removal> evicted = store.configure(lower);
        assertEquals(List.of(id(0), id(1)), evicted.stream().map(Removal::id).toList());
        assertEquals(4L * SIZE, store.stats().tier(KvTier.REDIS).bytes());
        assertEquals(lower, store.settings().orElseThrow(), "the policy in force reads back as written");
        assertTrue(store.configure(new RedisKvSettings(8L * SIZE, EvictionPolicy.SLRU, 0.8, Duration.ZERO))
                .isEmpty());
    }

    @Test
    void anEntryNotReadForItsIdleTtlExpiresAndIsSweptWithReasonTtl() throws InterruptedException {
        store.configure(new RedisKvSettings(10L * SIZE, EvictionPolicy.SLRU, 0.8, Duration.ofMillis(50)));
        put(0, "d");
        put(1, "d");
        Thread.sleep(300);
        List<Removal> swept = store.sweepVanished(1);
        assertEquals(Set.of(id(0), id(1)), swept.stream().map(Removal::id).collect(Collectors.toSet()));
        assertTrue(swept.stream().allMatch(r -> r.reason() == KvRemovalReason.TTL));
        KvStoreStats s = store.stats();
        assertEquals(0, s.tier(KvTier.REDIS).bytes(), "expired blobs no longer count against the budget");
        assertEquals(0, s.tier(KvTier.REDIS).entries());
        assertEquals(2, s.removals().get(KvRemovalReason.TTL));
        assertEquals(0, raw.sync().exists(rawKey("kvdoc:d")));
    }

    @Test
    void concurrentWritersAndReadersKeepTheBudgetAndTheAccountingExact() throws Exception {
        configure(12L * SIZE, EvictionPolicy.SLRU, 0.6);
        byte[][] blobs = new byte[40][];
        for (int n = 0; n < blobs.length; n++) {
            blobs[n] = blob(n);
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int seed = t;
            work.add(pool.submit(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < 300; i++) {
                    int n = r.nextInt(blobs.length);
                    int op = r.nextInt(10);
                    if (op < 4) {
                        store.put(id(n), blobs[n], List.of("d" + (n % 5)));
                    } else if (op == 4) {
                        store.deleteByDocument("d" + (n % 5));
                    } else {
                        store.lookup(id(n), 16).found().ifPresent(h -> assertArrayEquals(blobs[n], h.blob()));
                    }
                }
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();

        var redis = raw.sync();
        List<byte[]> members = new ArrayList<>(redis.zrange(rawKey("kvlru:probation"), 0, -1));
        members.addAll(redis.zrange(rawKey("kvlru:protected"), 0, -1));
        long held = 0;
        for (byte[] m : members) {
            held += redis.strlen(rawKey("kv:" + new String(m, StandardCharsets.UTF_8)));
        }
        KvStoreStats s = store.stats();
        assertEquals(held, s.tier(KvTier.REDIS).bytes(), "accounted bytes = bytes of the blobs in Redis");
        assertEquals(members.size(), s.tier(KvTier.REDIS).entries());
        assertTrue(held <= 12L * SIZE);
        assertEquals(0, s.corrupt());
        assertEquals(s.lookups(), s.hits() + s.misses());
    }
}
