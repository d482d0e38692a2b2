package dev.kvrag.kvstore.tiered;

import static dev.kvrag.kvstore.Blobs.blob;
import static dev.kvrag.kvstore.Blobs.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.Blobs;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.local.LocalKvTier;
import dev.kvrag.kvstore.redis.EvictionPolicy;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.kvstore.redis.RedisKvSettings;
import dev.kvrag.testsupport.RealInfra;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two workers' tiered stores over one real Redis, as inference workers use them. */
class TieredChunkKvStoreIT {

    private static final int SIZE = Blobs.size();

    private static RedisClient client;

    private RedisChunkKvStore redis;
    private final List<KvEvent> events = new CopyOnWriteArrayList<>();
    private TieredChunkKvStore worker1;
    private TieredChunkKvStore worker2;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RealInfra.redisUrl());
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @BeforeEach
    void openStores() {
        redis = RedisChunkKvStore.connect(client, "tiered-" + UUID.randomUUID().toString().substring(0, 8) + ":");
        redis.configure(new RedisKvSettings(4L * SIZE, EvictionPolicy.SLRU, 0.5, Duration.ZERO));
        worker1 = new TieredChunkKvStore(new LocalKvTier(2L * SIZE), redis, new KvEventSource("worker-1"),
                events::add, Duration.ofHours(1));
        worker2 = new TieredChunkKvStore(new LocalKvTier(2L * SIZE), redis, new KvEventSource("worker-2"),
                events::add, Duration.ofHours(1));
    }

    @AfterEach
    void closeStores() {
        worker1.close();
        worker2.close();
        redis.close();
    }

    private List<KvEventType> types(String source) {
        return events.stream().filter(e -> e.source().equals(source)).map(KvEvent::type).toList();
    }

    @Test
    void aPutStoresInBothTiersAndAnnouncesStoredAndResident() {
        PutOutcome put = worker1.put(id(0), blob(0), List.of("d"));
        assertEquals(List.of(KvTier.REDIS, KvTier.LOCAL), put.storedIn());
        assertEquals(List.of(KvEventType.RESIDENT_ON_WORKER, KvEventType.STORED), types("worker-1"));
        KvEvent resident = events.getFirst();
        assertEquals("worker-1", resident.workerId());
        assertEquals(SIZE, resident.bytes());
        assertEquals(Blobs.TOKENS, resident.tokens());
        assertEquals(List.of("d"), resident.documentIds());
    }

    @Test
    void aChunkAnotherWorkerStoredHitsRedisThenTheLocalTier() {
        worker1.put(id(1), blob(1), List.of("d"));
        Lookup first = worker2.lookup(id(1), Blobs.TOKENS);
        assertEquals(KvTier.REDIS, first.hit().tier());
        assertArrayEquals(blob(1), first.hit().blob());
        assertTrue(types("worker-2").contains(KvEventType.RESIDENT_ON_WORKER), "worker 2 now holds it");
        Lookup second = worker2.lookup(id(1), Blobs.TOKENS);
        assertEquals(KvTier.LOCAL, second.hit().tier());
        assertFalse(worker2.lookup(id(9), 40).isHit());

        KvStoreStats mine = worker2.stats();
        assertEquals(3, mine.lookups());
        assertEquals(1, mine.tier(KvTier.REDIS).hits());
        assertEquals(1, mine.tier(KvTier.LOCAL).hits());
        assertEquals(1, mine.misses());
        assertEquals(2L * Blobs.TOKENS, mine.hitTokens());
        assertEquals(2L * Blobs.TOKENS + 40, mine.lookupTokens());
        assertEquals(SIZE, mine.tier(KvTier.LOCAL).bytes());
    }

    @Test
    void localHitsReachTheStoreWideCountersWhenFlushed() throws Exception {
        worker1.put(id(2), blob(2), List.of("d"));
        worker1.lookup(id(2), Blobs.TOKENS);
        worker1.lookup(id(2), Blobs.TOKENS);
        assertEquals(0, redis.stats().tier(KvTier.LOCAL).hits(), "not yet flushed (interval one hour)");
        worker1.flushCounters().toCompletableFuture().get(5, TimeUnit.SECONDS);
        KvStoreStats storeWide = redis.stats();
        assertEquals(2, storeWide.tier(KvTier.LOCAL).hits());
        assertEquals(2L * Blobs.TOKENS, storeWide.tier(KvTier.LOCAL).hitTokens());
        assertEquals(2, storeWide.lookups(), "Redis never saw these lookups; the flush adds them");
        assertEquals(1.0, storeWide.tokenHitRate(), 1e-12);
    }

    @Test
    void theLocalTierEvictsByItsOwnCapacityAndAnnouncesTheDrop() {
        for (int n = 0; n < 3; n++) {
            worker1.put(id(n), blob(n), List.of("d"));
        }
        List<KvEvent> dropped = events.stream().filter(e -> e.type() == KvEventType.DROPPED_FROM_WORKER).toList();
        assertEquals(1, dropped.size());
        assertEquals(id(0).chunkKey().hex(), dropped.getFirst().chunkKey());
        assertEquals(KvRemovalReason.BUDGET, dropped.getFirst().reason());
        assertTrue(worker1.lookup(id(0), Blobs.TOKENS).isHit(), "still in Redis");
    }

    @Test
    void aRemovalAnnouncedElsewhereDropsTheLocalCopies() {
        worker1.put(id(0), blob(0), List.of("a"));
        worker1.put(id(1), blob(1), List.of("b"));
        worker2.lookup(id(0), Blobs.TOKENS);
        worker2.lookup(id(1), Blobs.TOKENS);

        List<Removal> removed = redis.delete(id(0));
        KvEvent announced = new KvEventSource("cache-service").of(removed.getFirst());
        assertEquals(KvEventType.REMOVED, announced.type());
        List<Removal> dropped = worker2.apply(announced);
        assertEquals(List.of(id(0)), dropped.stream().map(Removal::id).toList());
        assertEquals(KvRemovalReason.EXPLICIT, dropped.getFirst().reason());
        assertFalse(worker2.lookup(id(0), Blobs.TOKENS).isHit());

        // Redis evicted nothing of document b, but the worker still holds it: a document-wide removal reaches it.
        worker2.apply(new KvEventSource("cache-service").documentRemoved("b"));
        assertEquals(KvTier.REDIS, worker2.lookup(id(1), Blobs.TOKENS).hit().tier(),
                "worker 2's copy was dropped; the hit came from Redis again");
    }

    @Test
    void deletingADocumentThroughAWorkerClearsBothTiersAndTellsTheOthers() {
        worker1.put(id(0), blob(0), List.of("a"));
        List<Removal> removed = worker1.deleteByDocument("a");
        assertEquals(List.of(KvTier.LOCAL, KvTier.REDIS), removed.stream().map(Removal::tier).toList());
        KvEvent last = events.getLast();
        assertTrue(last.isDocumentWide());
        assertEquals("a", last.key());
        assertFalse(worker1.lookup(id(0), Blobs.TOKENS).isHit());
    }
}
