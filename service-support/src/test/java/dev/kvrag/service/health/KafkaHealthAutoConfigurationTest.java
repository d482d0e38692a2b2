package dev.kvrag.service.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaAdmin;

class KafkaHealthAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaHealthAutoConfiguration.class))
            // Nothing listens on port 1: the probe must give up within the service's timeout.
            .withBean(KafkaAdmin.class, () -> new KafkaAdmin(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "100")));

    @Test
    void aServiceNamingItsTimeoutGetsTheKafkaComponentUnderTheNameKafka() {
        runner.withBean(KafkaHealthTimeout.class, () -> () -> Duration.ofMillis(300)).run(context -> {
            assertThat(context).hasSingleBean(KafkaHealthIndicator.class);
            // Boot names a contributor after its bean, less the HealthIndicator suffix.
            assertThat(context).getBean("kafkaHealthIndicator").isInstanceOf(KafkaHealthIndicator.class);
        });
    }

    @Test
    void anUnreachableClusterIsDownWithinTheTimeout() {
        runner.withBean(KafkaHealthTimeout.class, () -> () -> Duration.ofMillis(300)).run(context ->
                assertThat(context.getBean(KafkaHealthIndicator.class).health(true).getStatus())
                        .isEqualTo(Status.DOWN));
    }

    @Test
    void withoutATimeoutThereIsNoKafkaComponent() {
        runner.run(context -> assertThat(context).doesNotHaveBean(KafkaHealthIndicator.class));
    }
}
