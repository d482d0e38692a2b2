package dev.kvrag.bench.kb;

import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * How long a chunk may be, in tokens of some tokenizer. The platform chunks with the model's own
 * tokenizer; the generator, which runs before any tokenizer exists, uses {@link #ESTIMATE}.
 *
 * @param maxTokens no chunk is longer, unless one sentence alone is
 */
public record ChunkBudget(int maxTokens, ToIntFunction<String> tokenCount) {

  /**
   * One token per four characters, rounded up. English prose under a byte-level BPE of a few
   * thousand entries runs at about 4.5–5 characters a token and the made-up names at 3–4, so this
   * errs long: real chunks come out somewhat shorter than the budget says.
   */
  public static final ToIntFunction<String> ESTIMATE = text -> (text.length() + 3) / 4;

  /** Chunks of about 100–200 estimated tokens: two or three per page. */
  public static final ChunkBudget DEFAULT = new ChunkBudget(200, ESTIMATE);

  public ChunkBudget {
    Objects.requireNonNull(tokenCount, "token count");
    if (maxTokens < 16) {
      throw new IllegalArgumentException("a chunk budget of " + maxTokens + " tokens is too small (16 at least)");
    }
  }

  public static ChunkBudget estimated(int maxTokens) {
    return new ChunkBudget(maxTokens, ESTIMATE);
  }
}
