package dev.kvrag.engine.fusion;

import java.util.Arrays;

/** Top-k selection as the reference code does it: a stable descending sort, so ties go to the lower index. */
public final class TopK {

  private TopK() {
  }

  /** The indices of the {@code k} largest {@code scores}, ties to the lower index, returned ascending. */
  public static int[] ascending(double[] scores, int k) {
    if (k < 0 || k > scores.length) {
      throw new IllegalArgumentException("top " + k + " of " + scores.length + " scores");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    int[] top = new int[k];
    for (int i = 0; i < k; i++) {
      top[i] = order[i];
    }
    Arrays.sort(top);
    return top;
  }
}
