package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.Activations;

/**
 * A layer's attention inputs for {@code n} tokens, ready for the cache: {@code q[n][heads][headDim]},
 * {@code k} and {@code v} as {@code [n][kvHeads][headDim]}; q and k are RoPE-rotated (and, for Qwen3,
 * RMS-normalised per head), v is the raw projection. CacheBlend compares these fresh values with cached ones
 * before deciding which tokens to recompute.
 */
public record Qkv(int n, Activations q, Activations k, Activations v) {
}
