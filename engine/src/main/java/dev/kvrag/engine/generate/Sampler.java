package dev.kvrag.engine.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Picks the next token from a logit vector: greedy, or temperature → top-k → top-p → draw, as
 * Hugging Face's warpers chain them (top-p sees the distribution top-k left, renormalised).
 *
 * <p>Ties are broken towards the lower token id everywhere: greedy returns the lowest id among the
 * maximal logits, and top-k keeps exactly k tokens, preferring lower ids at the boundary (HF keeps
 * every token tied with the k-th). So top-k 1 is greedy.
 *
 * <p>Weights are exp((logit − max) / T) in float, as HF's float32 softmax; a token more than about
 * 87·T below the best has weight 0 and is never drawn.
 *
 * <p>One sampler per generation, not thread-safe: it owns a {@link SplittableRandom} seeded from
 * the params (its algorithm is fixed by its specification, so a seed reproduces the same tokens
 * on every JVM) and a scratch buffer the size of the vocabulary.
 */
public final class Sampler {

  /** Mass thresholds for the nucleus prefilter; the final 0 admits every token. */
  private static final float[] NUCLEUS_PREFILTER = {1e-3f, 1e-6f, 1e-9f, 0f};

  private final SamplingParams params;
  private final RandomGenerator random;
  private float[] weights = new float[0];

  public Sampler(SamplingParams params) {
    this.params = params;
    this.random = new SplittableRandom(params.seed());
  }

  public int sample(float[] logits) {
    int[] kept = candidates(logits);
    if (kept != null && kept.length == 1) {
      return kept[0];
    }
    double total = 0;
    int n = kept == null ? logits.length : kept.length;
    for (int i = 0; i < n; i++) {
      total += weights[kept == null ? i : kept[i]];
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      int id = kept == null ? i : kept[i];
      if (weights[id] > 0) {
        cumulative += weights[id];
        last = id;
        if (u < cumulative) {
          return id;
        }
      }
    }
    return last; // u landed in the rounding gap at the top end
  }

  /** The ids a draw can return, best first (the test's view of {@link #candidates}). */
  int[] keptIds(float[] logits) {
    int[] kept = candidates(logits);
    if (kept == null) {
      kept = topK(logits, logits.length);
    }
    return kept.length == 1 ? kept : Arrays.stream(kept).filter(id -> weights[id] > 0).toArray();
  }

  /**
   * The ids a draw chooses among, best first, their weights left in {@link #weights}; null when
   * neither top-k nor top-p truncates (every id, weights for all).
   */
  private int[] candidates(float[] logits) {
    if (logits.length == 0) {
      throw new IllegalArgumentException("cannot sample from an empty logit vector");
    }
    float max = LogitKernels.max(logits);
    if (Float.isNaN(max) || (max == Float.POSITIVE_INFINITY && !greedy())) {
      int bad = LogitKernels.firstInvalid(logits);
      throw new IllegalStateException("model returned logit " + logits[bad] + " for token id " + bad);
    }
    if (greedy()) {
      return new int[] {LogitKernels.firstIndexOf(logits, max)};
    }
    if (max == Float.NEGATIVE_INFINITY) {
      throw new IllegalStateException("every logit is -infinity: no token can be sampled");
    }
    if (weights.length != logits.length) {
      weights = new float[logits.length];
    }
    float inverseTemperature = (float) (1.0 / params.temperature());
    int k = params.topK();
    if (k > 0 && k < logits.length) {
      // Only the k survivors' weights matter: top-p renormalises over them.
      int[] ids = topK(logits, k);
      double mass = 0;
      for (int id : ids) {
        weights[id] = (float) Math.exp((logits[id] - max) * inverseTemperature);
        mass += weights[id];
      }
      return params.topP() < 1 ? prefixReaching(ids, weights, params.topP() * mass) : ids;
    }
    double total = LogitKernels.scaledExp(logits, max, inverseTemperature, weights);
    return params.topP() < 1 ? nucleus(logits, weights, total, params.topP()) : null;
  }

