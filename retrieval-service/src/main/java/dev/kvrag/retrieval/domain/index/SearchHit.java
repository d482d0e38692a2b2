package dev.kvrag.retrieval.domain.index;

/**
 * One ranked chunk.
 *
 * @param score the mode's own score: fused reciprocal-rank score (hybrid), BM25, or (1 + cosine) / 2 (vector)
 * @param tokenIds the ids of the chunk's prompt segment, as published on the chunk log
 */
public record SearchHit(String chunkId, String documentId, int ordinal, double score, String text, int[] tokenIds) {
}
