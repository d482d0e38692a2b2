package dev.kvrag.kvstore;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import java.util.List;

/** One entry that left one tier, and why: what a caller turns into an evicted / removed / dropped kv-event. */
public record Removal(ChunkKvId id, List<String> documentIds, long bytes, int tokens, KvTier tier,
                      KvRemovalReason reason) {

    public Removal {
        documentIds = List.copyOf(documentIds);
    }
}
