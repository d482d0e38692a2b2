package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Transformer;

/**
 * NAIVE: the prefix KV and every chunk's stored KV re-positioned to its slot {@code s_i} (K rotated by
 * {@code s_i − P}, V as is), concatenated; only the question (and later tokens) computed over it. Chunks never
 * see each other: what CacheBlend and APE try to repair.
 */
public record Naive() implements FusionStrategy {

  @Override
  public String describe() {
    return "naive";
  }

  @Override
  public boolean needsChunks() {
    return true;
  }

  @Override
  public void check(ModelConfig config, int chunkCount) {
    FusionModes.requireChunks("naive", chunkCount);
  }

  @Override
  public FusedPrompt fuse(Transformer model, FusionInput in) {
    check(model.config(), in.chunks().size());
    FusedLayout layout = in.layout();
    int n = layout.promptEnd();
    KvCache cache = sequentialContext(model, in, layout, 0);
    FusedAttention attention = new SequentialAttention(model);
    WindowQueries window = WindowQueries.of(model, in);
    int[] slots = FusedLayout.range(layout.contextEnd(), layout.questionLength());
    Activations hidden = TokenPass.all(model, attention, cache, in.question(), slots, slots, window);
    Recompute recompute = new Recompute(layout.contextEnd(), new int[0], 0.0);
    return FusedPrompt.of(new FusedSession(model, cache, attention, n, n), layout, hidden, slots.length, recompute,
        window);
  }

  /**
   * Prefix and chunks from stored KV, each chunk at position = slot: the cache NAIVE and CACHEBLEND start from. The
   * chunks' layers below {@code firstLayer} stay empty, for a caller that computes them fresh for every token.
   */
  static KvCache sequentialContext(Transformer model, FusionInput in, FusedLayout layout, int firstLayer) {
    KvCache cache = model.newCache(layout.promptEnd() + 64);
    ContextLoader.prefix(model, in, cache);
    ContextLoader.chunks(model, in, layout, layout.chunkStarts().length, i -> layout.chunkStarts()[i], cache,
        new RopeShift(model.inverseFrequencies()), firstLayer);
    return cache;
  }
}
