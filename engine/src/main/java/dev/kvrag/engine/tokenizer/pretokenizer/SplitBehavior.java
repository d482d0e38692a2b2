package dev.kvrag.engine.tokenizer.pretokenizer;

import java.util.Arrays;

/**
 * What a split does with the stretches its pattern matches ("delimiters"), HF's {@code
 * SplitDelimiterBehavior}: drop them, keep each as its own piece, glue each to the piece before or
 * after it, or glue runs of consecutive delimiters together.
 */
public enum SplitBehavior {
  REMOVED,
  ISOLATED,
  MERGED_WITH_PREVIOUS,
  MERGED_WITH_NEXT,
  CONTIGUOUS;

  static SplitBehavior fromJson(String name) {
    return switch (name) {
      case "Removed" -> REMOVED;
      case "Isolated" -> ISOLATED;
      case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
      case "MergedWithNext" -> MERGED_WITH_NEXT;
      case "Contiguous" -> CONTIGUOUS;
      default -> throw new IllegalArgumentException("unknown split behavior '" + name + "'");
    };
  }

  /**
   * Cuts {@code text} around the delimiters {@code matches} (start/end pairs, sorted, disjoint) and
   * appends the non-empty pieces to {@code out}. {@code invert} swaps the roles of delimiters and
   * the text between them.
   */
  void cut(Piece piece, int[] matches, int matchCount, boolean invert, java.util.List<Piece> out) {
    String text = piece.text();
    // The covering list of HF's Pattern::find_matches: every gap and every match, in order.
    int[] start = new int[2 * matchCount + 1];
    int[] end = new int[2 * matchCount + 1];
    boolean[] isMatch = new boolean[2 * matchCount + 1];
    int n = 0;
    int previous = 0;
    for (int i = 0; i < matchCount; i++) {
      int s = matches[2 * i];
      int e = matches[2 * i + 1];
      if (previous != s) {
        start[n] = previous;
        end[n] = s;
        isMatch[n++] = invert;
      }
      start[n] = s;
      end[n] = e;
      isMatch[n++] = !invert;
      previous = e;
    }
    if (previous != text.length() || n == 0) {
      start[n] = previous;
      end[n] = text.length();
      isMatch[n++] = invert;
    }

    int kept = 0;
    int[] keptStart = new int[n];
    int[] keptEnd = new int[n];
    switch (this) {
      case REMOVED -> {
        for (int i = 0; i < n; i++) {
          if (!isMatch[i]) {
            keptStart[kept] = start[i];
            keptEnd[kept++] = end[i];
          }
        }
      }
      case ISOLATED -> {
        keptStart = Arrays.copyOf(start, n);
        keptEnd = Arrays.copyOf(end, n);
        kept = n;
      }
      case MERGED_WITH_PREVIOUS -> {
        boolean previousMatch = false;
        for (int i = 0; i < n; i++) {
          if (isMatch[i] && !previousMatch && kept > 0) {
            keptEnd[kept - 1] = end[i];
          } else {
            keptStart[kept] = start[i];
            keptEnd[kept++] = end[i];
          }
          previousMatch = isMatch[i];
        }
      }
      case MERGED_WITH_NEXT -> {
        // HF folds from the right: a delimiter joins the piece after it.
        boolean previousMatch = false;
        for (int i = n - 1; i >= 0; i--) {
          if (isMatch[i] && !previousMatch && kept > 0) {
            keptStart[kept - 1] = start[i];
          } else {
            keptStart[kept] = start[i];
            keptEnd[kept++] = end[i];
          }
          previousMatch = isMatch[i];
        }
        reverse(keptStart, kept);
        reverse(keptEnd, kept);
      }
      case CONTIGUOUS -> {
        boolean previousMatch = false;
        for (int i = 0; i < n; i++) {
          if (isMatch[i] == previousMatch && kept > 0) {
            keptEnd[kept - 1] = end[i];
          } else {
            keptStart[kept] = start[i];
            keptEnd[kept++] = end[i];
          }
          previousMatch = isMatch[i];
        }
      }
    }
    for (int i = 0; i < kept; i++) {
      if (keptEnd[i] > keptStart[i]) {
        out.add(
            new Piece(
                text.substring(keptStart[i], keptEnd[i]),
                piece.atTextStart() && keptStart[i] == 0));
      }
    }
  }

  private static void reverse(int[] a, int n) {
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
