package dev.kvrag.kvstore.tiered;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.ChunkKvHit;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.ChunkKvStore;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.LookupCounters;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import dev.kvrag.kvstore.TierStats;
import dev.kvrag.kvstore.events.KvEventSink;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.local.LocalKvTier;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a worker uses: its local hot tier in front of the shared Redis tier. A lookup asks local, then Redis (a
 * Redis hit is then held locally), and is counted once, as a hit of the tier that answered or as a miss, in chunks
 * and in tokens. A put writes both tiers. Every change to either tier becomes a kv-event on the sink: stored /
 * evicted / removed for Redis, resident-on-worker / dropped-from-worker for the local tier.
 *
 * <p>Local hits never reach Redis, so the store-wide counters in Redis learn of them in batches (at most one
 * asynchronous script per {@code flushInterval}, and on {@link #flushCounters()} / {@link #close()}).
 *
 * <p>Does not own its tiers: closing it flushes the counters and leaves both tiers open.
 */
public final class TieredChunkKvStore implements ChunkKvStore, AutoCloseable {

    private final LocalKvTier local;
    private final RedisChunkKvStore redis;
    private final KvEventSource events;
    private final KvEventSink sink;
    private final long flushIntervalNanos;
    private final LookupCounters counters = new LookupCounters();
    private final AtomicLong pendingHits = new AtomicLong();
    private final AtomicLong pendingTokens = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong pendingCorrupt = new AtomicLong();
    private final AtomicLong lastFlush = new AtomicLong(System.nanoTime());

    /**
     * @param events stamps this worker's events; its source is the worker id
     * @param sink must not block (a Kafka producer's send); delivery failures are the sink's to report
     */
    public TieredChunkKvStore(LocalKvTier local, RedisChunkKvStore redis, KvEventSource events, KvEventSink sink,
                              Duration flushInterval) {
        this.local = local;
        this.redis = redis;
        this.events = events;
        this.sink = sink;
        this.flushIntervalNanos = flushInterval.toNanos();
    }

    public String workerId() {
        return events.source();
    }

    @Override
    public Lookup lookup(ChunkKvId id, int tokens) {
        Lookup fromLocal = local.lookup(id, tokens);
        announce(events.of(fromLocal.removed()));
        if (fromLocal.isHit()) {
            ChunkKvHit hit = fromLocal.hit();
            counters.hit(KvTier.LOCAL, tokens, hit.blob().length);
            pendingHits.incrementAndGet();
            pendingTokens.addAndGet(tokens);
            pendingBytes.addAndGet(hit.blob().length);
            flushIfDue();
            return fromLocal;
        }
        if (isCorrupt(fromLocal.removed())) {
            counters.corrupt();
            pendingCorrupt.incrementAndGet();
        }
        Lookup fromRedis = redis.lookup(id, tokens);
        announce(events.of(fromRedis.removed()));
        List<Removal> removed = new ArrayList<>(fromLocal.removed());
        removed.addAll(fromRedis.removed());
        if (!fromRedis.isHit()) {
            if (isCorrupt(fromRedis.removed())) {
                counters.corrupt();
            }
            counters.miss(tokens);
            return Lookup.miss(removed);
        }
        ChunkKvHit hit = fromRedis.hit();
        counters.hit(KvTier.REDIS, tokens, hit.blob().length);
        if (!hit.documentIds().isEmpty()) {
            announce(events.of(local.put(id, hit.blob(), hit.documentIds())));
        }
        return new Lookup(hit, removed);
    }

    /**
     * Holds the blob locally first (so a Redis outage still leaves this worker a copy), then stores it in Redis;
     * a Redis failure propagates after the local put.
     */
    @Override
    public PutOutcome put(ChunkKvId id, byte[] blob, List<String> documentIds) {
        PutOutcome inLocal = local.put(id, blob, documentIds);
        announce(events.of(inLocal));
        PutOutcome inRedis = redis.put(id, blob, documentIds);
        announce(events.of(inRedis));
        counters.put(blob.length);
        List<KvTier> storedIn = new ArrayList<>(inRedis.storedIn());
        storedIn.addAll(inLocal.storedIn());
        List<Removal> evicted = new ArrayList<>(inRedis.evicted());
        evicted.addAll(inLocal.evicted());
        return new PutOutcome(id, inRedis.bytes(), inRedis.tokens(), inRedis.documentIds(), storedIn,
                inRedis.replaced(), evicted);
    }

    @Override
    public List<Removal> delete(ChunkKvId id) {
        List<Removal> removed = new ArrayList<>(local.delete(id));
        removed.addAll(redis.delete(id));
        announce(events.of(removed));
        return removed;
    }

    /** Removes the document's chunks from both tiers and tells every other worker to drop theirs. */
    @Override
    public List<Removal> deleteByDocument(String documentId) {
        List<Removal> removed = new ArrayList<>(local.deleteByDocument(documentId));
        removed.addAll(redis.deleteByDocument(documentId));
        announce(events.of(removed));
        sink.publish(events.documentRemoved(documentId));
        return removed;
    }

    /**
     * Follows a kv-event from elsewhere: a {@code removed} entry or document is dropped from the local tier
     * (each drop announced); other events change nothing here.
     */
    public List<Removal> apply(KvEvent event) {
        if (event.type() != KvEventType.REMOVED) {
            return List.of();
        }
        List<Removal> dropped = event.isDocumentWide()
                ? local.deleteByDocument(event.documentIds().getFirst())
                : local.drop(ChunkKvId.of(event.modelId(), event.chunkKey()), event.reason()).stream().toList();
        announce(events.of(dropped));
        return dropped;
    }

    /** Announces everything the local tier holds (on start-up, or when the cache-service lost track). */
    public void reportResidency() {
        for (EntryMetadata held : local.entries()) {
            sink.publish(events.resident(held));
        }
    }

    /**
     * This worker's view: its lookups (every tier), its local tier's occupancy and the Redis tier's store-wide
     * occupancy.
     */
    @Override
    public KvStoreStats stats() {
        Map<KvTier, TierStats> occupancy = new EnumMap<>(KvTier.class);
        occupancy.put(KvTier.LOCAL, local.stats().tier(KvTier.LOCAL));
        occupancy.put(KvTier.REDIS, redis.stats().tier(KvTier.REDIS));
        return counters.snapshot(occupancy);
    }

    /** Adds the local hits not yet counted in Redis to the store-wide counters (asynchronously). */
    public CompletionStage<?> flushCounters() {
        lastFlush.set(System.nanoTime());
        long hits = pendingHits.getAndSet(0);
        long tokens = pendingTokens.getAndSet(0);
        long bytes = pendingBytes.getAndSet(0);
        long corrupt = pendingCorrupt.getAndSet(0);
        if (hits == 0 && corrupt == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.addUpperTierHits(KvTier.LOCAL, hits, tokens, bytes, corrupt).whenComplete((ok, failed) -> {
            if (failed != null) {
                // Kept for the next flush: a Redis blip must not lose counts.
                pendingHits.addAndGet(hits);
                pendingTokens.addAndGet(tokens);
                pendingBytes.addAndGet(bytes);
                pendingCorrupt.addAndGet(corrupt);
            }
        });
    }

    /** Flushes the counters and waits up to two seconds for Redis to take them. */
    @Override
    public void close() {
        try {
            flushCounters().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not add this worker's local-tier hits to the store-wide counters "
                    + "in Redis: " + e.getMessage(), e);
        }
    }

    private void flushIfDue() {
        long last = lastFlush.get();
        if (System.nanoTime() - last >= flushIntervalNanos && lastFlush.compareAndSet(last, System.nanoTime())) {
            flushCounters();
        }
    }

    private void announce(List<KvEvent> list) {
        for (KvEvent e : list) {
            sink.publish(e);
        }
    }

    private static boolean isCorrupt(List<Removal> removed) {
        return removed.stream().anyMatch(r -> r.reason() == KvRemovalReason.CORRUPT);
    }
}
