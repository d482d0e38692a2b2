package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.generate.TokenModel;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.model.Transformer;

/**
 * Decoding over a fused cache: each fed token takes the next slot and the next position (they differ under APE,
 * whose question starts after the longest chunk, and after SnapKV, which compacts slots) and attends under the
 * mode's own {@link FusedAttention} (APE's generated tokens use the split attention too). Not thread-safe.
 */
public final class FusedSession implements TokenModel {

  private final Transformer model;
  private final KvCache cache;
  private final FusedAttention attention;
  private final int positionLimit;
  private int nextSlot;
  private int nextPosition;

  public FusedSession(Transformer model, KvCache cache, FusedAttention attention, int nextSlot, int nextPosition) {
    this(model, cache, attention, nextSlot, nextPosition, Integer.MAX_VALUE);
  }

  /**
   * @param positionLimit positions or slots at or past it are refused: for an attention that cannot apply the model's
   *     sliding window (APE, a SnapKV-compacted cache), the window ({@link #slidingWindow})
   */
  public FusedSession(Transformer model, KvCache cache, FusedAttention attention, int nextSlot, int nextPosition,
                      int positionLimit) {
    this.model = model;
    this.cache = cache;
    this.attention = attention;
    this.nextSlot = nextSlot;
    this.nextPosition = nextPosition;
    this.positionLimit = positionLimit;
  }

  /**
   * The shortest sliding window of {@code model}'s layers, {@link Integer#MAX_VALUE} without one: as long as
   * every position stays below it the window never hides a key, and attentions that do not apply it are exact.
   */
  public static int slidingWindow(Transformer model) {
    int min = Integer.MAX_VALUE;
    for (int w : model.config().slidingWindows()) {
      if (w > 0) {
        min = Math.min(min, w);
      }
    }
    return min;
  }

  /** Refuses positions up to {@code end} (exclusive) past {@code limit}, naming what cannot handle them. */
  static void checkWindow(int end, int limit, String what) {
    if (end > limit) {
      throw new IllegalArgumentException(what + " over " + end + " positions is not supported on a model with a "
          + limit + "-token sliding window");
    }
  }

  @Override
  public int vocabSize() {
    return model.config().vocabSize();
  }

  @Override
  public float[] feed(int[] tokenIds) {
    if (tokenIds.length == 0) {
      throw new IllegalArgumentException("feed needs at least one token");
    }
    int n = tokenIds.length;
    // slots and positions differ (APE shares positions, SnapKV compacts slots): both must stay inside
    checkWindow(Math.max(nextPosition, nextSlot) + n, positionLimit, attention.toString());
    Activations hidden = TokenPass.all(model, attention, cache, tokenIds, FusedLayout.range(nextPosition, n),
        FusedLayout.range(nextSlot, n), null);
    nextSlot += n;
    nextPosition += n;
    float[] logits = model.logits(hidden, n - 1, 1);
    hidden.close();
    return logits;
  }

  /** Positions at or past this are refused (see the constructor). */
  public int positionLimit() {
    return positionLimit;
  }

  public Transformer model() {
    return model;
  }

  public KvCache cache() {
    return cache;
  }

  public FusedAttention attention() {
    return attention;
  }

  /** Where the next token's K/V go. */
  public int nextSlot() {
    return nextSlot;
  }

  /** The RoPE position of the next token. */
  public int nextPosition() {
    return nextPosition;
  }
}
