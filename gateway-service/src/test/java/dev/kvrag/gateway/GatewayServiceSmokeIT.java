package dev.kvrag.gateway;

import dev.kvrag.testsupport.HealthEndpoint;
import org.junit.jupiter.api.Test;

/** Health and its probes are served without an API key; readiness means Redis and Kafka are there. */
class GatewayServiceSmokeIT extends GatewaySpringTest {

    @Test
    void startsAndIsReadyWithRedisAndKafkaUp() {
        HealthEndpoint.assertReadyWithRedisAndKafka(port);
    }

    @Test
    void livenessDoesNotDependOnRedisOrKafka() {
        HealthEndpoint.assertLivenessDependsOnNothingOutside(port);
    }
}
