package dev.kvrag.inference;

import dev.kvrag.engine.compress.FusionPlan;
import dev.kvrag.inference.domain.KvEncoding;
import dev.kvrag.service.health.KafkaHealthTimeout;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code kvrag.inference.*}; the one place this service reads its own configuration (the engine's
 * backend choice is {@code kvrag.engine.*}, {@link EngineProperties}).
 *
 * @param kafkaHealthTimeout how long the Kafka health check waits for the cluster before it reports DOWN;
 *     readiness polls it, so it must stay well below the probe's own timeout
 * @param modelDir the served model (config.json, safetensors, tokenizer.json); unset: the nearest
 *     {@code models/demo} from the working directory up, else start-up fails naming this property
 * @param modelId the model id requests and chunk events must name; unset: the directory's name
 * @param threads the engine's compute threads; 0 for one per available processor
 * @param defaultMode the fusion plan ({@code FusionPlan.parse}) of a request that names none
 * @param kvEncoding how computed chunk KV is stored: f32, f16, bf16 or int8
 * @param localTierSize the in-process hot tier's byte capacity
 * @param keyNamespace prefix of the chunk-KV store's Redis keys; must be the cache-service's (empty in production)
 * @param maxPromptTokens the longest prompt (prefix, chunks, question) a request may have
 * @param maxNewTokens the largest {@code maxTokens} a request may ask for
 * @param workerId this worker's name in kv-events; empty for {@code inference@<host>:<pid>}
 * @param redisTimeout command timeout of the worker's Redis connections
 * @param residencyReportInterval how often the worker re-announces what its local tier holds (the cache-service
 *     forgets a worker it has not heard from in {@code kvrag.cache.residency-idle-timeout}, 15 min)
 * @param claimLease how long a worker's claim on a request lasts unless renewed; renewed every third of it while the
 *     worker answers. A worker that dies holding a claim delays its request's redelivery by at most this much, so
 *     it must sit well below the gateway's inference timeout (60 s), and well above the Redis timeout (one slow
 *     renewal must not lose a claim)
 */
@ConfigurationProperties("kvrag.inference")
public record InferenceProperties(
        @DefaultValue("2s") Duration kafkaHealthTimeout,
        Path modelDir,
        String modelId,
        @DefaultValue("0") int threads,
        @DefaultValue("cacheblend:ratio=0.15,check_layer=1") String defaultMode,
        @DefaultValue("f16") String kvEncoding,
        @DefaultValue("256MB") DataSize localTierSize,
        @DefaultValue("") String keyNamespace,
        @DefaultValue("8192") int maxPromptTokens,
        @DefaultValue("512") int maxNewTokens,
        @DefaultValue("") String workerId,
        @DefaultValue("5s") Duration redisTimeout,
        @DefaultValue("5m") Duration residencyReportInterval,
        @DefaultValue("30s") Duration claimLease) implements KafkaHealthTimeout {

    public InferenceProperties {
        modelDir = modelDir == null || modelDir.toString().isBlank() ? null : modelDir;
        modelId = modelId == null || modelId.isBlank() ? null : modelId.strip();
        if (threads < 0) {
            throw new IllegalArgumentException("kvrag.inference.threads must be >= 0 (0: one per processor), got "
                    + threads);
        }
        if (localTierSize.toBytes() <= 0) {
            throw new IllegalArgumentException("kvrag.inference.local-tier-size must be positive, got "
                    + localTierSize);
        }
        if (claimLease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("kvrag.inference.claim-lease must be at least 1s (it is renewed every "
                    + "third of it), got " + claimLease);
        }
        if (maxPromptTokens < 1 || maxNewTokens < 1) {
            throw new IllegalArgumentException("kvrag.inference.max-prompt-tokens and max-new-tokens must be positive");
        }
        try {
            FusionPlan.parse(defaultMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kvrag.inference.default-mode '" + defaultMode + "': " + e.getMessage());
        }
        try {
            KvEncoding.parse(kvEncoding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kvrag.inference.kv-encoding: " + e.getMessage());
        }
    }

    public FusionPlan defaultPlan() {
        return FusionPlan.parse(defaultMode);
    }

    public KvEncoding storage() {
        return KvEncoding.parse(kvEncoding);
    }

    public int engineThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
