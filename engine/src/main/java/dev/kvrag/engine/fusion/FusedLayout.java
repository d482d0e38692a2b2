package dev.kvrag.engine.fusion;

import java.util.List;

/**
 * Cache slots of a fused prompt: prefix {@code [0, P)}, chunk {@code i} at {@code [s_i, s_i + n_i)} with
 * {@code s_i = P + Σ_{j<i} n_j}, question {@code [Nc, N)}, generated tokens from {@code N} on. Positions equal
 * slots except under APE.
 *
 * @param contextEnd {@code Nc = P + Σ n_i}
 * @param promptEnd {@code N = Nc + q}
 */
public record FusedLayout(int prefixLength, int[] chunkStarts, int[] chunkLengths, int contextEnd, int promptEnd) {

  static FusedLayout of(int prefixLength, List<int[]> chunks, int questionLength) {
    int[] starts = new int[chunks.size()];
    int[] lengths = new int[chunks.size()];
    int s = prefixLength;
    for (int i = 0; i < starts.length; i++) {
      starts[i] = s;
      lengths[i] = chunks.get(i).length;
      s += lengths[i];
    }
    return new FusedLayout(prefixLength, starts, lengths, s, s + questionLength);
  }

  public int questionLength() {
    return promptEnd - contextEnd;
  }

  public int longestChunk() {
    int max = 0;
    for (int n : chunkLengths) {
      max = Math.max(max, n);
    }
    return max;
  }

  /** Prefix, chunks and question ids concatenated: the sequential prompt. */
  static int[] promptIds(FusionInput in) {
    FusedLayout layout = in.layout();
    int[] ids = new int[layout.promptEnd()];
    System.arraycopy(in.prefix(), 0, ids, 0, layout.prefixLength());
    for (int i = 0; i < layout.chunkStarts().length; i++) {
      System.arraycopy(in.chunks().get(i), 0, ids, layout.chunkStarts()[i], layout.chunkLengths()[i]);
    }
    System.arraycopy(in.question(), 0, ids, layout.contextEnd(), layout.questionLength());
    return ids;
  }

  static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
