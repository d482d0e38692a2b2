package dev.kvrag.bench.kb;

import java.util.Map;

/**
 * The shares of the question kinds that a split asks. A mix defines the held-out split as much as the seed does (the
 * generator draws a kind per question), so every figure names the mix it was measured on.
 *
 * <p>{@link #WITH_BRIDGED} is the demo model's training and benchmark mix since run 24 ({@link #DEFAULT};
 * docs/DEMO-MODEL.md, session 15): bridged multi-hop (issue 5's harder multi-hop, {@link
 * QuestionKind#BRIDGED_MULTI_HOP}) at 20 %, with the two multi-hop kinds 40 % together and cross_chunk at 25 %.
 * {@link #FOUR_KINDS} is the mix of runs 1–20 (multi-hop, the hardest kind to learn, a little more often), and the
 * split of the GPU parity fixture.
 */
public enum QuestionMix {
  FOUR_KINDS(Map.of(QuestionKind.SINGLE_HOP, 0.25, QuestionKind.MULTI_HOP, 0.30, QuestionKind.DISTRACTOR, 0.20,
      QuestionKind.CROSS_CHUNK, 0.25)),
  WITH_BRIDGED(Map.of(QuestionKind.SINGLE_HOP, 0.20, QuestionKind.MULTI_HOP, 0.20, QuestionKind.DISTRACTOR, 0.15,
      QuestionKind.CROSS_CHUNK, 0.25, QuestionKind.BRIDGED_MULTI_HOP, 0.20));

  /** What every split asks unless told otherwise: the committed demo model's mix. */
  public static final QuestionMix DEFAULT = WITH_BRIDGED;

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
    return OptionLabels.parse(QuestionMix.class, text, "question mix");
  }

  public String label() {
    return OptionLabels.of(this);
  }
}
