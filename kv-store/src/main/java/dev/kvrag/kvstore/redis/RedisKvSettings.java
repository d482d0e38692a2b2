package dev.kvrag.kvstore.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * The Redis tier's policy, kept in Redis itself ({@code <ns>kvconfig}) so that every process writing the store
 * (the cache-service, every worker) evicts by the same budget; the cache-service writes it from
 * {@code kvrag.cache.*} at start-up.
 *
 * @param budgetBytes blob bytes the tier may hold (metadata, about 200 bytes an entry, is not counted)
 * @param protectedFraction the share of the budget the protected segment may hold under {@link EvictionPolicy#SLRU}
 * @param idleTtl an entry not read for this long expires; {@link Duration#ZERO} for never
 */
public record RedisKvSettings(long budgetBytes, EvictionPolicy policy, double protectedFraction, Duration idleTtl) {

    public RedisKvSettings {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(idleTtl, "idle TTL");
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the KV store's byte budget must be positive, got " + budgetBytes);
        }
        if (!(protectedFraction > 0 && protectedFraction < 1)) {
            throw new IllegalArgumentException("the protected fraction must lie strictly between 0 and 1, got "
                    + protectedFraction);
        }
        if (idleTtl.isNegative() || (!idleTtl.isZero() && idleTtl.toMillis() == 0)) {
            throw new IllegalArgumentException("the idle TTL must be zero (never) or at least 1 ms, got " + idleTtl);
        }
    }

    /** The protected segment's cap; 0 under plain LRU, where nothing is ever promoted. */
    public long protectedBytes() {
        return policy == EvictionPolicy.SLRU ? (long) Math.floor(budgetBytes * protectedFraction) : 0;
    }
}
