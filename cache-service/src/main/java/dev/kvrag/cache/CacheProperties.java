package dev.kvrag.cache;

import dev.kvrag.kvstore.redis.EvictionPolicy;
import dev.kvrag.kvstore.redis.RedisKvSettings;
import dev.kvrag.service.health.KafkaHealthTimeout;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code kvrag.cache.*}; the one place this service reads its own configuration. The store's
 * policy (budget, eviction, idle TTL) is written to Redis at start-up, so every worker writing the store follows it.
 *
 * @param kafkaHealthTimeout how long the Kafka health check waits for the cluster before it reports DOWN;
 *     readiness polls it, so it must stay well below the probe's own timeout
 * @param budget blob bytes the Redis tier may hold
 * @param evictionPolicy {@code slru} (default) or {@code lru}; see {@link EvictionPolicy}
 * @param protectedFraction the budget share of SLRU's protected segment
 * @param maxBlobSize the largest blob {@code PUT} accepts (a 256-token chunk of an 8B GQA model in bf16 is 32 MiB)
 * @param idleTtl entries not read for this long expire; 0 for never
 * @param sweepInterval how often expired entries are swept (and the policy in Redis re-checked)
 * @param keyNamespace prefix of every Redis key; empty in production
 * @param redisTimeout command timeout of the store's Redis connection
 * @param eventPublishTimeout how long a request waits for the broker to take its kv-events
 * @param residencyIdleTimeout a worker not heard from for this long is forgotten (workers re-announce what they
 *     hold more often than this)
 * @param instanceId this instance's name as a kv-event source; empty for {@code cache-service@<host>}
 */
@ConfigurationProperties("kvrag.cache")
public record CacheProperties(
        @DefaultValue("2s") Duration kafkaHealthTimeout,
        @DefaultValue("1GB") DataSize budget,
        @DefaultValue("slru") EvictionPolicy evictionPolicy,
        @DefaultValue("0.8") double protectedFraction,
        @DefaultValue("64MB") DataSize maxBlobSize,
        @DefaultValue("0s") Duration idleTtl,
        @DefaultValue("30s") Duration sweepInterval,
        @DefaultValue("") String keyNamespace,
        @DefaultValue("5s") Duration redisTimeout,
        @DefaultValue("10s") Duration eventPublishTimeout,
        @DefaultValue("15m") Duration residencyIdleTimeout,
        @DefaultValue("") String instanceId) implements KafkaHealthTimeout {

    public CacheProperties {
        if (maxBlobSize.toBytes() <= 0) {
            throw new IllegalArgumentException("kvrag.cache.max-blob-size must be positive, got " + maxBlobSize);
        }
        // Fails start-up with the store's own message when budget, fraction or TTL are out of range.
        new RedisKvSettings(budget.toBytes(), evictionPolicy, protectedFraction, idleTtl);
    }

    public RedisKvSettings storeSettings() {
        return new RedisKvSettings(budget.toBytes(), evictionPolicy, protectedFraction, idleTtl);
    }
}
