package dev.kvrag.inference.domain;

import dev.kvrag.kvstore.ChunkKvId;
import java.util.Optional;

/**
 * Which stored KV entry holds each chunk id's current version. A tombstone on the chunks topic names only the chunk
 * id, while the store addresses KV by chunk key (a hash of the tokens), so the mapping is kept where every worker
 * can read it.
 */
public interface ChunkKeys {

    /** Records that {@code chunkId} is now stored as {@code id}; the entry it was stored as before, if any. */
    Optional<ChunkKvId> put(String chunkId, ChunkKvId id);

    /** Forgets {@code chunkId}; the entry it was stored as, if any. */
    Optional<ChunkKvId> remove(String chunkId);
}
