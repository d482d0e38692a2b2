package dev.kvrag.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.testsupport.RealInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

/**
 * Readiness must reflect Kafka: with no broker behind the bootstrap address the service is alive but not ready. Its
 * context is closed afterwards: its Kafka clients would otherwise retry the dead address for the rest of the run.
 */
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "kvrag.gateway.kafka-health-timeout=300ms")
class GatewayReadinessWithoutKafkaIT {

    @DynamicPropertySource
    static void realRedisButNoKafka(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", RealInfra::redisUrl);
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + closedPort());
    }

    @LocalServerPort
    int port;

    @Test
    void isAliveButNotReadyAndNamesKafkaAsTheReason() {
        ResponseEntity<Map<String, Object>> readiness = get("/actuator/health/readiness");
        assertThat(readiness.getStatusCode().value()).isEqualTo(503);
        assertThat(readiness.getBody()).containsEntry("status", "DOWN");
        @SuppressWarnings("unchecked")
        var components = (Map<String, Map<String, Object>>) readiness.getBody().get("components");
        assertThat(components.get("kafka")).containsEntry("status", "DOWN");
        assertThat(components.get("kafka").toString()).contains("Kafka did not answer");
        assertThat(components.get("redis")).containsEntry("status", "UP");

        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
    }

    private ResponseEntity<Map<String, Object>> get(String path) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
