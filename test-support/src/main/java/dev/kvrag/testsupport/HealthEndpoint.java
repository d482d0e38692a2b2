package dev.kvrag.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * What every service's smoke test asks of its actuator: readiness UP with Redis and Kafka (every platform topic
 * there), liveness depending on nothing outside the process. Each test calls these and adds its own components.
 */
public final class HealthEndpoint {

    private HealthEndpoint() {
    }

    /** Any status, so that a DOWN (503) is asserted on rather than thrown. */
    public static ResponseEntity<Map<String, Object>> get(int port, String path) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
    }

    /** @return the readiness body, for the caller's own components */
    public static Map<String, Object> assertReadyWithRedisAndKafka(int port) {
        ResponseEntity<Map<String, Object>> readiness = get(port, "/actuator/health/readiness");
        assertThat(readiness.getStatusCode().value()).isEqualTo(200);
        assertThat(readiness.getBody()).containsEntry("status", "UP");
        assertThat(component(readiness.getBody(), "redis")).containsEntry("status", "UP");
        Map<String, Object> kafka = component(readiness.getBody(), "kafka");
        assertThat(kafka).containsEntry("status", "UP");
        assertThat(details(kafka)).containsEntry("missingTopics", List.of());
        assertThat((Integer) details(kafka).get("brokers")).isPositive();
        return readiness.getBody();
    }

    public static void assertLivenessDependsOnNothingOutside(int port) {
        ResponseEntity<Map<String, Object>> liveness = get(port, "/actuator/health/liveness");
        assertThat(liveness.getStatusCode().value()).isEqualTo(200);
        assertThat(liveness.getBody()).containsEntry("status", "UP");
        assertThat(component(liveness.getBody(), "livenessState")).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> components = (Map<String, Object>) liveness.getBody().get("components");
        assertThat(components).containsOnlyKeys("livenessState");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> component(Map<String, Object> health, String name) {
        Map<String, Object> components = (Map<String, Object>) health.get("components");
        assertThat(components).as("health components").containsKey(name);
        return (Map<String, Object>) components.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Map<String, Object> component) {
        return (Map<String, Object>) component.get("details");
    }
}
