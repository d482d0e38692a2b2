package dev.kvrag.kvstore.redis;

/**
 * How the Redis tier picks what to evict when a put would exceed the byte budget.
 *
 * <ul>
 *   <li>{@code SLRU} (default), segmented LRU: a new entry starts in a probation segment; a read promotes it to a
 *       protected segment capped at a fraction of the budget, whose least recently used entries fall back to
 *       probation. Eviction takes probation's least recently used entry first. A chunk of a popular document,
 *       read again and again, sits in protected; a flood of chunks retrieved once by one-off questions only churns
 *       probation and cannot flush it (the failure LMCache#4663 describes: warm document chunks LRU-evicted
 *       within 60–90 novel RAG queries).</li>
 *   <li>{@code LRU}: least recently used first, one segment; what a pure recency cache does.</li>
 * </ul>
 *
 * Not LFU: frequency counts never forget, so yesterday's popular chunks would outlive today's; SLRU needs one
 * re-read to earn protection and loses it by recency, which is what a changing corpus needs.
 */
public enum EvictionPolicy {
    LRU("lru"),
    SLRU("slru");

    private final String wireName;

    EvictionPolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static EvictionPolicy parse(String name) {
        for (EvictionPolicy p : values()) {
            if (p.wireName.equalsIgnoreCase(name == null ? "" : name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown eviction policy '" + name + "' (known: lru, slru)");
    }
}
