package dev.kvrag.common.events;

/**
 * What happened to a chunk's KV. {@code EVICTED}: the store decided (budget, idle TTL, a corrupt blob);
 * {@code REMOVED}: someone asked (an explicit delete, a deleted document), so workers must drop their local
 * copies too. {@code RESIDENT_ON_WORKER} / {@code DROPPED_FROM_WORKER} report a worker's local tier, from which
 * the cache-service knows who holds what.
 */
public enum KvEventType {
    STORED("stored"),
    EVICTED("evicted"),
    REMOVED("removed"),
    RESIDENT_ON_WORKER("resident-on-worker"),
    DROPPED_FROM_WORKER("dropped-from-worker");

    private final String wireName;

    KvEventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True for the types that say a copy went away; they carry a {@link KvRemovalReason}. */
    public boolean isRemoval() {
        return this == EVICTED || this == REMOVED || this == DROPPED_FROM_WORKER;
    }

    public static KvEventType ofWireName(String name) {
        for (KvEventType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown KV event type '" + name
                + "' (known: stored, evicted, removed, resident-on-worker, dropped-from-worker)");
    }
}
