package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.model.Transformer;
import java.util.Arrays;

/**
 * APE's attention (Yang et al., ICLR 2025, as the authors' code computes it; DESIGN §4) for the question and
 * generated tokens, per head:
 *
 * <pre>
 *   context = all chunk slots,                 logits q·k / (√d · T)   → O_c, L_c (log-sum-exp)
 *   other   = prefix + question/generated ≤ q, logits q·k / √d         → O_o, L_o
 *   w = σ(S · T · L_c − L_o),   out = w · O_c + (1 − w) · O_o
 * </pre>
 *
 * With T = S = 1 the merge is {@code e^{L_c} / (e^{L_c} + e^{L_o})}, i.e. one softmax over the union: plain
 * causal attention. "Other" is two slot ranges (before and after the chunks), each a backend call, merged by
 * their log-sum-exps, which is exactly a softmax over the union. An empty part has L = −∞ and weight 0.
 *
 * <p>The chunk slots are {@code [contextFrom, contextTo)} per layer and kv head: the same range for all heads
 * until SnapKV keeps different slots per head, after which the layer is attended head by head through
 * {@link LayerKv#head} views.
 *
 * <p>No sliding window applies (APE places tokens at shared positions); {@link Ape} refuses prompts that reach
 * past a sliding-window model's window.
 */
public final class ApeAttention implements FusedAttention {

  private final Transformer model;
  private final double temperature;
  private final double scale;
  private final int[][] contextFrom;
  private final int[][] contextTo;

  /** Chunk slots {@code [contextFrom, contextTo)} in every layer and head. */
  public ApeAttention(Transformer model, double temperature, double scale, int contextFrom, int contextTo) {
    this(model, temperature, scale, filled(model, contextFrom), filled(model, contextTo));
  }

  private ApeAttention(Transformer model, double temperature, double scale, int[][] contextFrom, int[][] contextTo) {
    this.model = model;
    this.temperature = temperature;
    this.scale = scale;
    this.contextFrom = contextFrom;
    this.contextTo = contextTo;
  }

  private static int[][] filled(Transformer model, int value) {
    int[][] a = new int[model.config().layers()][model.config().kvHeads()];
    for (int[] row : a) {
      Arrays.fill(row, value);
    }
    return a;
  }

  @Override
  public void attend(int layer, Activations q, int n, int[] querySlots, LayerKv kv, Activations out) {
    Backend backend = model.backend();
    int heads = model.config().heads();
    int kvHeads = kv.kvHeads();
    if (uniform(layer)) {
      backend.upload(attendRanges(q, n, heads, querySlots, kv, contextFrom[layer][0], contextTo[layer][0]), out);
      return;
    }
    // per kv head: its query heads' rows gathered on the host (few rows: the question and generated tokens)
    int group = heads / kvHeads;
    int hd = kv.headDim();
    float[] all = backend.download(q, 0, n * heads * hd);
    float[] merged = new float[n * heads * hd];
    float[] qg = new float[n * group * hd];
    for (int g = 0; g < kvHeads; g++) {
      for (int t = 0; t < n; t++) {
        System.arraycopy(all, (t * heads + g * group) * hd, qg, t * group * hd, group * hd);
      }
      Activations groupQ = backend.upload(qg.clone());
      float[] og = attendRanges(groupQ, n, group, querySlots, kv.head(g), contextFrom[layer][g], contextTo[layer][g]);
      groupQ.close();
      for (int t = 0; t < n; t++) {
        System.arraycopy(og, t * group * hd, merged, (t * heads + g * group) * hd, group * hd);
      }
    }
    backend.upload(merged, out);
  }

  private boolean uniform(int layer) {
    for (int g = 1; g < contextFrom[layer].length; g++) {
      if (contextFrom[layer][g] != contextFrom[layer][0] || contextTo[layer][g] != contextTo[layer][0]) {
        return false;
      }
    }
    return true;
  }

