package dev.kvrag.kvstore.local;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.common.kv.ChunkKvHeader;
import dev.kvrag.kvstore.BlobCheck;
import dev.kvrag.kvstore.ChunkKvHit;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.ChunkKvStore;
import dev.kvrag.kvstore.DocumentIds;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.LookupCounters;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import dev.kvrag.kvstore.TierStats;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker's in-process hot tier: chunk-KV blobs bounded by a byte capacity, least recently used evicted first.
 * Plain LRU here (the shared Redis tier is where one-off chunks must not flush popular ones): the hot tier holds
 * what this worker's current requests are using, and its misses fall through to Redis, not to a recompute.
 *
 * <p>One lock guards the map; the checksum check of a hit runs outside it.
 */
public final class LocalKvTier implements ChunkKvStore {

    private static final class Entry {
        final byte[] blob;
        final ChunkKvHeader header;
        final List<String> documentIds;
        final Instant created;
        Instant lastAccess;
        long hits;

        Entry(byte[] blob, ChunkKvHeader header, List<String> documentIds, Instant created) {
            this.blob = blob;
            this.header = header;
            this.documentIds = documentIds;
            this.created = created;
            this.lastAccess = created;
        }
    }

    private final long capacityBytes;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    // Access order: iteration starts at the least recently used entry.
    private final LinkedHashMap<ChunkKvId, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final Map<String, Set<ChunkKvId>> byDocument = new HashMap<>();
    private final LookupCounters counters = new LookupCounters();
    private long bytes;

    public LocalKvTier(long capacityBytes, Clock clock) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("the local KV tier needs a positive capacity, got " + capacityBytes
                    + " bytes");
        }
        this.capacityBytes = capacityBytes;
        this.clock = clock;
    }

    public LocalKvTier(long capacityBytes) {
        this(capacityBytes, Clock.systemUTC());
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public Lookup lookup(ChunkKvId id, int tokens) {
        Entry e;
        lock.lock();
        try {
            e = entries.get(id);
            if (e != null) {
                e.hits++;
                e.lastAccess = clock.instant();
            }
        } finally {
            lock.unlock();
        }
        if (e == null) {
            counters.miss(tokens);
            return Lookup.miss(List.of());
        }
        try {
            BlobCheck.verify(id, e.blob);
        } catch (ChunkKvFormatException corrupt) {
            List<Removal> removed = new ArrayList<>(1);
            lock.lock();
            try {
                if (entries.get(id) == e) {
                    removed.add(unlink(id, e, KvRemovalReason.CORRUPT));
                }
            } finally {
                lock.unlock();
            }
            counters.corrupt();
            counters.miss(tokens);
            return Lookup.miss(removed);
        }
        counters.hit(KvTier.LOCAL, tokens, e.blob.length);
        return Lookup.of(new ChunkKvHit(id, e.blob, e.header, KvTier.LOCAL, e.documentIds));
    }

    /**
     * Holds the blob, evicting least recently used entries until it fits. A blob larger than the whole capacity is
     * not held ({@link PutOutcome#stored()} false): for a hot tier that is a normal outcome, not an error.
     */
    @Override
    public PutOutcome put(ChunkKvId id, byte[] blob, List<String> documentIds) {
        ChunkKvHeader header = BlobCheck.verify(id, blob);
        List<String> docs = DocumentIds.checkAll(documentIds);
        if (blob.length > capacityBytes) {
            return new PutOutcome(id, blob.length, header.tokenCount(), docs, List.of(), false, List.of());
        }
        List<Removal> evicted = new ArrayList<>();
        boolean replaced;
        List<String> merged;
        lock.lock();
        try {
            Entry old = entries.get(id);
            replaced = old != null;
            LinkedHashSet<String> all = new LinkedHashSet<>();
            if (replaced) {
                all.addAll(old.documentIds);
                entries.remove(id);
                detach(id, old);
            }
            all.addAll(docs);
            merged = List.copyOf(all);
            Iterator<Map.Entry<ChunkKvId, Entry>> lru = entries.entrySet().iterator();
            while (bytes + blob.length > capacityBytes && lru.hasNext()) {
                Map.Entry<ChunkKvId, Entry> victim = lru.next();
                lru.remove();
                detach(victim.getKey(), victim.getValue());
                evicted.add(removal(victim.getKey(), victim.getValue(), KvRemovalReason.BUDGET));
            }
            Entry e = new Entry(blob, header, merged, clock.instant());
            entries.put(id, e);
            bytes += blob.length;
            for (String doc : merged) {
                byDocument.computeIfAbsent(doc, d -> new LinkedHashSet<>()).add(id);
            }
        } finally {
            lock.unlock();
        }
        counters.put(blob.length);
        return new PutOutcome(id, blob.length, header.tokenCount(), merged, List.of(KvTier.LOCAL), replaced, evicted);
    }

    @Override
    public List<Removal> delete(ChunkKvId id) {
        return drop(id, KvRemovalReason.EXPLICIT).stream().toList();
    }

    /** Drops the entry for {@code reason} (a worker following a removal the cache-service announced). */
    public Optional<Removal> drop(ChunkKvId id, KvRemovalReason reason) {
        lock.lock();
        try {
            Entry e = entries.get(id);
            return e == null ? Optional.empty() : Optional.of(unlink(id, e, reason));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Removal> deleteByDocument(String documentId) {
        DocumentIds.check(documentId);
        List<Removal> removed = new ArrayList<>();
        lock.lock();
        try {
            Set<ChunkKvId> ids = byDocument.get(documentId);
            for (ChunkKvId id : ids == null ? List.<ChunkKvId>of() : List.copyOf(ids)) {
                removed.add(unlink(id, entries.get(id), KvRemovalReason.DOCUMENT_DELETED));
            }
        } finally {
            lock.unlock();
        }
        return removed;
    }

    /** Whether the chunk is held, without counting a lookup or refreshing its recency. */
    public boolean contains(ChunkKvId id) {
        lock.lock();
        try {
            return entries.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    /** What the tier holds, least recently used first (what a worker reports it holds). */
    public List<EntryMetadata> entries() {
        lock.lock();
        try {
            List<EntryMetadata> out = new ArrayList<>(entries.size());
            entries.forEach((id, e) -> out.add(new EntryMetadata(id, KvTier.LOCAL, e.blob.length,
                    e.header.tokenCount(), e.documentIds, e.created, e.lastAccess, e.hits, null)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public KvStoreStats stats() {
        long held;
        int n;
        lock.lock();
        try {
            held = bytes;
            n = entries.size();
        } finally {
            lock.unlock();
        }
        return counters.snapshot(Map.of(KvTier.LOCAL, new TierStats(held, n, capacityBytes, 0, 0, 0, 0)));
    }

    /** Removes a present entry from the map and the document index, and counts it. */
    private Removal unlink(ChunkKvId id, Entry e, KvRemovalReason reason) {
        entries.remove(id);
        detach(id, e);
        return removal(id, e, reason);
    }

    private void detach(ChunkKvId id, Entry e) {
        bytes -= e.blob.length;
        for (String doc : e.documentIds) {
            Set<ChunkKvId> ids = byDocument.get(doc);
            if (ids != null && ids.remove(id) && ids.isEmpty()) {
                byDocument.remove(doc);
            }
        }
    }

    private Removal removal(ChunkKvId id, Entry e, KvRemovalReason reason) {
        counters.removed(reason);
        return new Removal(id, e.documentIds, e.blob.length, e.header.tokenCount(), KvTier.LOCAL, reason);
    }
}
