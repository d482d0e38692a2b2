package dev.kvrag.kvstore;

import dev.kvrag.common.events.KvTier;
import java.time.Instant;
import java.util.List;

/**
 * What a tier knows about one entry besides its bytes.
 *
 * @param hits reads since it was stored
 * @param segment the eviction segment in the Redis tier ({@code probation} or {@code protected}); {@code null}
 *     where a tier has none
 */
public record EntryMetadata(ChunkKvId id, KvTier tier, long bytes, int tokens, List<String> documentIds,
                            Instant created, Instant lastAccess, long hits, String segment) {

    public EntryMetadata {
        documentIds = List.copyOf(documentIds);
    }
}
