package dev.kvrag.retrieval;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code kvrag.retrieval.*}; the one place this service reads its own configuration.
 *
 * @param kafkaHealthTimeout how long the Kafka health check waits for the cluster before it reports DOWN;
 *     readiness polls it, so it must stay well below the probe's own timeout
 */
@ConfigurationProperties("kvrag.retrieval")
public record RetrievalProperties(@DefaultValue("2s") Duration kafkaHealthTimeout) {
}
