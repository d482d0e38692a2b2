package dev.kvrag.cache.api;

import dev.kvrag.kvstore.Removal;
import java.util.List;

/** What a deletion removed from the Redis tier (workers drop their local copies on the kv-events). */
record DeletionView(int entries, long bytes, List<RemovalView> removed) {

    static DeletionView of(List<Removal> removed) {
        return new DeletionView(removed.size(), removed.stream().mapToLong(Removal::bytes).sum(),
                RemovalView.of(removed));
    }
}
