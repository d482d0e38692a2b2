package dev.kvrag.cache.infra;

import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.kvstore.KvStoreStats;
import dev.kvrag.kvstore.TierStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * The store-wide chunk-KV metrics on {@code /actuator/prometheus}, every series registered at start-up (zero until
 * something happens, so dashboards and alerts see them before the first query). Counters are the totals of all
 * workers and this service, kept in Redis; token hit rate = {@code sum(rate(kvrag_cache_hit_tokens_total)) /
 * rate(kvrag_cache_lookup_tokens_total)}.
 */
@Component
class CacheMetrics implements MeterBinder {

    private final CachedStoreStats stats;
    private final WorkerResidency residency;

    CacheMetrics(CachedStoreStats stats, WorkerResidency residency) {
        this.stats = stats;
        this.residency = residency;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (KvTier tier : KvTier.values()) {
            String t = tier.wireName();
            counter("kvrag.cache.hits", "Chunk lookups answered by the tier", s -> tier(s, tier).hits())
                    .tag("tier", t).register(registry);
            counter("kvrag.cache.hit.tokens", "Tokens of the chunk lookups answered by the tier",
                    s -> tier(s, tier).hitTokens()).tag("tier", t).register(registry);
            counter("kvrag.kv.bytes.read", "Blob bytes served by the tier's hits",
                    s -> tier(s, tier).bytesRead()).tag("tier", t).register(registry);
        }
        counter("kvrag.cache.lookups", "Chunk lookups", KvStoreStats::lookups).register(registry);
        counter("kvrag.cache.lookup.tokens", "Tokens of the chunk lookups", KvStoreStats::lookupTokens)
                .register(registry);
        counter("kvrag.cache.misses", "Chunk lookups no tier answered", KvStoreStats::misses)
                .register(registry);
        counter("kvrag.cache.miss.tokens", "Tokens of the chunk lookups no tier answered",
                KvStoreStats::missTokens).register(registry);
        counter("kvrag.cache.corrupt", "Blobs that failed their checksum or header check when read",
                KvStoreStats::corrupt).register(registry);
        counter("kvrag.kv.bytes.written", "Blob bytes stored in the Redis tier", KvStoreStats::bytesWritten)
                .register(registry);
        for (KvRemovalReason reason : KvRemovalReason.values()) {
            counter("kvrag.cache.evictions", "Entries removed from the Redis tier, by reason",
                    s -> s.removals().get(reason)).tag("reason", reason.wireName()).register(registry);
        }
        Gauge.builder("kvrag.kv.bytes", stats, c -> tier(c.get(), KvTier.REDIS).bytes())
                .description("Blob bytes held by the tier").tag("tier", KvTier.REDIS.wireName()).register(registry);
        Gauge.builder("kvrag.kv.bytes", residency, WorkerResidency::bytes)
                .description("Blob bytes held by the tier").tag("tier", KvTier.LOCAL.wireName()).register(registry);
        Gauge.builder("kvrag.kv.entries", stats, c -> tier(c.get(), KvTier.REDIS).entries())
                .description("Chunk entries held by the tier").tag("tier", KvTier.REDIS.wireName())
                .register(registry);
        Gauge.builder("kvrag.kv.entries", residency, WorkerResidency::entries)
                .description("Chunk entries held by the tier").tag("tier", KvTier.LOCAL.wireName())
                .register(registry);
        Gauge.builder("kvrag.kv.budget.bytes", stats, c -> tier(c.get(), KvTier.REDIS).capacityBytes())
                .description("The Redis tier's byte budget").register(registry);
    }

    private FunctionCounter.Builder<CachedStoreStats> counter(String name, String help,
                                                              ToDoubleFunction<KvStoreStats> value) {
        return FunctionCounter.builder(name, stats, c -> value.applyAsDouble(c.get())).description(help);
    }

    private static TierStats tier(KvStoreStats s, KvTier tier) {
        return s.tier(tier);
    }
}
