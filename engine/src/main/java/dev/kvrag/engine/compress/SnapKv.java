package dev.kvrag.engine.compress;

import dev.kvrag.engine.fusion.FusedAttention;
import dev.kvrag.engine.fusion.FusedPrompt;
import dev.kvrag.engine.fusion.FusedSession;
import dev.kvrag.engine.fusion.TopK;
import dev.kvrag.engine.fusion.WindowQueries;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.model.ModelConfig;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SnapKV (Li et al., 2024; DESIGN §4) on a fused prompt's cache, before decoding. Per layer: the attention
 * distributions of the last {@code w} prompt tokens (the observation window, under the mode's own attention: for
 * APE the merged {@code w·p_c + (1 − w)·p_o}) over the earlier {@code N − w} positions, summed over the window
 * rows, averaged over the query heads of each kv head (GQA, as NVIDIA kvpress does), pooled
 * ({@link ScorePooling}, kernel {@code k}); each kv head keeps its top {@code C − w} positions (ties to the lower
 * position) plus the window. A prompt of {@code N ≤ C} tokens is left as it is.
 *
 * <p>The capacity is fixed ({@code capacity=C}) or a share of each prompt ({@code keep=f}: {@code C = max(w + 1,
 * ⌈f·N⌉)}, so {@code keep=0.25} is 4x compression of every prompt, whatever its length — the form of kvpress's
 * compression ratio; with {@code keep} the record's {@code capacity} is 0).
 *
 * <p>Layout: every kv head keeps exactly {@code C} entries, so the compacted cache stays one rectangular
 * {@code [kvHeads][C][headDim]} block per layer, head {@code g}'s row {@code j} holding its {@code j}-th kept
 * position. Keys carry their RoPE positions, so generated tokens keep their true positions
 * ({@code N, N + 1, ...}) while taking slots {@code C, C + 1, ...}, and attend to exactly the kept entries of
 * their kv head and each other. The sequential modes' attention runs unchanged (one backend call per layer);
 * APE's chunk range now differs per head and is attended head by head.
 */
public record SnapKv(int window, int kernel, int capacity, ScorePooling pooling, double keep) {

  public static final int DEFAULT_WINDOW = 32;
  public static final int DEFAULT_KERNEL = 5;

  public SnapKv {
    if (window < 1) {
      throw new IllegalArgumentException("snapkv window must be at least 1, got " + window);
    }
    if (kernel < 1 || kernel % 2 == 0) {
      throw new IllegalArgumentException("snapkv kernel must be odd and positive (a centred window), got " + kernel);
    }
    if (keep == 0 && capacity <= window) {
      throw new IllegalArgumentException("snapkv capacity " + capacity + " must exceed the window " + window);
    }
    if (keep != 0 && (!(keep > 0 && keep < 1) || capacity != 0)) {
      throw new IllegalArgumentException("snapkv keep must lie strictly between 0 and 1 (and comes without a "
          + "capacity), got keep=" + keep + (capacity != 0 ? " with capacity=" + capacity : ""));
    }
  }

  /** A fixed capacity. */
  public SnapKv(int window, int kernel, int capacity, ScorePooling pooling) {
    this(window, kernel, capacity, pooling, 0);
  }

  /**
   * This SnapKV with its observation window cut to a question of {@code questionTokens} tokens: the window observes
   * question tokens only, since they are the ones every fusion mode computes (a CACHEBLEND or NAIVE prompt never runs
   * the queries of reused chunk tokens). With the reference default of 32 and a shorter question, the whole question
   * is the window.
   */
  public SnapKv windowWithin(int questionTokens) {
    int w = Math.min(window, questionTokens);
    return w == window ? this : new SnapKv(w, kernel, capacity, pooling, keep);
  }

  /** The capacity for a prompt of {@code n} tokens. */
  public int capacityFor(int n) {
    return keep == 0 ? capacity : Math.max(window + 1, (int) Math.ceil(keep * n));
  }

  /**
   * {@code snapkv:capacity=C|keep=f[,window=w][,kernel=k][,pooling=avg|max]}; or from a parameter map with the same keys
   * ({@link #of}).
   */
  public static SnapKv parse(String spec) {
    String s = spec.strip();
    if (!s.startsWith("snapkv")) {
      throw new IllegalArgumentException("not a snapkv spec: '" + spec + "' (snapkv:capacity=C,window=w,kernel=k)");
    }
    Map<String, String> params = new LinkedHashMap<>();
    int colon = s.indexOf(':');
    if (colon >= 0 && !s.substring(colon + 1).isBlank()) {
      for (String pair : s.substring(colon + 1).split(",")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("snapkv parameter '" + pair.strip() + "' needs a value (key=value)");
        }
        params.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return of(params);
  }

  /** From named parameters; {@code capacity} or {@code keep} is required, unknown names are errors that name them. */
  public static SnapKv of(Map<String, String> params) {
    for (String key : params.keySet()) {
      if (!key.equals("window") && !key.equals("kernel") && !key.equals("capacity") && !key.equals("pooling")
          && !key.equals("keep")) {
        throw new IllegalArgumentException("unknown snapkv parameter '" + key + "' (parameters: capacity, keep, "
            + "kernel, pooling, window)");
      }
    }
    if (params.containsKey("capacity") && params.containsKey("keep")) {
      throw new IllegalArgumentException("snapkv takes a capacity or a kept share, not both");
    }
    if (!params.containsKey("capacity") && !params.containsKey("keep")) {
      throw new IllegalArgumentException("snapkv needs a capacity (capacity=C tokens) or a kept share (keep=f, e.g. "
          + "keep=0.25 for 4x)");
    }
    return new SnapKv(integer(params, "window", DEFAULT_WINDOW), integer(params, "kernel", DEFAULT_KERNEL),
        integer(params, "capacity", 0), params.containsKey("pooling") ? ScorePooling.parse(params.get("pooling"))
        : ScorePooling.AVG, share(params.get("keep")));
  }

  private static double share(String v) {
    if (v == null) {
      return 0;
    }
    try {
      double d = Double.parseDouble(v);
      if (d > 0 && d < 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("snapkv keep must be a number strictly between 0 and 1, got '" + v + "'");
  }

  private static int integer(Map<String, String> params, String key, int fallback) {
    String v = params.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v);
      if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("snapkv " + key + " must be an integer, got '" + v + "'");
    }
  }

  /**
   * The session to decode from: {@code prompt}'s own session when the prompt fits the capacity, else one over the
   * compacted cache. The prompt must have been fused with an observation window of {@code window} tokens.
   */
  public FusedSession compress(FusedPrompt prompt) {
    FusedSession session = prompt.session();
    int n = prompt.layout().promptEnd();
    if (keep != 0) {
      return new SnapKv(window, kernel, capacityFor(n), pooling).compress(prompt);
    }
    if (session.nextSlot() != n) {
      throw new IllegalStateException("SnapKV applies to a prompt before decoding");
    }
    if (n <= capacity) {
      return session;
    }
    WindowQueries queries = prompt.window();
    if (queries == null || queries.size() != window || queries.firstSlot() != n - window) {
      throw new IllegalArgumentException("the prompt was fused without SnapKV's observation window of " + window
          + " tokens");
    }
    int limit = Math.min(session.positionLimit(), FusedSession.slidingWindow(session.model()));
    int[][][] kept = select(session, queries, n);
    KvCache compacted = compact(session, kept);
    FusedAttention attention = session.attention().compacted(kept);
    return new FusedSession(session.model(), compacted, attention, capacity, session.nextPosition(), limit);
  }

  /**
   * Per layer and kv head the kept positions, ascending: the top {@code C − w} pooled scores, then the window. The
   * layers are scored in parallel on the backend's host threads.
   */
  int[][][] select(FusedSession session, WindowQueries queries, int n) {
    int[][][] kept = new int[session.model().config().layers()][][];
    session.model().backend().forEachPart(kept.length, l -> kept[l] = selectLayer(session, queries, n, l));
    return kept;
  }

  private int[][] selectLayer(FusedSession session, WindowQueries queries, int n, int l) {
    ModelConfig c = session.model().config();
    int heads = c.heads();
    int kvHeads = c.kvHeads();
    int group = heads / kvHeads;
    int scored = n - window;
    int[][] kept = new int[kvHeads][];
    LayerKv kv = session.cache().layer(l);
    float[] q = queries.queries(l);
    double[][] byHead = new double[heads][scored];
    session.attention().addWindowAttention(l, q, window, queries.firstSlot(), kv, byHead);
    double[] score = new double[scored];
    double[] pooled = new double[scored];
    for (int g = 0; g < kvHeads; g++) {
      Arrays.fill(score, 0);
      for (int h = g * group; h < (g + 1) * group; h++) {
        for (int s = 0; s < scored; s++) {
          score[s] += byHead[h][s];
        }
      }
      for (int s = 0; s < scored; s++) {
        score[s] /= group;
      }
      pooling.pool(score, scored, kernel, pooled);
      int[] top = TopK.ascending(pooled, capacity - window);
      int[] keep = Arrays.copyOf(top, capacity);
      for (int r = 0; r < window; r++) {
        keep[capacity - window + r] = scored + r;
      }
      kept[g] = keep;
    }
    return kept;
  }

  /** The kept entries as a new cache, one layer per part on the backend's host threads (reading host copies). */
  private KvCache compact(FusedSession session, int[][][] kept) {
    ModelConfig c = session.model().config();
    int kvHeads = c.kvHeads();
    int hd = c.headDim();
    KvCache out = session.model().newCache(capacity + 64);
    int[] slots = new int[capacity];
    for (int j = 0; j < capacity; j++) {
      slots[j] = j;
    }
    session.model().backend().forEachPart(c.layers(), l -> {
      float[] k = new float[capacity * kvHeads * hd];
      float[] v = new float[capacity * kvHeads * hd];
      LayerKv src = session.cache().layer(l);
      for (int g = 0; g < kvHeads; g++) {
        float[] keys = src.keys(g);
        float[] values = src.values(g);
        for (int j = 0; j < capacity; j++) {
          int from = kept[l][g][j] * hd;
          System.arraycopy(keys, from, k, (j * kvHeads + g) * hd, hd);
          System.arraycopy(values, from, v, (j * kvHeads + g) * hd, hd);
        }
      }
      out.layer(l).write(slots, k, v, capacity);
    });
    return out;
  }

  @Override
  public String toString() {
    return "snapkv:window=" + window + ",kernel=" + kernel + (keep == 0 ? ",capacity=" + capacity : ",keep=" + keep)
        + ",pooling="
        + pooling.name().toLowerCase(Locale.ROOT);
  }
}
