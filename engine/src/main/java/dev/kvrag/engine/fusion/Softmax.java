package dev.kvrag.engine.fusion;

import dev.kvrag.engine.kv.LayerKv;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention distributions for SnapKV's scores (the backend computes outputs, not probabilities): the dot products
 * {@code q·k} of one query head against slots {@code [0, end)}, from which a mode forms its softmax over one or
 * more disjoint slot ranges at their own scales. Dots in fp32 (as the attention itself), exponentials and sums
 * in double; one exponential per slot.
 */
final class Softmax {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private final float[] dots;
  private final double[] within;

  /** {@code q·k} of query head {@code h} of row {@code row} of {@code q[rows][heads][headDim]}, kv head {@code g}. */
  Softmax(float[] q, int row, int h, int heads, LayerKv kv, int g, int end) {
    int hd = kv.headDim();
    int qo = (row * heads + h) * hd;
    float[] k = kv.keys(g);
    dots = new float[end];
    within = new double[end];
    int bound = hd - hd % F.length();
    for (int s = 0; s < end; s++) {
      int ko = s * hd;
      FloatVector acc = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += F.length()) {
        acc = FloatVector.fromArray(F, q, qo + i).fma(FloatVector.fromArray(F, k, ko + i), acc);
      }
      float d = acc.reduceLanes(VectorOperators.ADD);
      for (; i < hd; i++) {
        d += q[qo + i] * k[ko + i];
      }
      dots[s] = d;
    }
  }

  /**
   * The softmax of {@code scale · q·k} within slots {@code [from, to)}, kept for {@link #add}; returns the range's
   * log-sum-exp ({@code −∞} for an empty range).
   */
  double part(int from, int to, double scale) {
    if (to <= from) {
      return Double.NEGATIVE_INFINITY;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int s = from; s < to; s++) {
      max = Math.max(max, scale * dots[s]);
    }
    double sum = 0;
    for (int s = from; s < to; s++) {
      within[s] = Math.exp(scale * dots[s] - max);
      sum += within[s];
    }
    for (int s = from; s < to; s++) {
      within[s] /= sum;
    }
    return max + Math.log(sum);
  }

  /** {@code p[s] += factor · softmax_within_range[s]} over {@code [from, to)}, a range {@link #part} computed. */
  void add(int from, int to, double factor, double[] p) {
    if (factor == 0) {
      return;
    }
    for (int s = from; s < to; s++) {
      p[s] += factor * within[s];
    }
  }
}
