package dev.kvrag.common.events;

/**
 * Why a chunk's KV left a tier. Users of KV event streams ask for the reason (eviction is not invalidation):
 * a router that sees {@code BUDGET} may expect the chunk back soon, one that sees {@code DOCUMENT_DELETED}
 * should not.
 */
public enum KvRemovalReason {
    /** Pushed out to make room under the tier's byte budget. */
    BUDGET("budget"),
    /** Not read for longer than the idle TTL, so the blob expired (or otherwise vanished from Redis). */
    TTL("ttl"),
    /** Its document was deleted. */
    DOCUMENT_DELETED("document-deleted"),
    /** The blob failed its checksum or header check; it was never served. */
    CORRUPT("corrupt"),
    /** Deleted on request. */
    EXPLICIT("explicit");

    private final String wireName;

    KvRemovalReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static KvRemovalReason ofWireName(String name) {
        for (KvRemovalReason r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown KV removal reason '" + name
                + "' (known: budget, ttl, document-deleted, corrupt, explicit)");
    }
}
