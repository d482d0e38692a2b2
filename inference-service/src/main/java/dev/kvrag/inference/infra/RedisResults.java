package dev.kvrag.inference.infra;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.Topics;
import dev.kvrag.inference.domain.Results;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Results on the request's Redis stream ({@code XADD kvrag:results:<id> MAXLEN ~ 10000 * type … data …}), which
 * expires {@link InferenceResult#STREAM_TTL_SECONDS} after its first and again after its last entry; the
 * {@code done} summary also goes to Kafka {@code inference-results}, keyed by request id, for audit and metrics
 * consumers. Why a stream per request and not a shared topic: docs/ARCHITECTURE.md, inference-service.
 *
 * <p>Token entries are pipelined: the decode loop hands each to the connection and goes on (a round trip per token
 * would sit inside the engine's time to first token and decode time); the final entry is written after every token
 * of the request was acknowledged, so a failed token write fails the request as a synchronous write would, and the
 * stream's order is the connection's (one connection, commands in order). Entries carry the attempt that wrote
 * them; which attempt a reader follows is the reader's business ({@link InferenceResult#attempt()}).
 */
final class RedisResults implements Results {

    private static final Logger log = LoggerFactory.getLogger(RedisResults.class);
    private static final XAddArgs TRIMMED = new XAddArgs().maxlen(InferenceResult.STREAM_MAX_LENGTH)
            .approximateTrimming();

    private final RedisCommands<String, String> redis;
    private final RedisAsyncCommands<String, String> pipelined;
    private final Duration timeout;
    private final KafkaTemplate<String, byte[]> kafka;
    /** Token writes not yet known to have succeeded, per request. */
    private final Map<String, List<RedisFuture<?>>> unacknowledged = new ConcurrentHashMap<>();

    RedisResults(StatefulRedisConnection<String, String> connection, KafkaTemplate<String, byte[]> kafka) {
        this.redis = connection.sync();
        this.pipelined = connection.async();
        this.timeout = connection.getTimeout();
        this.kafka = kafka;
    }

    @Override
    public void token(String requestId, InferenceResult.Token token) {
        String key = InferenceResult.streamKey(requestId);
        List<RedisFuture<?>> writes = unacknowledged.computeIfAbsent(requestId, id -> new ArrayList<>());
        writes.add(pipelined.xadd(key, TRIMMED, "type", token.type(), "data", json(token)));
        if (token.index() == 0) {
            writes.add(pipelined.expire(key, InferenceResult.STREAM_TTL_SECONDS));
        }
    }

    @Override
    public void done(InferenceResult.Done done) {
        append(done.requestId(), done);
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
        append(requestId, failure);
    }

    @Override
    public void abandon(String requestId) {
        // Their failures no longer matter: the later attempt writes its own entries.
        unacknowledged.remove(requestId);
    }

    /** The request's final entry, once its tokens are acknowledged (a failed token write throws here). */
    private void append(String requestId, InferenceResult entry) {
        List<RedisFuture<?>> writes = unacknowledged.remove(requestId);
        if (writes != null) {
            for (RedisFuture<?> write : writes) {
                LettuceFutures.awaitOrCancel(write, timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        String key = InferenceResult.streamKey(requestId);
        redis.xadd(key, TRIMMED, "type", entry.type(), "data", json(entry));
        redis.expire(key, InferenceResult.STREAM_TTL_SECONDS);
    }

    private static String json(InferenceResult entry) {
        return new String(entry.toJson(), StandardCharsets.UTF_8);
    }
}
