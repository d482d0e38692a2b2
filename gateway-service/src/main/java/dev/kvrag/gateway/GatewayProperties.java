package dev.kvrag.gateway;

import dev.kvrag.service.health.KafkaHealthTimeout;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code kvrag.gateway.*}; the one place this service reads its own configuration. Resilience
 * (timeouts aside) is configured under {@code resilience4j.*}, whose registries the infra classes read.
 *
 * @param kafkaHealthTimeout how long the Kafka health check waits for the cluster before it reports DOWN;
 *     readiness polls it, so it must stay well below the probe's own timeout
 * @param apiKeys the keys a client may present ({@code Authorization: Bearer <key>} or {@code X-API-Key}); at
 *     least one is required
 * @param publicPaths request paths served without a key (Ant patterns); health and its probes by default
 */
@ConfigurationProperties("kvrag.gateway")
public record GatewayProperties(
        @DefaultValue("2s") Duration kafkaHealthTimeout,
        List<String> apiKeys,
        @DefaultValue({"/actuator/health", "/actuator/health/**"}) List<String> publicPaths,
        @DefaultValue Model model,
        @DefaultValue Retrieval retrieval,
        @DefaultValue Query query,
        @DefaultValue Inference inference,
        @DefaultValue Documents documents) implements KafkaHealthTimeout {

    public GatewayProperties {
        apiKeys = apiKeys == null ? List.of()
                : apiKeys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList();
    }

    /**
     * The served model, named in every inference request; a worker serving another refuses the request.
     *
     * @param dir a directory with tokenizer.json (or .gz); unset: the nearest {@code models/demo}, else
     *     {@code models/tokenizers/qwen3}, in the working directory or one of its parents (the retrieval-service's
     *     rule, so both name the same tokenizer)
     * @param id the model id; unset: the directory's name
     */
    public record Model(Path dir, String id) {
        public Model {
            dir = dir == null || dir.toString().isBlank() ? null : dir;
            id = id == null || id.isBlank() ? null : id.strip();
        }
    }

    /**
     * The retrieval-service's internal API.
     *
     * @param readTimeout a search embeds the question and ranks the index: milliseconds, so seconds mean trouble
     */
    public record Retrieval(@DefaultValue("http://127.0.0.1:8081") URI baseUrl,
                            @DefaultValue("1s") Duration connectTimeout,
                            @DefaultValue("5s") Duration readTimeout) {
    }

    /**
     * Limits and defaults of {@code /v1/query} and {@code /v1/chat/completions}.
     *
     * @param maxQuestionChars the retrieval-service refuses longer queries, so this must not exceed its limit
     * @param defaultMode a fusion plan spec ({@code FusionPlan.parse}), used when a request names none
     * @param snippetChars how much of a source chunk's text a response shows
     */
    public record Query(@DefaultValue("6") int defaultK,
                        @DefaultValue("32") int maxK,
                        @DefaultValue("2000") int maxQuestionChars,
                        @DefaultValue("cacheblend:ratio=0.15,check_layer=1") String defaultMode,
                        @DefaultValue("64") int defaultMaxTokens,
                        @DefaultValue("512") int maxMaxTokens,
                        @DefaultValue("1000") int maxDocumentIds,
                        @DefaultValue("240") int snippetChars) {
    }

    /**
     * The path to the workers: requests on Kafka, results from a Redis stream per request.
     *
     * @param timeout how long a query waits for its answer; also the request's deadline, after which a worker
     *     drops it
     * @param resultBlock how long one {@code XREAD BLOCK} waits; the Redis command timeout is raised above it
     * @param resultConnections Redis connections reserved for waiting on results: a blocked {@code XREAD} holds
     *     its connection, so this bounds concurrent queries together with the inference bulkhead
     * @param sendTimeout how long publishing a request may take before the query fails as unavailable
     */
    public record Inference(@DefaultValue("60s") Duration timeout,
                            @DefaultValue("1s") Duration resultBlock,
                            @DefaultValue("64") int resultConnections,
                            @DefaultValue("5s") Duration sendTimeout) {
    }

    /**
     * Limits of {@code /v1/documents}.
     *
     * @param maxDocumentSize the UTF-8 size of one document's text; a Kafka record must stay under the broker's
     *     1 MB message limit together with its title and metadata
     * @param maxRequestSize a request body larger than this is refused before it is parsed
     * @param pendingTtl how long an accepted document counts as pending while the retrieval-service chunks it
     */
    public record Documents(@DefaultValue("100") int maxPerRequest,
                            @DefaultValue("512KB") DataSize maxDocumentSize,
                            @DefaultValue("8MB") DataSize maxRequestSize,
                            @DefaultValue("10m") Duration pendingTtl) {
    }
}
