package dev.kvrag.kvstore;

import dev.kvrag.common.events.KvTier;
import dev.kvrag.common.kv.ChunkKvHeader;
import java.util.List;

/**
 * A lookup that found a sound blob. The blob array is shared with the tier that holds it: read it, never write
 * it (a tier re-checks its checksum on every read, so a write would turn later hits into misses, not into wrong
 * KV).
 *
 * @param header the blob's header, already checked against {@code id}
 * @param tier where it was found
 */
public record ChunkKvHit(ChunkKvId id, byte[] blob, ChunkKvHeader header, KvTier tier, List<String> documentIds) {

    public ChunkKvHit {
        documentIds = List.copyOf(documentIds);
    }
}
