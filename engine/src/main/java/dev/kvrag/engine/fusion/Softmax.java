package dev.kvrag.engine.fusion;

import dev.kvrag.engine.kv.LayerKv;

/**
 * Attention distributions in double for SnapKV's scores (the backend computes outputs, not probabilities): the
 * raw dot products {@code q·k} of one query head against slots {@code [0, end)}, from which a mode forms its
 * softmax over one or more slot ranges at their own scales.
 */
final class Softmax {

  private final double[] dots;

  /** {@code q·k} of query head {@code h} of row {@code row} of {@code q[rows][heads][headDim]}, kv head {@code g}. */
  Softmax(float[] q, int row, int h, int heads, LayerKv kv, int g, int end) {
    int hd = kv.headDim();
    int qo = (row * heads + h) * hd;
    float[] k = kv.keys(g);
    dots = new double[end];
    for (int s = 0; s < end; s++) {
      int ko = s * hd;
      double d = 0;
      for (int i = 0; i < hd; i++) {
        d += (double) q[qo + i] * k[ko + i];
      }
      dots[s] = d;
    }
  }

  /** {@code log Σ_{s in [from, to)} exp(scale · q·k_s)}; −∞ for an empty range. */
  double lse(int from, int to, double scale) {
    double max = Double.NEGATIVE_INFINITY;
    for (int s = from; s < to; s++) {
      max = Math.max(max, scale * dots[s]);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (int s = from; s < to; s++) {
      sum += Math.exp(scale * dots[s] - max);
    }
    return max + Math.log(sum);
  }

  /** {@code p[s] += weight · exp(scale · q·k_s − lse)} over {@code [from, to)}. */
  void add(int from, int to, double scale, double lse, double[] p, double weight) {
    if (lse == Double.NEGATIVE_INFINITY || weight == 0) {
      return;
    }
    for (int s = from; s < to; s++) {
      p[s] += weight * Math.exp(scale * dots[s] - lse);
    }
  }
}
