package dev.kvrag.inference.infra;

import dev.kvrag.common.events.Topics;
import dev.kvrag.common.kafka.KafkaClusterProbe;
import dev.kvrag.common.kafka.KafkaClusterState;
import dev.kvrag.inference.InferenceProperties;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Health component {@code kafka} (Boot has none): UP when the cluster answers within
 * {@code kvrag.inference.kafka-health-timeout} and every platform topic exists. Part of the readiness group.
 */
@Component
class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private final Admin admin;
    private final Duration timeout;

    KafkaHealthIndicator(KafkaAdmin kafkaAdmin, InferenceProperties properties) {
        super("Kafka health check failed");
        // One long-lived client: creating one per probe would reconnect and re-fetch metadata every time.
        this.admin = Admin.create(kafkaAdmin.getConfigurationProperties());
        this.timeout = properties.kafkaHealthTimeout();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaClusterState state = KafkaClusterProbe.probe(admin, Topics.all(), timeout);
        (state.ready() ? builder.up() : builder.down())
                .withDetail("clusterId", state.clusterId())
                .withDetail("brokers", state.brokers())
                .withDetail("missingTopics", state.missingTopics());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
