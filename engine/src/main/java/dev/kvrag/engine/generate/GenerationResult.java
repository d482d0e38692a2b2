package dev.kvrag.engine.generate;

import java.util.Arrays;

/**
 * What one generation produced.
 *
 * @param tokenIds every sampled token in order, including the final EOS id or the token that
 *     completed a stop string
 * @param text the decoded text (special tokens skipped), without the EOS and without the stop string
 *     and anything after it; exactly the concatenation of what was streamed
 * @param promptNanos time to first token: prefill of the prompt plus the first sampling step
 * @param decodeNanos from the first token to the end: the remaining forward passes, sampling,
 *     detokenizing and the streaming callback
 */
public record GenerationResult(int[] tokenIds, String text, FinishReason finishReason,
                               long promptNanos, long decodeNanos) {

  /** Decode throughput: tokens after the first, per second of decode time (0 for a single token). */
  public double decodeTokensPerSecond() {
    return tokenIds.length < 2 || decodeNanos <= 0 ? 0 : (tokenIds.length - 1) * 1e9 / decodeNanos;
  }

  @Override
  public String toString() {
    return "GenerationResult[tokenIds=" + Arrays.toString(tokenIds) + ", text=" + text + ", finishReason="
        + finishReason + ", promptNanos=" + promptNanos + ", decodeNanos=" + decodeNanos + "]";
  }
}
