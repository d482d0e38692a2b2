package dev.kvrag.service.health;

import dev.kvrag.common.events.Topics;
import dev.kvrag.common.kafka.KafkaClusterProbe;
import dev.kvrag.common.kafka.KafkaClusterState;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health component {@code kafka} (Boot has none): UP when the cluster answers within the service's
 * {@link KafkaHealthTimeout} and every platform topic exists. Part of the readiness group.
 */
public final class KafkaHealthIndicator extends AbstractHealthIndicator implements AutoCloseable {

    private final Admin admin;
    private final Duration timeout;

    KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout) {
        super("Kafka health check failed");
        // One long-lived client: creating one per probe would reconnect and re-fetch metadata every time.
        this.admin = Admin.create(adminConfig);
        this.timeout = timeout;
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
