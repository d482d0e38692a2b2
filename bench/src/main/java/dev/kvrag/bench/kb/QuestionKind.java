package dev.kvrag.bench.kb;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The question categories of the quality report; {@link #key()} is the JSON key. */
public enum QuestionKind {
  /** The answer is stated in one chunk that names the subject. */
  SINGLE_HOP,
  /** Two facts in chunks of two pages: "In which city is the team that owns quarnel-store based?" */
  MULTI_HOP,
  /** Single-hop, with near-miss chunks beside it: the same relation for similarly named entities. */
  DISTRACTOR,
  /** The answer's chunk says only "It" or "The team"; who that is, the chunk before it says. */
  CROSS_CHUNK,
  /**
   * Multi-hop whose second fact's chunk names the bridge entity only as "It" or "The team", as a cross_chunk answer
   * does: "In which city is the team that owns quarnel-store based?" over "X owns quarnel-store", "Quarnel is a team
   * …" and "It is based in Oslo". Chaining it takes the chunks' order as well as both facts, which is what chunks
   * encoded apart lose (issue 5: the harder multi-hop that exposes NAIVE where plain multi-hop does not).
   */
  BRIDGED_MULTI_HOP;

  /** Whether the answer's chunk leaves its subject to the chunk before it, so that the chunks' order matters. */
  public boolean answeredByAnUnnamedChunk() {
    return this == CROSS_CHUNK || this == BRIDGED_MULTI_HOP;
  }

  /** The kinds a mix gives a share to, in this enum's order (the order of every per-kind table). */
  public static List<QuestionKind> askedBy(Map<QuestionKind, Double> mix) {
    return Arrays.stream(values()).filter(mix::containsKey).toList();
  }

  /** Whether answering chains two facts. */
  public boolean multiHop() {
    return this == MULTI_HOP || this == BRIDGED_MULTI_HOP;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static QuestionKind parse(String key) {
    for (QuestionKind k : values()) {
      if (k.key().equals(key)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown question kind '" + key + "' ("
        + Arrays.stream(values()).map(QuestionKind::key).collect(Collectors.joining(", ")) + ")");
  }
}
