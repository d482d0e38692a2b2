package dev.kvrag.cache;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code kvrag.cache.*}; the one place this service reads its own configuration.
 *
 * @param kafkaHealthTimeout how long the Kafka health check waits for the cluster before it reports DOWN;
 *     readiness polls it, so it must stay well below the probe's own timeout
 */
@ConfigurationProperties("kvrag.cache")
public record CacheProperties(@DefaultValue("2s") Duration kafkaHealthTimeout) {
}
