package dev.kvrag.engine.compress;

/**
 * How SnapKV smooths its per-position scores so that clusters of neighbouring tokens survive together: a centred
 * window of {@code k} positions, positions outside the prompt counting as zero (avg: sum / k, as
 * {@code avg_pool1d(padding=k/2, count_include_pad=True)}; max: max over the positions inside).
 */
public enum ScorePooling {
  AVG,
  MAX;

  /** {@code out[j]} = the pooled score of position {@code j}, over {@code scores[0, n)}. */
  void pool(double[] scores, int n, int kernel, double[] out) {
    int r = kernel / 2;
    for (int j = 0; j < n; j++) {
      int lo = Math.max(0, j - r);
      int hi = Math.min(n - 1, j + r);
      if (this == AVG) {
        double sum = 0;
        for (int i = lo; i <= hi; i++) {
          sum += scores[i];
        }
        out[j] = sum / kernel;
      } else {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = lo; i <= hi; i++) {
          max = Math.max(max, scores[i]);
        }
        out[j] = max;
      }
    }
  }

  public static ScorePooling parse(String name) {
    for (ScorePooling p : values()) {
      if (p.name().equalsIgnoreCase(name.strip())) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown snapkv pooling '" + name + "' (avg, max)");
  }
}
