package dev.kvrag.inference.infra;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.Topics;
import dev.kvrag.inference.domain.Results;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Results on the request's Redis stream ({@code XADD kvrag:results:<id> MAXLEN ~ 10000 * type … data …}), which
 * expires {@link InferenceResult#STREAM_TTL_SECONDS} after its first and again after its last entry; the
 * {@code done} summary also goes to Kafka {@code inference-results}, keyed by request id, for audit and metrics
 * consumers. Why a stream per request and not a shared topic: docs/ARCHITECTURE.md, inference-service.
 */
final class RedisResults implements Results {

    private static final Logger log = LoggerFactory.getLogger(RedisResults.class);
    private static final XAddArgs TRIMMED = new XAddArgs().maxlen(InferenceResult.STREAM_MAX_LENGTH)
            .approximateTrimming();

    private final RedisCommands<String, String> redis;
    private final KafkaTemplate<String, byte[]> kafka;

    RedisResults(RedisCommands<String, String> redis, KafkaTemplate<String, byte[]> kafka) {
        this.redis = redis;
        this.kafka = kafka;
    }

    @Override
    public void token(String requestId, InferenceResult.Token token) {
        append(requestId, token, token.index() == 0);
    }

    @Override
    public void done(InferenceResult.Done done) {
        append(done.requestId(), done, true);
        // Audit only: the waiting gateway reads the stream, so a broker hiccup must not fail the answer.
        try {
            kafka.send(Topics.INFERENCE_RESULTS, done.requestId(), done.toJson()).whenComplete((sent, failure) -> {
                if (failure != null) {
                    unaudited(done, failure);
                }
            });
        } catch (RuntimeException e) {
            unaudited(done, e);
        }
    }

    private static void unaudited(InferenceResult.Done done, Throwable failure) {
        log.warn("could not publish the done summary of request {} to {}: {}", done.requestId(),
                Topics.INFERENCE_RESULTS, failure.getMessage());
    }

    @Override
    public void failed(String requestId, InferenceResult.Failure failure) {
        append(requestId, failure, true);
    }

    private void append(String requestId, InferenceResult entry, boolean expire) {
        String key = InferenceResult.streamKey(requestId);
        redis.xadd(key, TRIMMED, "type", entry.type(), "data", new String(entry.toJson(), StandardCharsets.UTF_8));
        if (expire) {
            redis.expire(key, InferenceResult.STREAM_TTL_SECONDS);
        }
    }
}
