package dev.kvrag.engine.generate;

/**
 * A causal language model with its KV cache, as the generation loop sees it.
 *
 * <p>Each call appends {@code tokenIds} at the next positions (the cache grows by their count) and
 * returns the logits that predict the token after the last one.
 */
public interface TokenModel {

  int vocabSize();

  /** Appends tokens at the next positions and returns the last token's logits, length {@link #vocabSize()}. */
  float[] feed(int[] tokenIds);
}
