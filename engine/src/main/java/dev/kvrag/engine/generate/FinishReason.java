package dev.kvrag.engine.generate;

/** Why generation ended. */
public enum FinishReason {
  /** The model sampled one of the end-of-sequence (or end-of-turn) ids. */
  EOS,
  /** The decoded text completed one of {@link SamplingParams#stopStrings()}. */
  STOP_STRING,
  /** {@link SamplingParams#maxTokens()} tokens were generated. */
  MAX_TOKENS
}
