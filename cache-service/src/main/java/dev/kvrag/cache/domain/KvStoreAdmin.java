package dev.kvrag.cache.domain;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.EntryMetadata;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.Lookup;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.kvstore.redis.RedisKvSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cache-service's operations on the shared store, each followed by the kv-events that announce it: stored and
 * evicted for a put, removed for deletions (so workers drop their local copies), evicted with reason {@code ttl}
 * or {@code corrupt} for what sweeps and reads find dead.
 */
public final class KvStoreAdmin {

    private final RedisChunkKvStore store;
    private final KvEventSource events;
    private final KvEventLog log;
    private final RedisKvSettings settings;

    public KvStoreAdmin(RedisChunkKvStore store, KvEventSource events, KvEventLog log, RedisKvSettings settings) {
        this.store = store;
        this.events = events;
        this.log = log;
        this.settings = settings;
    }

    public RedisKvSettings settings() {
        return settings;
    }

    /**
     * Writes the configured policy to Redis unless it is already in force (a first start, a changed
     * configuration, a Redis that lost its data) and announces what that evicted. Returns the evictions, or
     * nothing when the policy was already in force.
     */
    public Optional<List<Removal>> applySettings() {
        if (store.settings().filter(settings::equals).isPresent()) {
            return Optional.empty();
        }
        List<Removal> evicted = store.configure(settings);
        log.append(events.of(evicted));
        return Optional.of(evicted);
    }

    public PutOutcome put(ChunkKvId id, byte[] blob, List<String> documentIds) {
        PutOutcome outcome = store.put(id, blob, documentIds);
        log.append(events.of(outcome));
        return outcome;
    }

    /** Reads a blob without counting a lookup; a corrupt one is deleted and announced. */
    public Lookup peek(ChunkKvId id) {
        Lookup lookup = store.peek(id);
        log.append(events.of(lookup.removed()));
        return lookup;
    }

    public Optional<EntryMetadata> metadata(ChunkKvId id) {
        return store.metadata(id);
    }

    public List<Removal> delete(ChunkKvId id) {
        List<Removal> removed = store.delete(id);
        log.append(events.of(removed));
        return removed;
    }

    /**
     * Removes the document's chunks from Redis and tells every worker to drop what it holds of the document, even
     * when Redis held nothing (a worker may still hold a copy Redis evicted; a repeated call re-announces).
     */
    public List<Removal> deleteDocument(String documentId) {
        List<Removal> removed = store.deleteByDocument(documentId);
        List<KvEvent> announced = new ArrayList<>(events.of(removed));
        announced.add(events.documentRemoved(documentId));
        log.append(announced);
        return removed;
    }

    /** Removes entries whose blobs expired and announces them. */
    public List<Removal> sweep() {
        List<Removal> removed = store.sweepVanished(500);
        log.append(events.of(removed));
        return removed;
    }

    public KvStoreStats stats() {
        return store.stats();
    }
}
