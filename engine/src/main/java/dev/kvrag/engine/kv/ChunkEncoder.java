package dev.kvrag.engine.kv;

import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.model.Transformer;

/**
 * Precomputes chunk KV the one way DESIGN §4 defines: a chunk is encoded after the prompt's prefix, i.e.
 * {@code prefix + chunk} prefilled at positions {@code 0..}, keeping the chunk's rows (positions
 * {@code P..P+n-1}). The prefix's own KV is computed once and reused for every chunk (a causal prefill of
 * {@code prefix + chunk} computes exactly that KV for the prefix rows first).
 */
public final class ChunkEncoder {

  private final Transformer model;
  private final String modelId;

  public ChunkEncoder(Transformer model, String modelId) {
    this.model = model;
    this.modelId = modelId;
  }

  /** The prefix's KV at positions {@code 0..P-1} (base position 0); an empty prefix gives an empty cache. */
  public ChunkKv prefix(int[] prefixTokens) {
    int p = prefixTokens.length;
    KvCache cache = model.newCache(p);
    if (p > 0) {
      int[] positions = range(0, p);
      model.forward(prefixTokens, positions, positions, cache, AttentionRule.causal()).close();
    }
    return new ChunkKv(modelId, 0, prefixTokens.clone(), cache);
  }

  /** The KV of {@code chunkTokens} encoded after {@code prefix}: base position {@code prefix.length()}. */
  public ChunkKv chunk(ChunkKv prefix, int[] chunkTokens) {
    if (chunkTokens.length == 0) {
      throw new IllegalArgumentException("a chunk has at least one token");
    }
    if (prefix.basePosition() != 0) {
      throw new IllegalArgumentException("the prefix KV must start at position 0, not " + prefix.basePosition());
    }
    int p = prefix.length();
    int n = chunkTokens.length;
    KvCache cache = model.newCache(p + n);
    if (p > 0) {
      cache.copyFrom(prefix.kv(), 0, 0, p);
    }
    int[] positions = range(p, n);
    model.forward(chunkTokens, positions, positions, cache, AttentionRule.causal()).close();
    KvCache rows = model.newCache(n);
    rows.copyFrom(cache, p, 0, n);
    return new ChunkKv(modelId, p, chunkTokens.clone(), rows);
  }

  static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
