package dev.kvrag.gateway.domain;

/**
 * One chunk the retrieval-service ranked for a question.
 *
 * @param ordinal the chunk's position in its document (0 for the first)
 * @param tokenIds the ids of the chunk's prompt segment, exactly as the {@code chunks} topic carries them: what the
 *     worker prefills (or finds cached under)
 */
public record ChunkHit(String chunkId, String documentId, int ordinal, double score, String text, int[] tokenIds) {
}
