package dev.kvrag.kvstore;

import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.KvTier;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** In-process lookup counters of one store (contended by every request thread, hence {@link LongAdder}s). */
public final class LookupCounters {

    private final LongAdder lookups = new LongAdder();
    private final LongAdder lookupTokens = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder missTokens = new LongAdder();
    private final LongAdder corrupt = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final Map<KvTier, LongAdder> hits = adders(KvTier.class);
    private final Map<KvTier, LongAdder> hitTokens = adders(KvTier.class);
    private final Map<KvTier, LongAdder> bytesRead = adders(KvTier.class);
    private final Map<KvRemovalReason, LongAdder> removals = adders(KvRemovalReason.class);

    public void hit(KvTier tier, int tokens, long bytes) {
        lookups.increment();
        lookupTokens.add(tokens);
        hits.get(tier).increment();
        hitTokens.get(tier).add(tokens);
        bytesRead.get(tier).add(bytes);
    }

    public void miss(int tokens) {
        lookups.increment();
        lookupTokens.add(tokens);
        misses.increment();
        missTokens.add(tokens);
    }

    public void corrupt() {
        corrupt.increment();
    }

    public void put(long bytes) {
        puts.increment();
        bytesWritten.add(bytes);
    }

    public void removed(KvRemovalReason reason) {
        removals.get(reason).increment();
    }

    /** The counters, with each tier's occupancy as the caller knows it ({@code occupancy} may lack tiers). */
    public KvStoreStats snapshot(Map<KvTier, TierStats> occupancy) {
        EnumMap<KvTier, TierStats> tiers = new EnumMap<>(KvTier.class);
        for (KvTier t : KvTier.values()) {
            TierStats o = occupancy.getOrDefault(t, TierStats.EMPTY);
            tiers.put(t, new TierStats(o.bytes(), o.entries(), o.capacityBytes(), o.protectedBytes(),
                    hits.get(t).sum(), hitTokens.get(t).sum(), bytesRead.get(t).sum()));
        }
        EnumMap<KvRemovalReason, Long> removed = new EnumMap<>(KvRemovalReason.class);
        removals.forEach((reason, n) -> removed.put(reason, n.sum()));
        return new KvStoreStats(tiers, lookups.sum(), lookupTokens.sum(), misses.sum(), missTokens.sum(),
                corrupt.sum(), removed, puts.sum(), bytesWritten.sum());
    }

    private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
        EnumMap<E, LongAdder> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, new LongAdder());
        }
        return map;
    }
}
