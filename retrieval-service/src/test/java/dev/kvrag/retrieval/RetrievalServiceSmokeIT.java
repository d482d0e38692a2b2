package dev.kvrag.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvrag.testsupport.HealthEndpoint;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

class RetrievalServiceSmokeIT extends RealInfraSpringTest {

    @LocalServerPort
    int port;

    @Test
    void startsAndIsReadyWithRedisKafkaAndTheIndexUp() {
        // The index is ready once it has read the chunk log, a moment after the context is up.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> HealthEndpoint.get(port, "/actuator/health/readiness").getStatusCode().value() == 200);
        Map<String, Object> readiness = HealthEndpoint.assertReadyWithRedisAndKafka(port);
        assertThat(HealthEndpoint.component(readiness, "index")).containsEntry("status", "UP");
    }

    @Test
    void livenessDoesNotDependOnRedisOrKafka() {
        HealthEndpoint.assertLivenessDependsOnNothingOutside(port);
    }
}
