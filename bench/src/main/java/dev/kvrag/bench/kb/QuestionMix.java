package dev.kvrag.bench.kb;

import java.util.Locale;
import java.util.Map;

/**
 * The shares of the question kinds that a split asks. A mix defines the held-out split as much as the seed does (the
 * generator draws a kind per question), so every figure names the mix it was measured on.
 *
 * <p>{@link #FOUR_KINDS} is the demo model's training and benchmark mix: multi-hop, the hardest kind to learn, a
 * little more often. {@link #WITH_BRIDGED} adds bridged multi-hop (issue 5's harder multi-hop, {@link
 * QuestionKind#BRIDGED_MULTI_HOP}) at 20 %, with the two multi-hop kinds 40 % together and cross_chunk kept at 25 %;
 * a model must be trained on it before its figures mean anything (docs/DEMO-MODEL.md, session 14).
 */
public enum QuestionMix {
  FOUR_KINDS(Map.of(QuestionKind.SINGLE_HOP, 0.25, QuestionKind.MULTI_HOP, 0.30, QuestionKind.DISTRACTOR, 0.20,
      QuestionKind.CROSS_CHUNK, 0.25)),
  WITH_BRIDGED(Map.of(QuestionKind.SINGLE_HOP, 0.20, QuestionKind.MULTI_HOP, 0.20, QuestionKind.DISTRACTOR, 0.15,
      QuestionKind.CROSS_CHUNK, 0.25, QuestionKind.BRIDGED_MULTI_HOP, 0.20));

  private final Map<QuestionKind, Double> shares;

  QuestionMix(Map<QuestionKind, Double> shares) {
    this.shares = shares;
  }

  /** Each kind's share; a kind the mix does not ask is absent. */
  public Map<QuestionKind, Double> shares() {
    return shares;
  }

  /** {@code four-kinds} or {@code with-bridged}. */
  public static QuestionMix parse(String text) {
    for (QuestionMix m : values()) {
      if (m.label().equals(text)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown question mix '" + text + "' (four-kinds, with-bridged)");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
