package dev.kvrag.common.events;

/**
 * Where a chunk's KV is held. {@code LOCAL}: a worker's in-process hot tier (one per worker, bounded by bytes);
 * {@code REDIS}: the shared store every worker reads and writes. {@code wireName} is the name in events,
 * metrics labels and the REST API.
 */
public enum KvTier {
    LOCAL("local"),
    REDIS("redis");

    private final String wireName;

    KvTier(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static KvTier ofWireName(String name) {
        for (KvTier t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown KV tier '" + name + "' (known: local, redis)");
    }
}
