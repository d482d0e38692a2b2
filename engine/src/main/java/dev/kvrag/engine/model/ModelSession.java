package dev.kvrag.engine.model;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.generate.TokenModel;
import dev.kvrag.engine.kv.KvCache;

/**
 * One sequence being decoded: a model, its KV cache and the next position. Each {@link #feed} appends tokens
 * at the next positions (slot = position), prefilling all of them in one pass, and returns the logits that
 * predict the following token. Not thread-safe; one session per sequence.
 */
public final class ModelSession implements TokenModel {

  private final Transformer model;
  private final KvCache cache;
  private int length;

  public ModelSession(Transformer model) {
    this(model, 256);
  }

  public ModelSession(Transformer model, int initialCapacity) {
    this.model = model;
    this.cache = model.newCache(initialCapacity);
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
    int[] positions = new int[n];
    for (int t = 0; t < n; t++) {
      positions[t] = length + t;
    }
    Activations hidden = model.forward(tokenIds, positions, positions, cache, AttentionRule.causal());
    length += n;
    float[] logits = model.logits(hidden, n - 1, 1);
    hidden.close();
    return logits;
  }

  /** Tokens in the cache. */
  public int length() {
    return length;
  }

  /** Forgets everything from position {@code newLength} on, so decoding can resume from there. */
  public void truncate(int newLength) {
    cache.truncate(newLength);
    length = newLength;
  }

  public KvCache cache() {
    return cache;
  }

  public Transformer model() {
    return model;
  }
}
