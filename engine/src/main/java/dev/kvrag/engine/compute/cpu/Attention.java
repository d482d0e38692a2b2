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
 * with no horizontal reductions; the copy is one pass over K, shared by every query of the call. With few
 * queries (decode) that copy would cost more than it saves, so each key row is dotted with the query heads of
 * its GQA group directly (one horizontal sum per key and head). Either way one work item is a (query token,
 * kv head) pair, so a group's query heads reuse each key while it is in L1.
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
    int b0 = from / B;
    int b1 = (to + B - 1) / B;
    int width = (b1 - b0) * B;
    int need = kt == null ? width * (group + 1) : width;
    if (scores[part].length < need) {
      scores[part] = new float[Math.max(need, scores[part].length * 3 / 2)];
    }
    float[] s = scores[part];
    float[] values = kv.values(g);
    int lo = from - b0 * B;
    int hi = to - b0 * B;
    if (kt == null) {
      rowScores(q, qBase, group, hd, kv.keys(g), from, to, scale, s, width, lo);
    }
    for (int h = 0; h < group; h++) {
      int qOff = qBase + h * hd;
      if (kt != null) {
        blockScores(q, qOff, hd, kt, b0, b1, scale, s);
      } else {
        System.arraycopy(s, width * (h + 1), s, 0, width);
      }
      float max = Float.NEGATIVE_INFINITY;
      for (int j = lo; j < hi; j++) {
        max = Math.max(max, s[j]);
      }
      float sum = expInPlace(s, lo, hi - lo, max);
      weightedValues(s, lo, hi, values, b0 * B, hd, 1f / sum, out, qOff);
      if (lse != null) {
        lse[t * heads + g * group + h] = max + (float) Math.log(sum);
      }
    }
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
   * Scores of one query row against key blocks {@code [b0, b1)}: {@code s[(b-b0)·B + lane] = scale · q·k}. Four
   * blocks at a time, so four independent FMA chains hide the FMA latency.
   */
  private static void blockScores(float[] q, int qOff, int hd, float[] kt, int b0, int b1, float scale, float[] s) {
    int b = b0;
    int stride = hd * B;
    for (; b + 4 <= b1; b += 4) {
      int k = b * stride;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector a2 = FloatVector.zero(F);
      FloatVector a3 = FloatVector.zero(F);
      for (int d = 0; d < hd; d++) {
        FloatVector qd = FloatVector.broadcast(F, q[qOff + d]);
        int o = k + d * B;
        a0 = FloatVector.fromArray(F, kt, o).fma(qd, a0);
        a1 = FloatVector.fromArray(F, kt, o + stride).fma(qd, a1);
        a2 = FloatVector.fromArray(F, kt, o + 2 * stride).fma(qd, a2);
        a3 = FloatVector.fromArray(F, kt, o + 3 * stride).fma(qd, a3);
      }
      int dst = (b - b0) * B;
      a0.mul(scale).intoArray(s, dst);
      a1.mul(scale).intoArray(s, dst + B);
      a2.mul(scale).intoArray(s, dst + 2 * B);
      a3.mul(scale).intoArray(s, dst + 3 * B);
    }
    for (; b < b1; b++) {
      int k = b * stride;
      FloatVector acc = FloatVector.zero(F);
      for (int d = 0; d < hd; d++) {
        acc = FloatVector.fromArray(F, kt, k + d * B).fma(FloatVector.broadcast(F, q[qOff + d]), acc);
      }
      acc.mul(scale).intoArray(s, (b - b0) * B);
    }
  }

  /**
   * Scores of the {@code group} query heads at {@code qBase} against key rows {@code [from, to)}, read in place:
   * head {@code h}'s row goes to {@code s[width·(h+1) + j - from + lo]}. Each key row is loaded once for all
   * heads of the group.
   */
  private static void rowScores(float[] q, int qBase, int group, int hd, float[] keys, int from, int to, float scale,
                                float[] s, int width, int lo) {
    int bound = hd - hd % B;
    for (int j = from; j < to; j++) {
      int kOff = j * hd;
      for (int h = 0; h < group; h++) {
        int qOff = qBase + h * hd;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i < bound; i += B) {
          acc = FloatVector.fromArray(F, q, qOff + i).fma(FloatVector.fromArray(F, keys, kOff + i), acc);
        }
        float dot = acc.reduceLanes(VectorOperators.ADD);
        for (; i < hd; i++) {
          dot += q[qOff + i] * keys[kOff + i];
        }
        s[width * (h + 1) + j - from + lo] = dot * scale;
      }
    }
  }

  /**
   * {@code out[d] = inv · Σ_j p[j] · V[first + j][d]} for {@code j} in {@code [lo, hi)}: four vectors of the
   * head dimension at a time, two keys per step, so eight accumulators stay in registers over all keys.
   */
  private static void weightedValues(float[] p, int lo, int hi, float[] values, int first, int hd, float inv,
                                     float[] out, int oOff) {
    int d = 0;
    for (; d + 4 * B <= hd; d += 4 * B) {
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
        FloatVector pa = FloatVector.broadcast(F, p[j]);
        FloatVector pc = FloatVector.broadcast(F, p[j + 1]);
        int va = (first + j) * hd + d;
        int vc = va + hd;
        a0 = FloatVector.fromArray(F, values, va).fma(pa, a0);
        a1 = FloatVector.fromArray(F, values, va + B).fma(pa, a1);
        a2 = FloatVector.fromArray(F, values, va + 2 * B).fma(pa, a2);
        a3 = FloatVector.fromArray(F, values, va + 3 * B).fma(pa, a3);
        c0 = FloatVector.fromArray(F, values, vc).fma(pc, c0);
        c1 = FloatVector.fromArray(F, values, vc + B).fma(pc, c1);
        c2 = FloatVector.fromArray(F, values, vc + 2 * B).fma(pc, c2);
        c3 = FloatVector.fromArray(F, values, vc + 3 * B).fma(pc, c3);
      }
      if (j < hi) {
        FloatVector pa = FloatVector.broadcast(F, p[j]);
        int va = (first + j) * hd + d;
        a0 = FloatVector.fromArray(F, values, va).fma(pa, a0);
        a1 = FloatVector.fromArray(F, values, va + B).fma(pa, a1);
        a2 = FloatVector.fromArray(F, values, va + 2 * B).fma(pa, a2);
        a3 = FloatVector.fromArray(F, values, va + 3 * B).fma(pa, a3);
      }
      a0.add(c0).mul(inv).intoArray(out, oOff + d);
      a1.add(c1).mul(inv).intoArray(out, oOff + d + B);
      a2.add(c2).mul(inv).intoArray(out, oOff + d + 2 * B);
      a3.add(c3).mul(inv).intoArray(out, oOff + d + 3 * B);
    }
    for (; d + B <= hd; d += B) {
      FloatVector a = FloatVector.zero(F);
      for (int j = lo; j < hi; j++) {
        a = FloatVector.fromArray(F, values, (first + j) * hd + d).fma(FloatVector.broadcast(F, p[j]), a);
      }
      a.mul(inv).intoArray(out, oOff + d);
    }
    for (; d < hd; d++) {
      float a = 0;
      for (int j = lo; j < hi; j++) {
        a += p[j] * values[(first + j) * hd + d];
      }
      out[oOff + d] = a * inv;
    }
  }
}
