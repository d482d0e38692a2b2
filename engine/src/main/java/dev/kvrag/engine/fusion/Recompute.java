package dev.kvrag.engine.fusion;

/**
 * What a fusion computed afresh for the context (prefix and chunks; the question is always computed).
 *
 * @param contextTokens {@code Nc}, the prefix and chunk tokens
 * @param recomputedSlots context slots whose KV was recomputed past the first layers (CacheBlend's picks, the
 *     whole context for FULL, the un-cached tail for PREFIX, none for NAIVE and APE), ascending
 * @param workFraction fresh (token, layer) pairs of the context over {@code Nc · layers}: 1 for FULL, 0 for
 *     NAIVE, {@code ((c + 1) · Nc + (L − c − 1) · k) / (L · Nc)} for CacheBlend with {@code k} picks
 */
public record Recompute(int contextTokens, int[] recomputedSlots, double workFraction) {

  /** Share of the context whose KV was recomputed. */
  public double recomputedFraction() {
    return contextTokens == 0 ? 0 : (double) recomputedSlots.length / contextTokens;
  }
}
