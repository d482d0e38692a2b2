package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.Weight;

/**
 * One decoder layer's parameters. Matrices stay memory-mapped in their stored dtype; the small vectors
 * (norm weights, biases) are widened to fp32 once. Absent biases and q/k norms are null.
 */
public record LayerWeights(
    float[] inputNorm,
    Weight q, float[] qBias,
    Weight k, float[] kBias,
    Weight v, float[] vBias,
    Weight o, float[] oBias,
    float[] qNorm,
    float[] kNorm,
    float[] postAttentionNorm,
    Weight gate, float[] gateBias,
    Weight up, float[] upBias,
    Weight down, float[] downBias) {
}
