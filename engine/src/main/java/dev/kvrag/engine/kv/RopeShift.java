package dev.kvrag.engine.kv;

/**
 * Moves stored keys to other positions: RoPE rotates each pair {@code (x_i, x_{i+d/2})} of a head by the angle
 * {@code p · inv_freq_i}, and rotations compose, {@code R(p + δ) = R(δ) · R(p)}, so a key computed at position
 * {@code p} becomes the key at {@code p + δ} by one more rotation of {@code δ · inv_freq_i} per pair. Exact for
 * plain and Llama-3-scaled RoPE alike (the scaling only changes {@code inv_freq}). V carries no position.
 *
 * <p>The angles are formed in double ({@code δ · inv_freq_i} with the model's fp32 {@code inv_freq}), so the
 * shift adds one fp32 rounding per element and nothing that grows with {@code δ}.
 */
public final class RopeShift {

  private final float[] inverseFrequencies;

  /** @param inverseFrequencies the model's {@code inv_freq} ({@code head_dim / 2} values) */
  public RopeShift(float[] inverseFrequencies) {
    this.inverseFrequencies = inverseFrequencies.clone();
  }

  /** Rotates the keys of slots {@code [from, from + count)} of every layer of {@code cache} by {@code delta}. */
  public void shift(KvCache cache, int from, int count, int delta) {
    for (int l = 0; l < cache.layers(); l++) {
      shift(cache.layer(l), from, count, delta);
    }
  }

  /** Rotates the keys of slots {@code [from, from + count)} of {@code layer} by {@code delta}. */
  public void shift(LayerKv layer, int from, int count, int delta) {
    if (delta == 0 || count == 0) {
      return;
    }
    int half = inverseFrequencies.length;
    float[] cos = new float[half];
    float[] sin = new float[half];
    for (int i = 0; i < half; i++) {
      double angle = delta * (double) inverseFrequencies[i];
      cos[i] = (float) Math.cos(angle);
      sin[i] = (float) Math.sin(angle);
    }
    layer.rotateKeys(from, count, cos, sin);
  }

  /** A copy of {@code chunk} with its keys moved to start at position {@code newBase}. */
  public ChunkKv moved(ChunkKv chunk, int newBase) {
    KvCache src = chunk.kv();
    LayerKv first = src.layer(0);
    KvCache copy = new KvCache(src.layers(), first.kvHeads(), first.headDim(), chunk.length());
    copy.copyFrom(src, 0, 0, chunk.length());
    shift(copy, 0, chunk.length(), newBase - chunk.basePosition());
    return new ChunkKv(chunk.modelId(), newBase, chunk.tokenIds(), copy);
  }
}
