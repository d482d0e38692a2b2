package dev.kvrag.inference.infra;

import dev.kvrag.kvstore.tiered.TieredChunkKvStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-announces, every {@code kvrag.inference.residency-report-interval}, what this worker's local tier holds
 * ({@code resident-on-worker} kv-events, so the cache-service's view survives lost events and its own restarts), and
 * adds the local-tier hits not yet counted to the store-wide counters in Redis.
 */
final class ResidencyReporter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ResidencyReporter.class);

    private final TieredChunkKvStore store;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("residency-report").daemon().factory());

    ResidencyReporter(TieredChunkKvStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
    }

    void start() {
        timer.scheduleAtFixedRate(this::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report() {
        try {
            store.reportResidency();
            store.flushCounters();
        } catch (RuntimeException e) {
            log.warn("could not report this worker's local KV tier: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
