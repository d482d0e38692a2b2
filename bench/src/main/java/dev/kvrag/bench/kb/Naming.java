package dev.kvrag.bench.kb;

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
    return OptionLabels.parse(Naming.class, text, "naming");
  }

  public String label() {
    return OptionLabels.of(this);
  }
}
