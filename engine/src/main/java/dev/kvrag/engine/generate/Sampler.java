package dev.kvrag.engine.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Picks the next token from a logit vector: greedy, or temperature → top-k → top-p → draw, as
 * Hugging Face's warpers chain them.
 *
 * <p>Ties are broken towards the lower token id everywhere: greedy returns the lowest id among the
 * maximal logits, and top-k keeps exactly k tokens, preferring lower ids at the boundary (HF keeps
 * every token tied with the k-th). So top-k 1 is greedy.
 *
 * <p>One sampler per generation: it owns a {@link SplittableRandom} seeded from the params, whose
 * algorithm is fixed by its specification, so a seed reproduces the same tokens on every JVM.
 */
public final class Sampler {

  /** Mass thresholds for the nucleus prefilter; the final 0 admits every token. */
  private static final double[] NUCLEUS_PREFILTER = {1e-3, 1e-6, 1e-9, 0};

  private final SamplingParams params;
  private final RandomGenerator random;

  public Sampler(SamplingParams params) {
    this.params = params;
    this.random = new SplittableRandom(params.seed());
  }

  public int sample(float[] logits) {
    if (logits.length == 0) {
      throw new IllegalArgumentException("cannot sample from an empty logit vector");
    }
    if (greedy()) {
      return argmax(logits);
    }
    double[] weight = weights(logits);
    int[] candidates = candidates(logits, weight);
    return candidates == null ? draw(weight) : draw(candidates, weight);
  }

  /** A temperature so small that 1/T overflows leaves only the argmax, as T to 0 does. */
  private boolean greedy() {
    return params.isGreedy() || Double.isInfinite(1.0 / params.temperature());
  }

  /** exp((logit - max) / T): the unnormalised temperature softmax, every weight in [0, 1] so nothing overflows. */
  private double[] weights(float[] logits) {
    float max = checkedMax(logits);
    double inverseTemperature = 1.0 / params.temperature();
    double[] weight = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      weight[i] = Math.exp(((double) logits[i] - max) * inverseTemperature);
    }
    return weight;
  }

  /** The ids top-k and top-p leave, best first; null when neither truncates (every id stays). */
  private int[] candidates(float[] logits, double[] weight) {
    int[] candidates = null;
    if (params.topK() > 0 && params.topK() < logits.length) {
      candidates = topK(logits, params.topK());
    }
    if (params.topP() < 1) {
      candidates = candidates != null
          ? nucleusPrefix(candidates, weight, params.topP())
          : nucleus(logits, weight, params.topP());
    }
    return candidates;
  }

  /** The ids a non-greedy draw can return under these params, best first. */
  int[] keptIds(float[] logits) {
    if (greedy()) {
      return new int[] {argmax(logits)};
    }
    double[] weight = weights(logits);
    int[] candidates = candidates(logits, weight);
    if (candidates == null) {
      candidates = topK(logits, logits.length);
    }
    return Arrays.stream(candidates).filter(id -> weight[id] > 0).toArray();
  }

  /** The index of the largest logit, the lowest such index on ties. */
  public static int argmax(float[] logits) {
    int best = -1;
    float bestLogit = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float l = logits[i];
      if (Float.isNaN(l)) {
        throw new IllegalStateException("model returned NaN logit for token id " + i);
      }
      if (best < 0 || l > bestLogit) {
        best = i;
        bestLogit = l;
      }
    }
    return best;
  }

  private static float checkedMax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float l = logits[i];
      if (Float.isNaN(l) || l == Float.POSITIVE_INFINITY) {
        throw new IllegalStateException("model returned logit " + l + " for token id " + i);
      }
      max = Math.max(max, l);
    }
    if (max == Float.NEGATIVE_INFINITY) {
      throw new IllegalStateException("every logit is -infinity: no token can be sampled");
    }
    return max;
  }

  /** The k best ids, best first (higher logit, then lower id), via a min-heap of rank keys. */
  static int[] topK(float[] logits, int k) {
    long[] heap = new long[k];
    int size = 0;
    for (int id = 0; id < logits.length; id++) {
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
  private static int[] nucleus(float[] logits, double[] weight, double p) {
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    for (double threshold : NUCLEUS_PREFILTER) {
      double cut = threshold * total;
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

  /** Nucleus within candidates already ranked best first; p is relative to their own mass (HF renormalises after top-k). */
  private static int[] nucleusPrefix(int[] ranked, double[] weight, double p) {
    double mass = 0;
    for (int id : ranked) {
      mass += weight[id];
    }
    return prefixReaching(ranked, weight, p * mass);
  }

  /** The shortest best-first prefix whose mass reaches {@code target}: a token stays while the mass before it is below target. */
  private static int[] prefixReaching(int[] ranked, double[] weight, double target) {
    double before = 0;
    int n = 0;
    while (n < ranked.length && before < target) {
      before += weight[ranked[n++]];
    }
    return Arrays.copyOf(ranked, Math.max(n, 1));
  }

  private int draw(double[] weight) {
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    int last = -1;
    for (int id = 0; id < weight.length; id++) {
      if (weight[id] > 0) {
        cumulative += weight[id];
        last = id;
        if (u < cumulative) {
          return id;
        }
      }
    }
    return last; // u landed in the rounding gap at the top end
  }

  private int draw(int[] candidates, double[] weight) {
    double total = 0;
    for (int id : candidates) {
      total += weight[id];
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    int last = candidates[0];
    for (int id : candidates) {
      if (weight[id] > 0) {
        cumulative += weight[id];
        last = id;
        if (u < cumulative) {
          return id;
        }
      }
    }
    return last;
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