  /** Temperature 0, top-k 1, or a temperature so small that 1/T overflows float: only the argmax. */
  private boolean greedy() {
    return params.isGreedy() || Float.isInfinite((float) (1.0 / params.temperature()));
  }

  /** The index of the largest logit, the lowest such index on ties. */
  public static int argmax(float[] logits) {
    return new Sampler(SamplingParams.greedy(1)).candidates(logits)[0];
  }

  /** The k best ids, best first (higher logit, then lower id), via a min-heap of rank keys. */
  static int[] topK(float[] logits, int k) {
    long[] heap = new long[k];
    int size = 0;
    for (int id = 0; id < logits.length; id++) {
      if (size == k && logits[id] < logitOf(heap[0])) {
        continue;
      }
      long key = rankKey(logits[id], id);
      if (size < k) {
        heap[size] = key;
        siftUp(heap, size++);
      } else if (key > heap[0]) {
        heap[0] = key;
        siftDown(heap, k);
      }
    }
    Arrays.sort(heap);
    int[] ids = new int[k];
    for (int i = 0; i < k; i++) {
      ids[i] = idOf(heap[k - 1 - i]);
    }
    return ids;
  }

  /**
   * The nucleus over the whole vocabulary without sorting all of it: tokens below a mass threshold t
   * all rank below every token at or above it, so once the tokens at or above t carry at least p of
   * the mass, the nucleus lies among them and only they need sorting.
   */
  private static int[] nucleus(float[] logits, float[] weight, double total, double p) {
    for (float threshold : NUCLEUS_PREFILTER) {
      float cut = (float) (threshold * total);
      double kept = 0;
      int count = 0;
      long[] keys = new long[64];
      for (int id = 0; id < weight.length; id++) {
        if (weight[id] >= cut) {
          if (count == keys.length) {
            keys = Arrays.copyOf(keys, count * 2);
          }
          keys[count++] = rankKey(logits[id], id);
          kept += weight[id];
        }
      }
      if (kept >= p * total || threshold == 0) {
        Arrays.sort(keys, 0, count);
        int[] ranked = new int[count];
        for (int i = 0; i < count; i++) {
          ranked[i] = idOf(keys[count - 1 - i]);
        }
        return prefixReaching(ranked, weight, p * total);
      }
    }
    throw new AssertionError("the last threshold admits every token");
  }

  /** The shortest best-first prefix whose mass reaches {@code target}: a token stays while the mass before it is below target. */
  private static int[] prefixReaching(int[] ranked, float[] weight, double target) {
    double before = 0;
    int n = 0;
    while (n < ranked.length && before < target) {
      before += weight[ranked[n++]];
    }
    return Arrays.copyOf(ranked, Math.max(n, 1));
  }

  /**
   * A long whose signed order is (logit ascending, id descending), so the largest key is the best
   * token: the float's bits made monotone (negative floats get their magnitude bits flipped) above
   * the complemented id.
   */
  static long rankKey(float logit, int id) {
    int bits = Float.floatToIntBits(logit + 0.0f); // -0.0 + 0.0 is +0.0: equal logits, equal keys
    int monotone = bits ^ ((bits >> 31) & 0x7fffffff);
    return ((long) monotone << 32) | (~id & 0xffffffffL);
  }

  static int idOf(long rankKey) {
    return ~(int) rankKey;
  }

  private static float logitOf(long rankKey) {
    int monotone = (int) (rankKey >> 32);
    return Float.intBitsToFloat(monotone ^ ((monotone >> 31) & 0x7fffffff));
  }

  private static void siftUp(long[] heap, int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= heap[i]) {
        return;
      }
      swap(heap, parent, i);
      i = parent;
    }
  }

  private static void siftDown(long[] heap, int size) {
    int i = 0;
    while (true) {
      int smallest = i;
      int left = 2 * i + 1;
      int right = left + 1;
      if (left < size && heap[left] < heap[smallest]) {
        smallest = left;
      }
      if (right < size && heap[right] < heap[smallest]) {
        smallest = right;
      }
      if (smallest == i) {
        return;
      }
      swap(heap, smallest, i);
      i = smallest;
    }
  }

  private static void swap(long[] a, int i, int j) {
    long t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
