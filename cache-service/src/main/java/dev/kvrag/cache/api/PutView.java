package dev.kvrag.cache.api;

import dev.kvrag.kvstore.PutOutcome;
import java.util.List;

/** The answer to a blob {@code PUT}: what is stored now and what was evicted to make room. */
record PutView(String modelId, String chunkKey, long bytes, int tokens, List<String> documentIds, boolean replaced,
               List<RemovalView> evicted) {

    static PutView of(PutOutcome o) {
        return new PutView(o.id().modelId(), o.id().chunkKey().hex(), o.bytes(), o.tokens(), o.documentIds(),
                o.replaced(), RemovalView.of(o.evicted()));
    }
}
