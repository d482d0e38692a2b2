package dev.kvrag.engine.fusion;

import dev.kvrag.engine.kv.LayerKv;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention distributions for SnapKV's scores (the backend computes outputs, not probabilities): for the window
 * rows' query heads that read kv head {@code g}, the dot products {@code q·k} against slots {@code [0, end)}, from
 * which a mode forms each query's softmax over one or more disjoint slot ranges at their own scales. Dots in fp32
 * (as the attention itself), exponentials and sums in double.
 *
 * <p>The keys are transposed once ({@code [headDim][slot]}), so a query's dots are vectors of consecutive slots:
 * each query element is broadcast against them, no dot product needs a horizontal sum, and four slot vectors
 * are accumulated side by side to hide the latency of the fused multiply-adds. A query's dots are computed when
 * its first range is asked for and kept for the ranges that follow.
 */
final class Softmax {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

  private final float[] q;
  private final int heads;
  private final int group;
  private final int g;
  private final int hd;
  private final int end;
  private final float[] keys;
  private final double[] dots;
  private final double[] within;
  private int current = -1;

  /**
   * Dots of kv head {@code g}'s query heads in the rows of {@code q[rows][heads][headDim]} against kv head {@code g}
   * of {@code kv}, slots {@code [0, end)}; query {@code m = row · group + h} is query head {@code g · group + h}.
   */
  Softmax(float[] q, int heads, LayerKv kv, int g, int end) {
    this.q = q;
    this.heads = heads;
    this.group = heads / kv.kvHeads();
    this.g = g;
    this.hd = kv.headDim();
    this.end = end;
    float[] k = kv.keys(g);
    keys = new float[hd * end];
    for (int s = 0; s < end; s++) {
      for (int i = 0; i < hd; i++) {
        keys[i * end + s] = k[s * hd + i];
      }
    }
    dots = new double[end];
    within = new double[end];
  }

  /** Query {@code m}'s dots into {@link #dots}, unless they are there already. */
  private void dotsOf(int m) {
    if (m == current) {
      return;
    }
    current = m;
    int qo = ((m / group) * heads + g * group + m % group) * hd;
    int n = F.length();
    int s = 0;
    for (; s + 4 * n <= end; s += 4 * n) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int i = 0; i < hd; i++) {
        FloatVector x = FloatVector.broadcast(F, q[qo + i]);
        int ko = i * end + s;
        a0 = FloatVector.fromArray(F, keys, ko).fma(x, a0);
        a1 = FloatVector.fromArray(F, keys, ko + n).fma(x, a1);
        a2 = FloatVector.fromArray(F, keys, ko + 2 * n).fma(x, a2);
        a3 = FloatVector.fromArray(F, keys, ko + 3 * n).fma(x, a3);
      }
      store(a0, s);
      store(a1, s + n);
      store(a2, s + 2 * n);
      store(a3, s + 3 * n);
    }
    for (; s + n <= end; s += n) {
      FloatVector a = FloatVector.zero(F);
      for (int i = 0; i < hd; i++) {
        a = FloatVector.fromArray(F, keys, i * end + s).fma(FloatVector.broadcast(F, q[qo + i]), a);
      }
      store(a, s);
    }
    for (; s < end; s++) {
      float d = 0;
      for (int i = 0; i < hd; i++) {
        d = Math.fma(q[qo + i], keys[i * end + s], d);
      }
      dots[s] = d;
    }
  }

  private void store(FloatVector a, int s) {
    for (int part = 0; part < F.length() / D.length(); part++) {
      ((DoubleVector) a.convertShape(VectorOperators.F2D, D, part)).intoArray(dots, s + part * D.length());
    }
  }

  /**
   * The softmax of {@code scale · q·k} of query {@code m} within slots {@code [from, to)}, kept for {@link #add};
   * returns the range's log-sum-exp ({@code −∞} for an empty range).
   */
  double part(int m, int from, int to, double scale) {
    if (to <= from) {
      return Double.NEGATIVE_INFINITY;
    }
    dotsOf(m);
    int bound = to - (to - from) % D.length();
    DoubleVector maxes = DoubleVector.broadcast(D, Double.NEGATIVE_INFINITY);
    int i = from;
    for (; i < bound; i += D.length()) {
      DoubleVector x = DoubleVector.fromArray(D, dots, i).mul(scale);
      x.intoArray(within, i);
      maxes = maxes.max(x);
    }
    double max = maxes.reduceLanes(VectorOperators.MAX);
    for (; i < to; i++) {
      within[i] = scale * dots[i];
      max = Math.max(max, within[i]);
    }
    DoubleVector sums = DoubleVector.zero(D);
    for (i = from; i < bound; i += D.length()) {
      DoubleVector e = DoubleVector.fromArray(D, within, i).sub(max).lanewise(VectorOperators.EXP);
      e.intoArray(within, i);
      sums = sums.add(e);
    }
    double sum = sums.reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      within[i] = Math.exp(within[i] - max);
      sum += within[i];
    }
    for (int s = from; s < to; s++) {
      within[s] /= sum;
    }
    return max + Math.log(sum);
  }

  /**
   * {@code p[s] += factor · softmax_within_range[s]} over {@code [from, min(to, p.length))}, a range {@link #part}
   * computed.
   */
  void add(int from, int to, double factor, double[] p) {
    if (factor == 0) {
      return;
    }
    for (int s = from, stop = Math.min(to, p.length); s < stop; s++) {
      p[s] += factor * within[s];
    }
  }
}
