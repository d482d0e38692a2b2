package dev.kvrag.kvstore;

import dev.kvrag.common.events.KvTier;
import java.util.List;

/**
 * What a put did: the tiers that now hold the entry (empty when no tier took it, e.g. a blob larger than a local
 * tier), whether it replaced an entry already there, and every entry that was evicted to make room.
 */
public record PutOutcome(ChunkKvId id, long bytes, int tokens, List<String> documentIds, List<KvTier> storedIn,
                         boolean replaced, List<Removal> evicted) {

    public PutOutcome {
        documentIds = List.copyOf(documentIds);
        storedIn = List.copyOf(storedIn);
        evicted = List.copyOf(evicted);
    }

    public boolean stored() {
        return !storedIn.isEmpty();
    }
}
