package dev.kvrag.bench.kb;

import java.util.Locale;

/**
 * How a page's fact sentences refer to the page's subject.
 *
 * <p>{@link #AS_WRITTEN} is the knowledge base: mostly "It", "She", "The team", as in real documents,
 * so a fact is often understood only through the page around it. Every benchmark and the platform's
 * demo corpus use it. {@link #FACTS_NAMED} names the subject in every fact sentence (fillers stay as
 * written): easier text for the first part of the demo model's training, where a fact and its subject
 * sit in one sentence and the model can learn to look facts up before it must learn to follow "It"
 * across a page. It draws the same random numbers, so the two texts differ only in those mentions.
 */
public enum Naming {
  AS_WRITTEN,
  FACTS_NAMED;

  /** {@code as-written} or {@code facts-named}. */
  public static Naming parse(String text) {
    for (Naming n : values()) {
      if (n.label().equals(text)) {
        return n;
      }
    }
    throw new IllegalArgumentException("unknown naming '" + text + "' (as-written, facts-named)");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
