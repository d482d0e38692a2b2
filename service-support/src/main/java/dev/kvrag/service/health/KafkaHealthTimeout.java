package dev.kvrag.service.health;

import java.time.Duration;

/**
 * A service's {@code kvrag.<service>.kafka-health-timeout}: its properties record implements this, and the
 * {@code kafka} health component appears. Readiness polls the component, so the timeout must stay well below the
 * probe's own.
 */
public interface KafkaHealthTimeout {

    Duration kafkaHealthTimeout();
}
