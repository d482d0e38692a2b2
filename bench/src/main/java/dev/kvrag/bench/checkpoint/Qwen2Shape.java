package dev.kvrag.bench.checkpoint;

/**
 * The hyper-parameters of a {@code Qwen2ForCausalLM} checkpoint: what config.json says and what fixes
 * every tensor's shape. Qwen2 has q/k/v biases and, at the small sizes, tied input/output embeddings.
 */
public record Qwen2Shape(
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int intermediateSize,
        int vocabSize,
        int maxPositions,
        double ropeTheta,
        double rmsNormEps,
        int bosTokenId,
        int eosTokenId) {

    public Qwen2Shape {
        if (hiddenSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || intermediateSize <= 0
                || vocabSize <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("every size of a Qwen2 shape must be positive");
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of " + heads + " heads");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads cannot be grouped over " + kvHeads + " kv heads");
        }
        if (bosTokenId >= vocabSize || eosTokenId >= vocabSize) {
            throw new IllegalArgumentException("bos/eos token ids must lie inside the vocabulary of " + vocabSize);
        }
    }

    /** Qwen2.5-0.5B, as in its config.json: 494,032,768 parameters, 0.99 GB in bf16. */
    public static Qwen2Shape qwen25HalfB() {
        return new Qwen2Shape(896, 24, 14, 2, 4864, 151936, 32768, 1_000_000.0, 1e-6, 151643, 151643);
    }

    /** Qwen2 config.json has no head_dim: it is hidden / heads (64 for Qwen2.5-0.5B). */
    public int headDim() {
        return hiddenSize / heads;
    }

    public int kvDim() {
        return kvHeads * headDim();
    }
}
