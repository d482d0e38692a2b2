package dev.kvrag.cache.api;

import dev.kvrag.kvstore.Removal;
import java.util.List;

/** One removed entry as the API shows it. */
record RemovalView(String modelId, String chunkKey, long bytes, int tokens, List<String> documentIds, String tier,
                   String reason) {

    static RemovalView of(Removal r) {
        return new RemovalView(r.id().modelId(), r.id().chunkKey().hex(), r.bytes(), r.tokens(), r.documentIds(),
                r.tier().wireName(), r.reason().wireName());
    }

    static List<RemovalView> of(List<Removal> removals) {
        return removals.stream().map(RemovalView::of).toList();
    }
}
