package dev.kvrag.cache.infra;

import dev.kvrag.cache.domain.KvStoreAdmin;
import dev.kvrag.kvstore.KvStoreStats;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The store-wide counters for metrics, read from Redis at most once a second: one scrape reads a dozen series, and
 * each would otherwise cost a round trip. While Redis is unreachable the last values stand (counters must not
 * drop to zero, which Prometheus would read as a restart).
 */
@Component
class CachedStoreStats {

    private static final Logger log = LoggerFactory.getLogger(CachedStoreStats.class);
    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final KvStoreAdmin admin;
    private KvStoreStats last = new KvStoreStats(Map.of(), 0, 0, 0, 0, 0, Map.of(), 0, 0);
    private long readAt = System.nanoTime() - 2 * MAX_AGE_NANOS;
    private boolean failing;

    CachedStoreStats(KvStoreAdmin admin) {
        this.admin = admin;
    }

    synchronized KvStoreStats get() {
        if (System.nanoTime() - readAt >= MAX_AGE_NANOS) {
            readAt = System.nanoTime();
            try {
                last = admin.stats();
                failing = false;
            } catch (RuntimeException e) {
                if (!failing) {
                    log.warn("cannot read the chunk-KV store's counters from Redis, metrics keep their last values: {}",
                            e.getMessage());
                }
                failing = true;
            }
        }
        return last;
    }
}
