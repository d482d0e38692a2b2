package dev.kvrag.engine.compute.cpu;

import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.kv.LayerKv;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention over a {@link LayerKv}.
 *
 * <p>With many queries (prefill) scores are computed with keys along the vector lanes: the call first copies
 * the visible keys of every kv head into blocks of {@link #B} slots transposed to {@code [d][slot]}, so
 * {@code q·k} for {@code B} keys is {@code head_dim} FMAs of a broadcast query element against one block row,
 * with no horizontal reductions; the copy is one pass over K, shared by every query of the call. Query heads
 * of a GQA group go four at a time, so every key and value vector loaded feeds four FMAs (2.7x faster than
 * per-key dot products at 1,024 tokens). With few queries (decode) the copy would cost more than it saves, so
 * each key row is dotted with the group's query heads directly (one horizontal sum per key and head). One work
 * item is a (query token, kv head) pair.
 *
 * <p>Softmax follows HF: subtract the row max, exponentiate in fp32, divide by the sum; the log-sum-exp
 * {@code max + log(sum)} is reported for merging partial attentions. Memory traffic per query is linear in
 * the number of visible keys.
 */
final class Attention {

  private static final VectorSpecies<Float> F = StoredFloats.F;
  /** Keys per transposed block: one vector of lanes. */
  static final int B = StoredFloats.L;
  /** From this many queries per call on, transposing the keys pays for itself. */
  static final int BLOCKED_MIN_QUERIES = 4;

  private final WorkerPool pool;
  private final float[][] scores;
  private float[][] blocks = new float[0][];

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
    int filled = kv.length();
    int[] from = new int[n];
    int[] to = new int[n];
    int maxTo = 0;
    for (int t = 0; t < n; t++) {
      from[t] = Math.max(0, rule.from(querySlots[t]));
      to[t] = Math.min(filled, rule.to(querySlots[t]));
      if (to[t] > from[t]) {
        maxTo = Math.max(maxTo, to[t]);
      }
    }
    boolean blocked = n >= BLOCKED_MIN_QUERIES;
    if (blocked) {
      transposeKeys(kv, (maxTo + B - 1) / B);
    }
    float[][] kt = blocks;
    int items = n * kvHeads;
    int parts = Math.min(items, scores.length);
    pool.run(parts, p -> {
      for (int item = p; item < items; item += parts) {
        int t = item / kvHeads;
        int g = item % kvHeads;
        one(q, t, heads, g, group, hd, blocked ? kt[g] : null, kv, from[t], to[t], scale, out, lse, p);
      }
    });
  }

  /** {@code blocks[g][(b·hd + d)·B + lane] = K[g][b·B + lane][d]}, zero past the filled slots. */
  private void transposeKeys(LayerKv kv, int nBlocks) {
    int kvHeads = kv.kvHeads();
    int hd = kv.headDim();
    int need = nBlocks * hd * B;
    if (blocks.length != kvHeads) {
      blocks = new float[kvHeads][0];
    }
    for (int g = 0; g < kvHeads; g++) {
      if (blocks[g].length < need) {
        blocks[g] = new float[Math.max(need, blocks[g].length * 3 / 2)];
      }
    }
    int filled = kv.length();
    int chunks = Math.max(1, Math.min(nBlocks, 8));
    pool.run(kvHeads * chunks, p -> {
      int g = p / chunks;
      int c = p % chunks;
      float[] keys = kv.keys(g);
      float[] dst = blocks[g];
      for (int b = nBlocks * c / chunks; b < nBlocks * (c + 1) / chunks; b++) {
        int base = b * hd * B;
        for (int lane = 0; lane < B; lane++) {
          int slot = b * B + lane;
          if (slot < filled) {
            int src = slot * hd;
            for (int d = 0; d < hd; d++) {
              dst[base + d * B + lane] = keys[src + d];
            }
          } else {
            for (int d = 0; d < hd; d++) {
              dst[base + d * B + lane] = 0f;
            }
          }
        }
      }
    });
  }

  private void one(float[] q, int t, int heads, int g, int group, int hd, float[] kt, LayerKv kv, int from, int to,
                   float scale, float[] out, float[] lse, int part) {
    int qBase = (t * heads + g * group) * hd;
    if (to <= from) {
      for (int h = 0; h < group; h++) {
        Arrays.fill(out, qBase + h * hd, qBase + (h + 1) * hd, 0f);
        if (lse != null) {
          lse[t * heads + g * group + h] = Float.NEGATIVE_INFINITY;
        }
      }
      return;
    }
    if (kt == null) {
      rowAttention(q, qBase, t * heads + g * group, group, hd, kv.keys(g), kv.values(g), from, to, scale, out, lse,
          part);
      return;
    }
    int b0 = from / B;
    int b1 = (to + B - 1) / B;
    int width = (b1 - b0) * B;
    // One score row per head of the group, plus padding rows so heads can go in fours.
    int need = width * (group + HEADS - 1);
    if (scores[part].length < need) {
      scores[part] = new float[Math.max(need, scores[part].length * 3 / 2)];
    }
    float[] s = scores[part];
    int lo = from - b0 * B;
    int hi = to - b0 * B;
    float[] values = kv.values(g);
    float[] inv = new float[HEADS];
    for (int h0 = 0; h0 < group; h0 += HEADS) {
      int count = Math.min(HEADS, group - h0);
      blockScores(q, qBase + h0 * hd, count, hd, kt, b0, b1, scale, s, h0 * width, width);
      for (int i = 0; i < count; i++) {
        int row = (h0 + i) * width;
        float max = max(s, row + lo, hi - lo);
        float sum = expInPlace(s, row + lo, hi - lo, max);
        inv[i] = 1f / sum;
        if (lse != null) {
          lse[t * heads + g * group + h0 + i] = max + (float) Math.log(sum);
        }
      }
      weightedValues(s, h0 * width, width, count, lo, hi, values, b0 * B, hd, inv, out, qBase + h0 * hd);
    }
  }

  /** Query heads whose scores and outputs are computed together, sharing every key and value load. */
  static final int HEADS = 4;

  /** {@code y[yOff..] += a · x[xOff..]} over {@code len} floats. */
  private static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
    FloatVector av = FloatVector.broadcast(F, a);
    int bound = len - len % B;
    int i = 0;
    for (; i < bound; i += B) {
      FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
    }
    for (; i < len; i++) {
      y[yOff + i] += a * x[xOff + i];
    }
  }

  private static float max(float[] s, int off, int len) {
    FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int bound = len - len % B;
    int j = 0;
    for (; j < bound; j += B) {
      acc = acc.max(FloatVector.fromArray(F, s, off + j));
    }
    float m = acc.reduceLanes(VectorOperators.MAX);
    for (; j < len; j++) {
      m = Math.max(m, s[off + j]);
    }
    return m;
  }

  /** {@code s[i] = exp(s[i] - max)} for {@code i} in {@code [off, off+len)}; returns the sum. */
  private static float expInPlace(float[] s, int off, int len, float max) {
    FloatVector acc = FloatVector.zero(F);
    int bound = len - len % B;
    int j = 0;
    for (; j < bound; j += B) {
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

  /**
   * Scores of {@code count ≤ 4} consecutive query heads (from {@code qOff}) against key blocks {@code [b0, b1)}:
   * head {@code i}'s row starts at {@code s[sOff + i·width]}, block {@code b} at {@code (b-b0)·B} in it. Two blocks
   * by four heads per step: each key vector loaded feeds four FMAs, and eight independent chains hide the FMA
   * latency. Missing heads repeat the last one into the padding rows.
   */
  private static void blockScores(float[] q, int qOff, int count, int hd, float[] kt, int b0, int b1, float scale,
                                  float[] s, int sOff, int width) {
    int q0 = qOff;
    int q1 = qOff + Math.min(1, count - 1) * hd;
    int q2 = qOff + Math.min(2, count - 1) * hd;
    int q3 = qOff + Math.min(3, count - 1) * hd;
    int stride = hd * B;
    int b = b0;
    for (; b + 2 <= b1; b += 2) {
      int k = b * stride;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      FloatVector c0 = FloatVector.zero(F);
      FloatVector c1 = FloatVector.zero(F);
      FloatVector c2 = FloatVector.zero(F);
      FloatVector c3 = FloatVector.zero(F);
      for (int d = 0; d < hd; d++) {
        FloatVector ka = FloatVector.fromArray(F, kt, k + d * B);
        FloatVector kc = FloatVector.fromArray(F, kt, k + stride + d * B);
        FloatVector x0 = FloatVector.broadcast(F, q[q0 + d]);
        FloatVector x1 = FloatVector.broadcast(F, q[q1 + d]);
        FloatVector x2 = FloatVector.broadcast(F, q[q2 + d]);
        FloatVector x3 = FloatVector.broadcast(F, q[q3 + d]);
        a0 = ka.fma(x0, a0);
        a1 = ka.fma(x1, a1);
        a2 = ka.fma(x2, a2);
        a3 = ka.fma(x3, a3);
        c0 = kc.fma(x0, c0);
        c1 = kc.fma(x1, c1);
        c2 = kc.fma(x2, c2);
        c3 = kc.fma(x3, c3);
      }
      int dst = sOff + (b - b0) * B;
      a0.mul(scale).intoArray(s, dst);
      a1.mul(scale).intoArray(s, dst + width);
      a2.mul(scale).intoArray(s, dst + 2 * width);
      a3.mul(scale).intoArray(s, dst + 3 * width);
      c0.mul(scale).intoArray(s, dst + B);
      c1.mul(scale).intoArray(s, dst + width + B);
      c2.mul(scale).intoArray(s, dst + 2 * width + B);
      c3.mul(scale).intoArray(s, dst + 3 * width + B);
    }
    if (b < b1) {
      int k = b * stride;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      for (int d = 0; d < hd; d++) {
        FloatVector ka = FloatVector.fromArray(F, kt, k + d * B);
        a0 = ka.fma(FloatVector.broadcast(F, q[q0 + d]), a0);
        a1 = ka.fma(FloatVector.broadcast(F, q[q1 + d]), a1);
        a2 = ka.fma(FloatVector.broadcast(F, q[q2 + d]), a2);
        a3 = ka.fma(FloatVector.broadcast(F, q[q3 + d]), a3);
      }
      int dst = sOff + (b - b0) * B;
      a0.mul(scale).intoArray(s, dst);
      a1.mul(scale).intoArray(s, dst + width);
      a2.mul(scale).intoArray(s, dst + 2 * width);
      a3.mul(scale).intoArray(s, dst + 3 * width);
    }
  }

  /**
   * Attention of the {@code group} query heads at {@code qBase} over key rows {@code [from, to)} read in place (the
   * decode path): each key row is loaded once for all heads of the group and dotted with each (one horizontal
   * sum per key and head), then softmax and the weighted sum of value rows per head.
   */
  private void rowAttention(float[] q, int qBase, int lseBase, int group, int hd, float[] keys, float[] values,
                            int from, int to, float scale, float[] out, float[] lse, int part) {
    int len = to - from;
    if (scores[part].length < group * len) {
      scores[part] = new float[Math.max(group * len, scores[part].length * 3 / 2)];
    }
    float[] s = scores[part];
    for (int j = 0; j < len; j++) {
      int kOff = (from + j) * hd;
      for (int h = 0; h < group; h++) {
        s[h * len + j] = dot(q, qBase + h * hd, keys, kOff, hd) * scale;
      }
    }
    for (int h = 0; h < group; h++) {
      int sOff = h * len;
      float max = max(s, sOff, len);
      float sum = expInPlace(s, sOff, len, max);
      int oOff = qBase + h * hd;
      Arrays.fill(out, oOff, oOff + hd, 0f);
      for (int j = 0; j < len; j++) {
        axpy(s[sOff + j], values, (from + j) * hd, out, oOff, hd);
      }
      float inv = 1f / sum;
      for (int d = 0; d < hd; d++) {
        out[oOff + d] *= inv;
      }
      if (lse != null) {
        lse[lseBase + h] = max + (float) Math.log(sum);
      }
    }
  }

  private static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector acc = FloatVector.zero(F);
    int bound = len - len % B;
    int i = 0;
    for (; i < bound; i += B) {
      acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  /**
   * {@code out_i[d] = inv_i · Σ_j p_i[j] · V[first + j][d]} over {@code j} in {@code [lo, hi)} for {@code count ≤ 4}
   * heads whose probability rows start at {@code p[pOff + i·width]}: one vector of the head dimension at a time,
   * two keys per step, so each value vector loaded feeds four heads and eight accumulators stay in registers.
   */
  private static void weightedValues(float[] p, int pOff, int width, int count, int lo, int hi, float[] values,
                                     int first, int hd, float[] inv, float[] out, int oOff) {
    int p0 = pOff;
    int p1 = pOff + Math.min(1, count - 1) * width;
    int p2 = pOff + Math.min(2, count - 1) * width;
    int p3 = pOff + Math.min(3, count - 1) * width;
    int d = 0;
    for (; d + B <= hd; d += B) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      FloatVector c0 = FloatVector.zero(F);
      FloatVector c1 = FloatVector.zero(F);
      FloatVector c2 = FloatVector.zero(F);
      FloatVector c3 = FloatVector.zero(F);
      int j = lo;
      for (; j + 1 < hi; j += 2) {
        int va = (first + j) * hd + d;
        FloatVector v = FloatVector.fromArray(F, values, va);
        FloatVector w = FloatVector.fromArray(F, values, va + hd);
        a0 = v.fma(FloatVector.broadcast(F, p[p0 + j]), a0);
        a1 = v.fma(FloatVector.broadcast(F, p[p1 + j]), a1);
        a2 = v.fma(FloatVector.broadcast(F, p[p2 + j]), a2);
        a3 = v.fma(FloatVector.broadcast(F, p[p3 + j]), a3);
        c0 = w.fma(FloatVector.broadcast(F, p[p0 + j + 1]), c0);
        c1 = w.fma(FloatVector.broadcast(F, p[p1 + j + 1]), c1);
        c2 = w.fma(FloatVector.broadcast(F, p[p2 + j + 1]), c2);
        c3 = w.fma(FloatVector.broadcast(F, p[p3 + j + 1]), c3);
      }
      if (j < hi) {
        FloatVector v = FloatVector.fromArray(F, values, (first + j) * hd + d);
        a0 = v.fma(FloatVector.broadcast(F, p[p0 + j]), a0);
        a1 = v.fma(FloatVector.broadcast(F, p[p1 + j]), a1);
        a2 = v.fma(FloatVector.broadcast(F, p[p2 + j]), a2);
        a3 = v.fma(FloatVector.broadcast(F, p[p3 + j]), a3);
      }
      a0.add(c0).mul(inv[0]).intoArray(out, oOff + d);
      if (count > 1) {
        a1.add(c1).mul(inv[1]).intoArray(out, oOff + hd + d);
      }
      if (count > 2) {
        a2.add(c2).mul(inv[2]).intoArray(out, oOff + 2 * hd + d);
      }
      if (count > 3) {
        a3.add(c3).mul(inv[3]).intoArray(out, oOff + 3 * hd + d);
      }
    }
    for (; d < hd; d++) {
      for (int i = 0; i < count; i++) {
        int row = pOff + i * width;
        float a = 0;
        for (int j = lo; j < hi; j++) {
          a += p[row + j] * values[(first + j) * hd + d];
        }
        out[oOff + i * hd + d] = a * inv[i];
      }
    }
  }
}
