package dev.kvrag.inference.domain;

import dev.kvrag.common.events.KvTier;

/** Chunk-KV blob bytes moved between this worker and the tiers: read by hits, written by puts. */
public record KvTraffic(long localRead, long redisRead, long localWritten, long redisWritten) {

    public static final KvTraffic NONE = new KvTraffic(0, 0, 0, 0);

    public static KvTraffic read(KvTier tier, long bytes) {
        return tier == KvTier.LOCAL ? new KvTraffic(bytes, 0, 0, 0) : new KvTraffic(0, bytes, 0, 0);
    }

    public static KvTraffic written(KvTier tier, long bytes) {
        return tier == KvTier.LOCAL ? new KvTraffic(0, 0, bytes, 0) : new KvTraffic(0, 0, 0, bytes);
    }

    public KvTraffic plus(KvTraffic o) {
        return new KvTraffic(localRead + o.localRead, redisRead + o.redisRead, localWritten + o.localWritten,
                redisWritten + o.redisWritten);
    }

    public long read(KvTier tier) {
        return tier == KvTier.LOCAL ? localRead : redisRead;
    }

    public long written(KvTier tier) {
        return tier == KvTier.LOCAL ? localWritten : redisWritten;
    }
}
