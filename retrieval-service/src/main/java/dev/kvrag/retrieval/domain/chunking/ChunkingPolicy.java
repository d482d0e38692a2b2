package dev.kvrag.retrieval.domain.chunking;

/**
 * How big chunks are. Sizes count the ids of a chunk's prompt segment (text plus separator): what a model
 * prefills for it, and so the size of its KV.
 *
 * <p>Overlap defaults to none: a chunk is a KV unit, and when neighbouring chunks of a document are retrieved
 * together they are placed side by side in document order, so repeated sentences would only be read twice;
 * references across the boundary are what CacheBlend's recompute is for.
 *
 * @param maxTokens upper bound of a chunk's segment ids; chunks are packed up to it
 * @param overlapTokens the whole trailing sentences of a chunk, up to this many tokens, open the next one too
 */
public record ChunkingPolicy(int maxTokens, int overlapTokens) {

    public static final ChunkingPolicy DEFAULT = new ChunkingPolicy(256, 0);

    /** Below this a chunk cannot hold a sentence plus its separator on any real tokenizer. */
    public static final int MIN_TOKENS = 16;

    public ChunkingPolicy {
        if (maxTokens < MIN_TOKENS) {
            throw new IllegalArgumentException("chunk size must be at least " + MIN_TOKENS + " tokens, got " + maxTokens);
        }
        if (overlapTokens < 0 || overlapTokens > maxTokens / 2) {
            throw new IllegalArgumentException("chunk overlap must be between 0 and half the chunk size ("
                    + maxTokens / 2 + " tokens), got " + overlapTokens);
        }
    }

    /** Goes into every chunk event: a different version means different boundaries for the same text. */
    public String version() {
        return Chunker.ALGORITHM + "/" + maxTokens + "/" + overlapTokens;
    }
}
