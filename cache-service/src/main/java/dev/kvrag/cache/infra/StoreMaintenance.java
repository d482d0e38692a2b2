package dev.kvrag.cache.infra;

import dev.kvrag.cache.CacheProperties;
import dev.kvrag.cache.domain.KvStoreAdmin;
import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.kvstore.Removal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the store in shape: writes the configured policy to Redis at start-up (and again whenever Redis lost it),
 * sweeps expired entries, forgets silent workers. Failures are logged in one line and retried on the next tick:
 * a Redis or Kafka outage must not stop the service.
 */
@Component
class StoreMaintenance {

    private static final Logger log = LoggerFactory.getLogger(StoreMaintenance.class);

    private final KvStoreAdmin admin;
    private final WorkerResidency residency;
    private final Duration residencyIdleTimeout;
    private final Clock clock = Clock.systemUTC();

    StoreMaintenance(KvStoreAdmin admin, WorkerResidency residency, CacheProperties properties) {
        this.admin = admin;
        this.residency = residency;
        this.residencyIdleTimeout = properties.residencyIdleTimeout();
    }

    @EventListener(ApplicationReadyEvent.class)
    void applyPolicyAtStartUp() {
        applyPolicy();
    }

    @Scheduled(fixedDelayString = "${kvrag.cache.sweep-interval:30s}",
            initialDelayString = "${kvrag.cache.sweep-interval:30s}")
    void tick() {
        applyPolicy();
        try {
            List<Removal> swept = admin.sweep();
            if (!swept.isEmpty()) {
                log.info("swept {} expired chunk-KV entries", swept.size());
            }
        } catch (RuntimeException e) {
            log.warn("chunk-KV sweep failed, retrying in the next tick: {}", e.getMessage());
        }
        for (String worker : residency.forgetSilentSince(clock.instant().minus(residencyIdleTimeout))) {
            log.info("forgot worker {}: nothing heard from it for {}", worker, residencyIdleTimeout);
        }
    }

    private void applyPolicy() {
        try {
            admin.applySettings().ifPresent(evicted -> log.info("chunk-KV store policy written to Redis: {}; {} "
                    + "entries evicted to fit", admin.settings(), evicted.size()));
        } catch (RuntimeException e) {
            log.warn("could not write the chunk-KV store policy to Redis, retrying in the next tick: {}",
                    e.getMessage());
        }
    }
}
