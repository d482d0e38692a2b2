package dev.kvrag.inference.infra;

import dev.kvrag.inference.domain.RequestLedger;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * {@code kvrag:request:<id>}: {@code SET … processing NX EX 600} claims a request, {@code SET … done EX 600} marks
 * it answered. The claim outlives the result stream's reader: a redelivery within ten minutes does nothing.
 */
final class RedisRequestLedger implements RequestLedger {

    static final String PREFIX = "kvrag:request:";
    static final long TTL_SECONDS = 600;

    private final RedisCommands<String, String> redis;

    RedisRequestLedger(RedisCommands<String, String> redis) {
        this.redis = redis;
    }

    @Override
    public boolean claim(String requestId) {
        return "OK".equals(redis.set(PREFIX + requestId, "processing", SetArgs.Builder.nx().ex(TTL_SECONDS)));
    }

    @Override
    public void complete(String requestId) {
        redis.set(PREFIX + requestId, "done", SetArgs.Builder.ex(TTL_SECONDS));
    }
}
