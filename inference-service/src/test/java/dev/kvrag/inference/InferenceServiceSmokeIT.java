package dev.kvrag.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.testsupport.HealthEndpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

class InferenceServiceSmokeIT extends RealInfraSpringTest {

    @Test
    void startsAndIsReadyWithRedisAndKafkaUp() {
        HealthEndpoint.assertReadyWithRedisAndKafka(port);
    }

    @Test
    void livenessDoesNotDependOnRedisOrKafka() {
        HealthEndpoint.assertLivenessDependsOnNothingOutside(port);
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
}
