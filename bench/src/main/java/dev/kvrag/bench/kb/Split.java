package dev.kvrag.bench.kb;

import java.util.Locale;

/**
 * Train or held-out. The two splits draw every name (first and last names, team, project, city
 * and service-stem words, company names) from disjoint halves of one generated name space, so a
 * held-out knowledge base mentions no entity the model was trained on: it must read, not recall.
 */
public enum Split {
  TRAIN,
  HELDOUT;

  /**
   * The split a name word belongs to: a fixed rule (top bit of a 64-bit FNV-1a hash of the
   * lower-cased word, passed through SplitMix64's finalizer so that similar words scatter).
   */
  public static Split of(String word) {
    long h = 0xcbf29ce484222325L;
    String w = word.toLowerCase(Locale.ROOT);
    for (int i = 0; i < w.length(); i++) {
      h ^= w.charAt(i);
      h *= 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h < 0 ? HELDOUT : TRAIN;
  }

  public static Split parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "train" -> TRAIN;
      case "heldout", "held-out", "test" -> HELDOUT;
      default -> throw new IllegalArgumentException("unknown split '" + text + "' (train or heldout)");
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
