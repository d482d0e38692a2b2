package dev.kvrag.bench.kb;

import java.util.Locale;

/** The question categories of the quality report; {@link #key()} is the JSON key. */
public enum QuestionKind {
  /** The answer is stated in one chunk that names the subject. */
  SINGLE_HOP,
  /** Two facts in chunks of two pages: "In which city is the team that owns quarnel-store based?" */
  MULTI_HOP,
  /** Single-hop, with near-miss chunks beside it: the same relation for similarly named entities. */
  DISTRACTOR,
  /** The answer's chunk says only "It" or "The team"; who that is, the chunk before it says. */
  CROSS_CHUNK;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static QuestionKind parse(String key) {
    for (QuestionKind k : values()) {
      if (k.key().equals(key)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown question kind '" + key
        + "' (single_hop, multi_hop, distractor, cross_chunk)");
  }
}
