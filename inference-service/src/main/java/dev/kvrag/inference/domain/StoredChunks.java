package dev.kvrag.inference.domain;

import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.ChunkKvStore;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The chunk KV this worker files in the store, by chunk id: storing a chunk's blob also records which entry holds
 * the chunk id's current version; removing a chunk id removes that entry. The store announces every change as a
 * kv-event.
 */
public final class StoredChunks {

    /** What storing did: the bytes written per tier. */
    public record Stored(KvTraffic traffic, boolean replacedAnotherVersion) {
    }

    private final ChunkKvStore store;
    private final ChunkKeys keys;
    private final Predicate<ChunkKvId> inSharedTier;

    /**
     * @param store the tiered store (local, then Redis)
     * @param inSharedTier whether the shared tier holds an entry, asked without counting a lookup
     */
    public StoredChunks(ChunkKvStore store, ChunkKeys keys, Predicate<ChunkKvId> inSharedTier) {
        this.store = store;
        this.keys = keys;
        this.inSharedTier = inSharedTier;
    }

    public ChunkKvStore store() {
        return store;
    }

    public boolean inSharedTier(ChunkKvId id) {
        return inSharedTier.test(id);
    }

    /** Stores the blob of chunk {@code chunkId} (of {@code documentId}) as {@code id}. */
    public Stored store(String chunkId, String documentId, ChunkKvId id, byte[] blob) {
        PutOutcome put = store.put(id, blob, List.of(documentId));
        KvTraffic traffic = KvTraffic.NONE;
        for (KvTier tier : put.storedIn()) {
            traffic = traffic.plus(KvTraffic.written(tier, blob.length));
        }
        return new Stored(traffic, file(chunkId, id));
    }

    /**
     * Records that {@code chunkId}'s current version is stored as {@code id}, dropping the entry of the version it
     * replaces (its tokens are gone from the document; an entry two chunk ids shared is computed again when the other
     * one is next used). True when it replaced another version.
     */
    public boolean file(String chunkId, ChunkKvId id) {
        Optional<ChunkKvId> previous = keys.put(chunkId, id);
        boolean replaced = previous.isPresent() && !previous.get().equals(id);
        if (replaced) {
            store.delete(previous.get());
        }
        return replaced;
    }

    /** Removes the KV of {@code chunkId}'s current version from every tier; what was removed. */
    public List<Removal> remove(String chunkId) {
        Optional<ChunkKvId> id = keys.remove(chunkId);
        return id.isEmpty() ? List.of() : new ArrayList<>(store.delete(id.get()));
    }
}
