package dev.kvrag.kvstore;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of a store since it began, all monotonic, in chunk and in token units. A lookup is counted once, at
 * lookup time, as a hit of the first tier that answered or as a miss: hit rate = hit tokens / lookup tokens
 * (counting at retrieve time instead made LMCache's hit rate read 1.0, LMCache#1260).
 *
 * @param tiers every tier, {@link TierStats#EMPTY} where a store has nothing of it
 * @param corrupt blobs that failed their check on the way out (each also counted as a miss)
 * @param removals entries removed, by reason
 * @param bytesWritten blob bytes accepted by puts
 */
public record KvStoreStats(Map<KvTier, TierStats> tiers, long lookups, long lookupTokens, long misses,
                           long missTokens, long corrupt, Map<KvRemovalReason, Long> removals, long puts,
                           long bytesWritten) {

    public KvStoreStats {
        EnumMap<KvTier, TierStats> t = new EnumMap<>(KvTier.class);
        for (KvTier tier : KvTier.values()) {
            t.put(tier, tiers.getOrDefault(tier, TierStats.EMPTY));
        }
        tiers = Map.copyOf(t);
        EnumMap<KvRemovalReason, Long> r = new EnumMap<>(KvRemovalReason.class);
        for (KvRemovalReason reason : KvRemovalReason.values()) {
            r.put(reason, removals.getOrDefault(reason, 0L));
        }
        removals = Map.copyOf(r);
    }

    public TierStats tier(KvTier tier) {
        return tiers.get(tier);
    }

    public long hits() {
        return tiers.values().stream().mapToLong(TierStats::hits).sum();
    }

    public long hitTokens() {
        return tiers.values().stream().mapToLong(TierStats::hitTokens).sum();
    }

    /** Hit tokens over lookup tokens; 0 before the first lookup. */
    public double tokenHitRate() {
        return lookupTokens == 0 ? 0 : (double) hitTokens() / lookupTokens;
    }

    /** Hit chunks over looked-up chunks; 0 before the first lookup. */
    public double chunkHitRate() {
        return lookups == 0 ? 0 : (double) hits() / lookups;
    }
}
