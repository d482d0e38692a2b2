package dev.kvrag.kvstore;

import java.util.List;
import java.util.Optional;

/**
 * A store of chunk-KV blobs (the common chunk-KV format) addressed by {@link ChunkKvId}. Three implementations:
 * the shared Redis tier, a worker's in-process hot tier, and the tiered composition of the two that workers use.
 *
 * <p>Every blob is checked with {@link BlobCheck} on put and again on get; a blob that fails on get is deleted,
 * counted as corrupt and reported as a miss, never served. All methods are safe to call from many threads.
 */
public interface ChunkKvStore {

    /**
     * Looks the chunk up and counts the lookup, in {@code tokens} tokens (the chunk's length, which the caller
     * knows from the chunk even when nothing is stored), as a hit or a miss.
     */
    Lookup lookup(ChunkKvId id, int tokens);

    /** {@link #lookup} for callers that do not announce removals. */
    default Optional<ChunkKvHit> get(ChunkKvId id, int tokens) {
        return lookup(id, tokens).found();
    }

    /**
     * Stores {@code blob} (checked first) for the chunk of {@code documentIds}, replacing any blob already there,
     * evicting other entries as the tier's budget requires.
     *
     * @throws dev.kvrag.common.kv.ChunkKvFormatException the blob is not a sound blob of this chunk
     * @throws ChunkKvTooLargeException the blob can never fit
     */
    PutOutcome put(ChunkKvId id, byte[] blob, List<String> documentIds);

    /** Removes the chunk from every tier of this store; what was removed (empty when nothing was there). */
    List<Removal> delete(ChunkKvId id);

    /** Removes every chunk filed under the document from every tier of this store. */
    List<Removal> deleteByDocument(String documentId);

    KvStoreStats stats();
}
