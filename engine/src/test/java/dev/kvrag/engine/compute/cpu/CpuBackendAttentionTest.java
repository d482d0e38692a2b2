package dev.kvrag.engine.compute.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.kv.HostLayerKv;
import dev.kvrag.engine.kv.LayerKv;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CpuBackendAttentionTest {

  static CpuBackend backend;

  @BeforeAll
  static void start() {
    backend = new CpuBackend(2);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static LayerKv cache(int kvHeads, int hd, int slots, long seed) {
    LayerKv kv = new HostLayerKv(kvHeads, hd, 4);
    int[] all = new int[slots];
    for (int s = 0; s < slots; s++) {
      all[s] = s;
    }
    kv.write(all, random(slots * kvHeads * hd, seed), random(slots * kvHeads * hd, seed + 1), slots);
    return kv;
  }

  /** Float64 softmax attention of query (t, h) over key slots [from, to). */
  static void checkOne(float[] q, int t, int h, int heads, LayerKv kv, int from, int to, float scale, float[] out,
                       float[] lse) {
    int hd = kv.headDim();
    int g = h / (heads / kv.kvHeads());
    double[] s = new double[to - from];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = from; j < to; j++) {
      double d = 0;
      for (int i = 0; i < hd; i++) {
        d += q[(t * heads + h) * hd + i] * kv.keys(g)[j * hd + i];
      }
      s[j - from] = d * scale;
      max = Math.max(max, s[j - from]);
    }
    double sum = 0;
    for (int j = 0; j < s.length; j++) {
      sum += Math.exp(s[j] - max);
    }
    for (int i = 0; i < hd; i++) {
      double o = 0;
      for (int j = from; j < to; j++) {
        o += Math.exp(s[j - from] - max) / sum * kv.values(g)[j * hd + i];
      }
      assertEquals(o, out[(t * heads + h) * hd + i], 1e-5, "token " + t + " head " + h + " dim " + i);
    }
    assertEquals(max + Math.log(sum), lse[t * heads + h], 1e-5);
  }

  @Test
  void groupedQueryAttentionMatchesFloat64SoftmaxWithLogSumExp() {
    int heads = 6;
    int kvHeads = 2;
    int hd = 20;
    LayerKv kv = cache(kvHeads, hd, 45, 1);
    int[] slots = {0, 1, 17, 44};
    float[] q = random(slots.length * heads * hd, 3);
    float[] out = new float[q.length];
    float[] lse = new float[slots.length * heads];
    float scale = (float) (1 / Math.sqrt(hd));
    backend.attention(backend.upload(q), slots.length, heads, slots, kv, AttentionRule.causal(), scale,
        backend.upload(out), lse);
    for (int t = 0; t < slots.length; t++) {
      for (int h = 0; h < heads; h++) {
        checkOne(q, t, h, heads, kv, 0, slots[t] + 1, scale, out, lse);
      }
    }
  }

  @Test
  void slidingWindowAndCustomRangesLimitTheKeys() {
    int heads = 4;
    LayerKv kv = cache(4, 16, 40, 5);
    int[] slots = {3, 39};
    float[] q = random(2 * heads * 16, 6);
    float[] out = new float[q.length];
    float[] lse = new float[2 * heads];
    backend.attention(backend.upload(q), 2, heads, slots, kv, AttentionRule.slidingWindow(5), 0.3f,
        backend.upload(out), lse);
    for (int h = 0; h < heads; h++) {
      checkOne(q, 0, h, heads, kv, 0, 4, 0.3f, out, lse);
      checkOne(q, 1, h, heads, kv, 35, 40, 0.3f, out, lse);
    }
    AttentionRule chunk = new AttentionRule() {
      @Override
      public int from(int querySlot) {
        return 10;
      }

      @Override
      public int to(int querySlot) {
        return 25;
      }
    };
    backend.attention(backend.upload(q), 2, heads, slots, kv, chunk, 0.3f, backend.upload(out), lse);
    for (int h = 0; h < heads; h++) {
      checkOne(q, 0, h, heads, kv, 10, 25, 0.3f, out, lse);
      checkOne(q, 1, h, heads, kv, 10, 25, 0.3f, out, lse);
    }
  }

  @Test
  void partsMergedByLogSumExpEqualAttentionOverTheUnion() {
    int heads = 2;
    int hd = 16;
    LayerKv kv = cache(1, hd, 30, 7);
    int[] slot = {29};
    float[] q = random(heads * hd, 8);
    float[] whole = new float[heads * hd];
    float[] wholeLse = new float[heads];
    backend.attention(backend.upload(q), 1, heads, slot, kv, AttentionRule.causal(), 0.25f, backend.upload(whole),
        wholeLse);
    float[] a = new float[heads * hd];
    float[] b = new float[heads * hd];
    float[] la = new float[heads];
    float[] lb = new float[heads];
    backend.attention(backend.upload(q), 1, heads, slot, kv, range(0, 12), 0.25f, backend.upload(a), la);
    backend.attention(backend.upload(q), 1, heads, slot, kv, range(12, 30), 0.25f, backend.upload(b), lb);
    for (int h = 0; h < heads; h++) {
      double m = Math.max(la[h], lb[h]);
      double wa = Math.exp(la[h] - m);
      double wb = Math.exp(lb[h] - m);
      assertEquals(wholeLse[h], m + Math.log(wa + wb), 1e-5);
      for (int i = 0; i < hd; i++) {
        assertEquals(whole[h * hd + i], (wa * a[h * hd + i] + wb * b[h * hd + i]) / (wa + wb), 1e-5);
      }
    }
  }

  @Test
  void anEmptyKeyRangeGivesZeroOutputAndMinusInfinityLogSumExp() {
    LayerKv kv = cache(1, 8, 4, 9);
    float[] out = random(8, 10);
    float[] lse = new float[1];
    backend.attention(backend.upload(random(8, 11)), 1, 1, new int[] {3}, kv, range(2, 2), 1f, backend.upload(out),
        lse);
    assertEquals(Float.NEGATIVE_INFINITY, lse[0]);
    for (float v : out) {
      assertEquals(0f, v);
    }
  }

  static AttentionRule range(int from, int to) {
    return new AttentionRule() {
      @Override
      public int from(int querySlot) {
        return from;
      }

      @Override
      public int to(int querySlot) {
        return to;
      }
    };
  }
}
