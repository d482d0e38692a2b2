package dev.kvrag.inference.domain;

import java.util.List;

/**
 * A request's prompt, ready to fuse: the prefix (system text), the chunks in prompt order, the question segment.
 * Chunk {@code i} sits at slots {@code [start(i), start(i) + length)} of the sequential layout.
 */
public record PromptPlan(int[] prefix, List<Chunk> chunks, int[] question) {

    /** One retrieved chunk in the prompt: its ids exactly as the chunks topic carried them. */
    public record Chunk(String chunkId, String documentId, int[] tokenIds) {
    }

    public PromptPlan {
        chunks = List.copyOf(chunks);
    }

    public List<int[]> chunkTokenIds() {
        return chunks.stream().map(Chunk::tokenIds).toList();
    }

    /** Prefix and chunk tokens: what fusion reuses or recomputes. */
    public int contextTokens() {
        int n = prefix.length;
        for (Chunk c : chunks) {
            n += c.tokenIds().length;
        }
        return n;
    }

    public int promptTokens() {
        return contextTokens() + question.length;
    }

    /** The first slot of chunk {@code i}. */
    public int start(int i) {
        int at = prefix.length;
        for (int j = 0; j < i; j++) {
            at += chunks.get(j).tokenIds().length;
        }
        return at;
    }
}
