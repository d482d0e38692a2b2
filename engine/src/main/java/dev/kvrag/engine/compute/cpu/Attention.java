package dev.kvrag.engine.compute.cpu;

import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.kv.LayerKv;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention over a {@link LayerKv}, one (query token, kv head) pair per work item: the
 * query heads of a GQA group are processed together, so each key and value row of the group's kv head is
 * read from memory once per query token, not once per query head.
 *
 * <p>Scores of all visible keys are materialised (one row of floats per query head), then softmax as HF
 * computes it: subtract the max, exponentiate in fp32, normalise by the sum. The log-sum-exp is
 * {@code max + log(sum)}. Memory traffic per query is linear in the number of visible keys.
 */
final class Attention {

  private static final VectorSpecies<Float> F = StoredFloats.F;
  private static final int L = StoredFloats.L;

  private final WorkerPool pool;
  private final float[][] scores;

  Attention(WorkerPool pool) {
    this.pool = pool;
    this.scores = new float[pool.threads() * 4][0];
  }

  void run(float[] q, int n, int heads, int[] querySlots, LayerKv kv, AttentionRule rule, float scale,
       float[] out, float[] lse) {
    int kvHeads = kv.kvHeads();
    int hd = kv.headDim();
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(heads + " query heads do not divide into " + kvHeads + " kv heads");
    }
    int group = heads / kvHeads;
    int items = n * kvHeads;
    int parts = Math.min(items, scores.length);
    int filled = kv.length();
    pool.run(parts, p -> {
      for (int item = p; item < items; item += parts) {
        int t = item / kvHeads;
        int g = item % kvHeads;
        int slot = querySlots[t];
        int from = Math.max(0, rule.from(slot));
        int to = Math.min(filled, rule.to(slot));
        one(q, t, heads, g, group, hd, kv, from, to, scale, out, lse, p);
      }
    });
  }

  private void one(float[] q, int t, int heads, int g, int group, int hd, LayerKv kv, int from, int to, float scale,
           float[] out, float[] lse, int part) {
    int len = Math.max(0, to - from);
    int need = group * len;
    if (scores[part].length < need) {
      scores[part] = new float[Math.max(need, scores[part].length * 3 / 2)];
    }
    float[] s = scores[part];
    float[] keys = kv.keys(g);
    float[] values = kv.values(g);
    int qBase = (t * heads + g * group) * hd;
    if (len == 0) {
      for (int h = 0; h < group; h++) {
        java.util.Arrays.fill(out, qBase + h * hd, qBase + (h + 1) * hd, 0f);
        if (lse != null) {
          lse[t * heads + g * group + h] = Float.NEGATIVE_INFINITY;
        }
      }
      return;
    }
    for (int j = 0; j < len; j++) {
      int kOff = (from + j) * hd;
      for (int h = 0; h < group; h++) {
        s[h * len + j] = dot(q, qBase + h * hd, keys, kOff, hd) * scale;
      }
    }
    for (int h = 0; h < group; h++) {
      int sOff = h * len;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < len; j++) {
        max = Math.max(max, s[sOff + j]);
      }
      float sum = expInPlace(s, sOff, len, max);
      int oOff = qBase + h * hd;
      java.util.Arrays.fill(out, oOff, oOff + hd, 0f);
      for (int j = 0; j < len; j++) {
        axpy(s[sOff + j], values, (from + j) * hd, out, oOff, hd);
      }
      float inv = 1f / sum;
      for (int d = 0; d < hd; d++) {
        out[oOff + d] *= inv;
      }
      if (lse != null) {
        lse[t * heads + g * group + h] = max + (float) Math.log(sum);
      }
    }
  }

  /** {@code s[i] = exp(s[i] - max)}; returns the sum. */
  private static float expInPlace(float[] s, int off, int len, float max) {
    FloatVector acc = FloatVector.zero(F);
    int bound = len - len % L;
    int j = 0;
    for (; j < bound; j += L) {
      FloatVector e = FloatVector.fromArray(F, s, off + j).sub(max).lanewise(VectorOperators.EXP);
      e.intoArray(s, off + j);
      acc = acc.add(e);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; j < len; j++) {
      float e = (float) Math.exp(s[off + j] - max);
      s[off + j] = e;
      sum += e;
    }
    return sum;
  }

  private static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector acc = FloatVector.zero(F);
    int bound = len - len % L;
    int i = 0;
    for (; i < bound; i += L) {
      acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  /** {@code y[yOff..] += a · x[xOff..]}. */
  private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
    FloatVector av = FloatVector.broadcast(F, a);
    int bound = len - len % L;
    int i = 0;
    for (; i < bound; i += L) {
      FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }
}
