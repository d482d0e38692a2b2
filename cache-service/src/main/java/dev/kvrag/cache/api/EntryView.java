package dev.kvrag.cache.api;

import dev.kvrag.kvstore.EntryMetadata;
import java.time.Instant;
import java.util.List;

/** An entry's metadata in the Redis tier, and the workers whose local tiers hold it too. */
record EntryView(String modelId, String chunkKey, long bytes, int tokens, List<String> documentIds, Instant created,
                 Instant lastAccess, long hits, String segment, List<String> heldByWorkers) {

    static EntryView of(EntryMetadata m, List<String> heldByWorkers) {
        return new EntryView(m.id().modelId(), m.id().chunkKey().hex(), m.bytes(), m.tokens(), m.documentIds(),
                m.created(), m.lastAccess(), m.hits(), m.segment(), heldByWorkers);
    }
}
