package dev.kvrag.cache.api;

import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.TierStats;
import dev.kvrag.kvstore.redis.RedisKvSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/cache/stats}: the store-wide counters (every worker and this service) and each tier's occupancy.
 * The local tier's bytes and entries are the sum over the workers' reported residency; its hits are the ones the
 * workers have flushed to Redis so far.
 */
record StatsView(Policy policy, Map<String, Tier> tiers, long lookups, long lookupTokens, long hits, long hitTokens,
                 long misses, long missTokens, HitRate hitRate, long corrupt, Map<String, Long> removals, long puts,
                 long bytesWritten) {

    record Policy(long budgetBytes, String evictionPolicy, double protectedFraction, long idleTtlSeconds) {
    }

    record Tier(long bytes, long entries, long capacityBytes, long protectedBytes, long hits, long hitTokens,
                long bytesRead) {
    }

    /** Hits over lookups, in tokens and in chunks; 0 before the first lookup. */
    record HitRate(double tokens, double chunks) {
    }

    static StatsView of(KvStoreStats s, RedisKvSettings settings, WorkerResidency residency) {
        Map<String, Tier> tiers = new LinkedHashMap<>();
        TierStats redis = s.tier(KvTier.REDIS);
        tiers.put(KvTier.REDIS.wireName(), new Tier(redis.bytes(), redis.entries(), redis.capacityBytes(),
                redis.protectedBytes(), redis.hits(), redis.hitTokens(), redis.bytesRead()));
        TierStats local = s.tier(KvTier.LOCAL);
        tiers.put(KvTier.LOCAL.wireName(), new Tier(residency.bytes(), residency.entries(), 0, 0, local.hits(),
                local.hitTokens(), local.bytesRead()));
        Map<String, Long> removals = new LinkedHashMap<>();
        for (KvRemovalReason r : KvRemovalReason.values()) {
            removals.put(r.wireName(), s.removals().get(r));
        }
        return new StatsView(new Policy(settings.budgetBytes(), settings.policy().wireName(),
                settings.protectedFraction(), settings.idleTtl().toSeconds()), tiers, s.lookups(), s.lookupTokens(),
                s.hits(), s.hitTokens(), s.misses(), s.missTokens(), new HitRate(s.tokenHitRate(), s.chunkHitRate()),
                s.corrupt(), removals, s.puts(), s.bytesWritten());
    }
}
