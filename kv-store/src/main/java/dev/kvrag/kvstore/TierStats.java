package dev.kvrag.kvstore;

/**
 * One tier's share of {@link KvStoreStats}.
 *
 * @param bytes blob bytes held now
 * @param capacityBytes the tier's byte budget
 * @param protectedBytes bytes in the protected segment (segmented LRU); 0 where a tier has no segments
 * @param hits lookups this tier answered
 * @param hitTokens their tokens
 * @param bytesRead blob bytes served by those hits
 */
public record TierStats(long bytes, long entries, long capacityBytes, long protectedBytes, long hits,
                        long hitTokens, long bytesRead) {

    public static final TierStats EMPTY = new TierStats(0, 0, 0, 0, 0, 0, 0);
}
