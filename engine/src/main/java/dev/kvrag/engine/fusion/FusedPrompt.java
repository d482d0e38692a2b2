package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.model.Transformer;

/**
 * A fused prompt: the session to decode from, the question's final hidden states (logits on demand: the first
 * token needs only the last row), what was recomputed, and the observation window's queries when SnapKV is to
 * follow.
 *
 * @param questionHidden final-normed hidden states of the question tokens, {@code [q][hidden]}
 * @param window SnapKV's observation window, or null when none was asked for
 */
public record FusedPrompt(FusedSession session, FusedLayout layout, Activations questionHidden, Recompute recompute,
                          WindowQueries window) {

  /** A prompt whose question rows are the last {@code q} of {@code hidden} (final-normed, {@code [n][hidden]}). */
  static FusedPrompt of(FusedSession session, FusedLayout layout, Activations hidden, int rows, Recompute recompute,
                        WindowQueries window) {
    int dim = session.model().config().hiddenSize();
    int q = layout.questionLength();
    Activations question = session.model().backend().gatherRows(hidden, dim, FusedLayout.range(rows - q, q));
    hidden.close();
    return new FusedPrompt(session, layout, question, recompute, window);
  }

  /** Logits of every question token, {@code [q][vocab]}. */
  public float[] questionLogits() {
    return model().logits(questionHidden, 0, layout.questionLength());
  }

  /** Logits after the last question token: what the first generated token is sampled from. */
  public float[] lastLogits() {
    return model().logits(questionHidden, layout.questionLength() - 1, 1);
  }

  private Transformer model() {
    return session.model();
  }
}
