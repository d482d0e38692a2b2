package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Transformer;

/**
 * APE, adaptive parallel encoding (Yang et al., ICLR 2025; DESIGN §4): the prefix at positions {@code 0..P-1},
 * every chunk keeping its stored positions {@code P..P+n_i-1} (position reuse, no rotation), the question
 * from position {@code P + max_i n_i}; the question and generated tokens attend with {@link ApeAttention}
 * (temperature T on the context's logits, scale S on its share). With T = S = 1 and one chunk this is exactly
 * sequential encoding. Nothing of the context is recomputed.
 */
public record Ape(double temperature, double scale) implements FusionStrategy {

  public static final double DEFAULT_TEMPERATURE = 0.9;
  public static final double DEFAULT_SCALE = 0.9;

  public Ape {
    if (!(temperature > 0) || !(scale > 0) || Double.isInfinite(temperature) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("ape temperature and scale must be > 0 and finite, got temperature "
          + temperature + ", scale " + scale);
    }
  }

  @Override
  public String describe() {
    return "ape:temperature=" + temperature + ",scale=" + scale;
  }

  @Override
  public boolean needsChunks() {
    return true;
  }

  @Override
  public void check(ModelConfig config, int chunkCount) {
    FusionModes.requireChunks("ape", chunkCount);
  }

  @Override
  public FusedPrompt fuse(Transformer model, FusionInput in) {
    check(model.config(), in.chunks().size());
    FusedLayout layout = in.layout();
    int p = layout.prefixLength();
    KvCache cache = model.newCache(layout.promptEnd() + 64);
    ContextLoader.prefix(model, in, cache);
    ContextLoader.chunks(model, in, layout, layout.chunkStarts().length, i -> p, cache,
        new RopeShift(model.inverseFrequencies()), 0);
    FusedAttention attention = new ApeAttention(model, temperature, scale, p, layout.contextEnd());
    WindowQueries window = WindowQueries.of(model, in);
    int q = layout.questionLength();
    int start = p + layout.longestChunk();
    int limit = FusedSession.slidingWindow(model);
    FusedSession.checkWindow(Math.max(layout.promptEnd(), start + q), limit, "APE");
    int[] slots = FusedLayout.range(layout.contextEnd(), q);
    Activations hidden = TokenPass.all(model, attention, cache, in.question(), FusedLayout.range(start, q), slots, window);
    Recompute recompute = new Recompute(layout.contextEnd(), new int[0], 0.0);
    FusedSession session = new FusedSession(model, cache, attention, layout.promptEnd(), start + q, limit);
    return FusedPrompt.of(session, layout, hidden, q, recompute, window);
  }
}
