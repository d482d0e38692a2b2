package dev.kvrag.engine.kv;

/**
 * CacheBlend's score on the host: how far freshly computed values are from the cached ones, per token, summed over
 * KV heads and dims in one order (so that the CPU backend's check layer and gradual filtering's second layer rank
 * equal deviations alike).
 */
public final class ValueDeviations {

  private ValueDeviations() {
  }

  /**
   * For the first {@code count} rows of {@code fresh} ({@code [row][kv head][dim]}), row {@code t} against
   * {@code cached} at slot {@code slots[t]}: {@code Σ_{kv head, dim} (fresh − cached)²}, in double.
   */
  public static double[] of(float[] fresh, LayerKv cached, int[] slots, int count) {
    int heads = cached.kvHeads();
    int dim = cached.headDim();
    float[][] values = new float[heads][];
    for (int g = 0; g < heads; g++) {
      values[g] = cached.values(g);
    }
    double[] dev = new double[count];
    for (int t = 0; t < count; t++) {
      double sum = 0;
      for (int g = 0; g < heads; g++) {
        int fo = (t * heads + g) * dim;
        int co = slots[t] * dim;
        for (int d = 0; d < dim; d++) {
          double diff = (double) fresh[fo + d] - values[g][co + d];
          sum += diff * diff;
        }
      }
      dev[t] = sum;
    }
    return dev;
  }
}
