package dev.kvrag.engine.fusion;

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
  private int nextSlot;
  private int nextPosition;

  public FusedSession(Transformer model, KvCache cache, FusedAttention attention, int nextSlot, int nextPosition) {
    this.model = model;
    this.cache = cache;
    this.attention = attention;
    this.nextSlot = nextSlot;
    this.nextPosition = nextPosition;
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
    float[] hidden = TokenPass.all(model, attention, cache, tokenIds, FusedLayout.range(nextPosition, n),
        FusedLayout.range(nextSlot, n), null);
    nextSlot += n;
    nextPosition += n;
    return model.logits(hidden, n - 1, 1);
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
