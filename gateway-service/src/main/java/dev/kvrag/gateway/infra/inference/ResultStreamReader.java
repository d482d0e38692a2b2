package dev.kvrag.gateway.infra.inference;

import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.query.PartialAnswer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.support.AsyncConnectionPoolSupport;
import io.lettuce.core.support.BoundedAsyncPool;
import io.lettuce.core.support.BoundedPoolConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Reads a request's result stream ({@code kvrag:results:<requestId>}) from id 0 with {@code XREAD BLOCK} until the
 * {@code done} or {@code error} entry of the attempt it follows ({@link LatestAttempt}: a worker that took the request
 * over restarts the answer). A blocked {@code XREAD} holds its connection, so each waiting request has one from a
 * bounded pool; reading from 0 means a request whose answer was written before the first read (or whose connection
 * dropped) loses nothing.
 */
public final class ResultStreamReader implements AutoCloseable {

    /** Entries read per round trip: a whole short answer, or a burst of tokens. */
    private static final int BATCH = 256;

    private final BoundedAsyncPool<StatefulRedisConnection<String, String>> pool;
    private final Duration block;

    /**
     * @param client a client with a default URI (Spring's {@code LettuceConnectionFactory} native client)
     * @param connections the pool's bound: at most this many requests wait at once
     * @param block how long one {@code XREAD} blocks; the connections' command timeout is raised above it
     */
    public ResultStreamReader(RedisClient client, int connections, Duration block) {
        this.block = block;
        Duration commandTimeout = block.plusSeconds(2);
        this.pool = AsyncConnectionPoolSupport.createBoundedObjectPool(() -> {
            try {
                StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
                c.setTimeout(commandTimeout);
                return CompletableFuture.completedFuture(c);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }, BoundedPoolConfig.builder().maxTotal(connections).maxIdle(connections).minIdle(0).build());
    }

    /**
     * Blocks until the stream's final entry or {@code deadlineMs}.
     *
     * @param onPartial each piece of the followed attempt, in order, and a restart when a later attempt voids the
     *     pieces passed on so far
     * @throws Problem the worker's refusal (its 4xx), 502 for a worker failure or an unreadable entry, 503 when Redis
     *     cannot be read, 504 at the deadline
     */
    public InferenceResult.Done await(String requestId, long deadlineMs, Consumer<PartialAnswer> onPartial) {
        String key = InferenceResult.streamKey(requestId);
        LatestAttempt attempts = new LatestAttempt(onPartial);
        StatefulRedisConnection<String, String> connection = acquire();
        try {
            String last = "0-0";
            while (true) {
                long remaining = deadlineMs - System.currentTimeMillis();
                if (remaining <= 0) {
                    throw new Problem(504, "inference-timeout", "No answer in time", "no inference worker answered"
                            + " request " + requestId + " before its deadline; are inference workers running?", null);
                }
                List<StreamMessage<String, String>> entries = connection.sync().xread(
                        XReadArgs.Builder.block(Math.min(remaining, block.toMillis())).count(BATCH),
                        XReadArgs.StreamOffset.from(key, last));
                for (StreamMessage<String, String> entry : entries) {
                    last = entry.getId();
                    switch (attempts.accept(read(requestId, entry)).orElse(null)) {
                        case InferenceResult.Done done -> {
                            return done;
                        }
                        case InferenceResult.Failure failure -> throw problem(failure);
                        case null, default -> { }
                    }
                }
            }
        } catch (RedisException e) {
            throw unavailable(e);
        } finally {
            pool.release(connection);
        }
    }

    private static InferenceResult read(String requestId, StreamMessage<String, String> entry) {
        try {
            return InferenceResult.fromEntry(entry.getBody().get("type"), entry.getBody().get("data"));
        } catch (EventFormatException e) {
            throw new Problem(502, "inference-result-unreadable", "Unreadable answer", "entry " + entry.getId()
                    + " of the result stream of request " + requestId + " cannot be read: " + e.getMessage(), null);
        }
    }

    /** The worker's 4xx is the request's fault and passes as it is; its 5xx is a bad gateway, except 503 and 504. */
    private static Problem problem(InferenceResult.Failure failure) {
        if (failure.isClientError()) {
            return new Problem(failure.status(), "inference-refused", failure.title(), failure.detail(), null);
        }
        int status = failure.status() == 503 || failure.status() == 504 ? failure.status() : 502;
        return new Problem(status, "inference-failed", failure.title(), "the inference worker failed: "
                + failure.detail(), status == 503 ? Duration.ofSeconds(2) : null);
    }

    private StatefulRedisConnection<String, String> acquire() {
        try {
            return pool.acquire().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(e);
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        }
    }

    private static Problem unavailable(Throwable cause) {
        return Problem.unavailable("results-unavailable", "Answers cannot be read", "the gateway cannot read answers"
                + " from Redis: " + cause.getMessage(), Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        pool.close();
    }
}
