package dev.kvrag.inference.infra;

import dev.kvrag.inference.domain.RequestLedger;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code kvrag:request:<id>} holds the live claim's owner token with the lease as its TTL ({@code PX}), then
 * {@code done} for {@link #DONE_TTL_SECONDS}; {@code kvrag:request:<id>:attempts} counts the claims the request has
 * had. Every command is a Lua script, so that checking whose claim the key holds and changing it are one step: a
 * worker whose claim lapsed and was taken over finds another token there and changes nothing. Claiming and counting
 * are one step too, so attempt numbers follow the order of the claims. (The two keys are one request's: a Redis
 * Cluster would need them in one hash slot; the platform runs one Redis.)
 */
final class RedisRequestLedger implements RequestLedger {

    static final String PREFIX = "kvrag:request:";
    /** How long an answered request stays marked: as long as its result stream lives. */
    static final long DONE_TTL_SECONDS = 600;

    /** KEYS: claim, attempts; ARGV: owner, lease ms, attempts TTL s. The new attempt's number, or 0. */
    private static final String CLAIM = """
            if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
            local attempt = redis.call('INCR', KEYS[2])
            redis.call('EXPIRE', KEYS[2], ARGV[3])
            return attempt""";
    /** KEYS: claim; ARGV: owner, lease ms. 1 when extended. */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])""";
    /** KEYS: claim; ARGV: owner, done TTL s. 1 when marked: the claim was this owner's, or nobody's. */
    private static final String COMPLETE = """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], 'done', 'EX', ARGV[2])
            return 1""";
    /** KEYS: claim; ARGV: owner. 1 when deleted. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('DEL', KEYS[1])""";

    private final RedisCommands<String, String> redis;
    private final Duration lease;

    RedisRequestLedger(RedisCommands<String, String> redis, Duration lease) {
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("a claim lease must be at least 1 ms, got " + lease);
        }
        this.redis = redis;
        this.lease = lease;
    }

    private static String key(String requestId) {
        return PREFIX + requestId;
    }

    private static String attemptsKey(String requestId) {
        return key(requestId) + ":attempts";
    }

    @Override
    public Duration lease() {
        return lease;
    }

    @Override
    public Optional<Claim> claim(String requestId) {
        String owner = UUID.randomUUID().toString();
        long attempt = run(CLAIM, new String[] {key(requestId), attemptsKey(requestId)}, owner, leaseMs(),
                Long.toString(DONE_TTL_SECONDS));
        return attempt == 0 ? Optional.empty() : Optional.of(new Claim(requestId, owner, (int) attempt));
    }

    @Override
    public boolean renew(Claim claim) {
        return run(RENEW, new String[] {key(claim.requestId())}, claim.owner(), leaseMs()) == 1;
    }

    @Override
    public boolean complete(Claim claim) {
        return run(COMPLETE, new String[] {key(claim.requestId())}, claim.owner(), Long.toString(DONE_TTL_SECONDS))
                == 1;
    }

    @Override
    public boolean release(Claim claim) {
        return run(RELEASE, new String[] {key(claim.requestId())}, claim.owner()) == 1;
    }

    @Override
    public boolean answered(String requestId) {
        return "done".equals(redis.get(key(requestId)));
    }

    private String leaseMs() {
        return Long.toString(lease.toMillis());
    }

    private long run(String script, String[] keys, String... args) {
        Long result = redis.eval(script, ScriptOutputType.INTEGER, keys, args);
        return result == null ? 0 : result;
    }
}
