package dev.kvrag.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

class InferenceServiceSmokeIT extends RealInfraSpringTest {

    @Test
    void startsAndIsReadyWithRedisAndKafkaUp() {
        ResponseEntity<Map<String, Object>> readiness = get("/actuator/health/readiness");
        assertThat(readiness.getStatusCode().value()).isEqualTo(200);
        assertThat(readiness.getBody()).containsEntry("status", "UP");
        assertThat(component(readiness.getBody(), "redis")).containsEntry("status", "UP");
        Map<String, Object> kafka = component(readiness.getBody(), "kafka");
        assertThat(kafka).containsEntry("status", "UP");
        assertThat(details(kafka)).containsEntry("missingTopics", List.of());
        assertThat((Integer) details(kafka).get("brokers")).isPositive();
    }

    @Test
    void livenessDoesNotDependOnRedisOrKafka() {
        ResponseEntity<Map<String, Object>> liveness = get("/actuator/health/liveness");
        assertThat(liveness.getStatusCode().value()).isEqualTo(200);
        assertThat(liveness.getBody()).containsEntry("status", "UP");
        assertThat(component(liveness.getBody(), "livenessState")).containsEntry("status", "UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> components = (Map<String, Object>) liveness.getBody().get("components");
        assertThat(components).containsOnlyKeys("livenessState");
    }

    @Test
    void everyWorkerSeriesIsOnThePrometheusEndpointFromTheStart() {
        String metrics = RestClient.create("http://127.0.0.1:" + port).get().uri("/actuator/prometheus").retrieve()
                .body(String.class);
        for (String series : List.of("kvrag_ttft_seconds_bucket{mode=\"cacheblend\"",
                "kvrag_ttft_seconds_count{mode=\"full\"", "kvrag_recompute_ratio_bucket{le=\"0.15\"",
                "kvrag_cache_hits_total{tier=\"local\"", "kvrag_cache_hits_total{tier=\"redis\"",
                "kvrag_cache_misses_total", "kvrag_kv_bytes_moved_total{direction=\"read\",tier=\"redis\"",
                "kvrag_kv_bytes_moved_total{direction=\"write\",tier=\"local\"",
                "kvrag_inference_requests_total{outcome=\"rejected\"",
                "kvrag_precompute_chunks_total{outcome=\"stored\"", "kvrag_kv_bytes{tier=\"local\"")) {
            assertThat(metrics).as("series " + series).contains(series);
        }
    }

    private ResponseEntity<Map<String, Object>> get(String path) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> component(Map<String, Object> health, String name) {
        Map<String, Object> components = (Map<String, Object>) health.get("components");
        assertThat(components).as("health components").containsKey(name);
        return (Map<String, Object>) components.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Map<String, Object> component) {
        return (Map<String, Object>) component.get("details");
    }
}