  /** The merged attention {@code [n][heads][headDim]} in host memory. */
  private float[] attendRanges(Activations q, int n, int heads, int[] slots, LayerKv kv, int cFrom, int cTo) {
    Backend backend = model.backend();
    float s = model.attentionScale();
    int hd = kv.headDim();
    int size = n * heads * hd;
    float[] lc = new float[n * heads];
    float[] l1 = new float[n * heads];
    float[] l2 = new float[n * heads];
    float[] oc = part(backend, q, n, heads, slots, kv, fixed(cFrom, cTo), (float) (s / temperature), size, lc);
    float[] o1 = part(backend, q, n, heads, slots, kv, fixed(0, cFrom), s, size, l1);
    float[] o2 = part(backend, q, n, heads, slots, kv, after(cTo), s, size, l2);
    float[] out = new float[size];
    for (int r = 0; r < n * heads; r++) {
      double lo = logAddExp(l1[r], l2[r]);
      double a1 = lo == Double.NEGATIVE_INFINITY ? 0 : Math.exp(l1[r] - lo);
      double a2 = lo == Double.NEGATIVE_INFINITY ? 0 : Math.exp(l2[r] - lo);
      double w = contextWeight(lc[r], lo);
      for (int d = r * hd; d < (r + 1) * hd; d++) {
        double other = a1 * o1[d] + a2 * o2[d];
        out[d] = (float) (w * oc[d] + (1 - w) * other);
      }
    }
    return out;
  }

  /** One part's attention output in host memory, its log-sum-exp into {@code lse}. */
  private static float[] part(Backend backend, Activations q, int n, int heads, int[] slots, LayerKv kv,
                              AttentionRule rule, float scale, int size, float[] lse) {
    Activations o = backend.allocate(size);
    backend.attention(q, n, heads, slots, kv, rule, scale, o, lse);
    float[] host = backend.download(o);
    o.close();
    return host;
  }

  /** {@code σ(S·T·L_c − L_o)}; 0 when the context part is empty, 1 when the other part is. */
  private double contextWeight(double lc, double lo) {
    if (lc == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    if (lo == Double.NEGATIVE_INFINITY) {
      return 1;
    }
    return 1 / (1 + Math.exp(-(scale * temperature * lc - lo)));
  }

  private static double logAddExp(double a, double b) {
    double m = Math.max(a, b);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }

  @Override
  public void addWindowAttention(int layer, float[] q, int rows, int firstSlot, LayerKv kv, double[][] into) {
    int group = into.length / kv.kvHeads();
    double s = model.attentionScale();
    double sc = s / temperature;
    for (int g = 0; g < kv.kvHeads(); g++) {
      int cf = contextFrom[layer][g];
      int ct = contextTo[layer][g];
      Softmax dots = new Softmax(q, into.length, kv, g, Math.max(Math.min(kv.length(), firstSlot + rows), ct));
      for (int r = 0; r < rows; r++) {
        int end = Math.min(kv.length(), firstSlot + r + 1);
        for (int h = 0; h < group; h++) {
          int m = r * group + h;
          double[] p = into[g * group + h];
          double lc = dots.part(m, cf, ct, sc);
          double l1 = dots.part(m, 0, cf, s);
          double l2 = dots.part(m, ct, end, s);
          double lo = logAddExp(l1, l2);
          double w = contextWeight(lc, lo);
          // each range's softmax, weighted by its share of the merged distribution
          dots.add(cf, ct, w, p);
          if (lo != Double.NEGATIVE_INFINITY) {
            dots.add(0, cf, (1 - w) * Math.exp(l1 - lo), p);
            dots.add(ct, end, (1 - w) * Math.exp(l2 - lo), p);
          }
        }
      }
    }
  }

  @Override
  public FusedAttention compacted(int[][][] kept) {
    int layers = contextFrom.length;
    int[][] from = new int[layers][];
    int[][] to = new int[layers][];
    for (int l = 0; l < layers; l++) {
      from[l] = new int[contextFrom[l].length];
      to[l] = new int[contextTo[l].length];
      for (int g = 0; g < from[l].length; g++) {
        from[l][g] = below(kept[l][g], contextFrom[l][g]);
        to[l][g] = below(kept[l][g], contextTo[l][g]);
      }
    }
    return new ApeAttention(model, temperature, scale, from, to);
  }

  /** How many of the ascending {@code slots} are below {@code bound}: the compacted index of {@code bound}. */
  private static int below(int[] slots, int bound) {
    int c = 0;
    while (c < slots.length && slots[c] < bound) {
      c++;
    }
    return c;
  }

  private static AttentionRule fixed(int from, int to) {
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

  /** Slots from {@code from} up to the query's own. */
  private static AttentionRule after(int from) {
    return new AttentionRule() {
      @Override
      public int from(int querySlot) {
        return from;
      }

      @Override
      public int to(int querySlot) {
        return querySlot + 1;
      }
    };
  }

  @Override
  public String toString() {
    return "APE(T=" + temperature + ", S=" + scale + ")";
  }
}
