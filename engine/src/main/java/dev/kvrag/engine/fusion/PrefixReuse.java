package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.RopeShift;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Transformer;
import java.util.Arrays;

/**
 * PREFIX: reuse stored KV only for the longest exactly-cached prefix of the prompt (vLLM-style prefix caching),
 * prefill the rest. Exactly cached here are the prefix's KV and the first chunk's, which was encoded right
 * after the prefix at its own position; every later chunk was encoded after the prefix too, not after its
 * predecessors, so it is not a cached prefix of this prompt. Numerically equal to FULL.
 */
public record PrefixReuse() implements FusionStrategy {

  @Override
  public String describe() {
    return "prefix";
  }

  @Override
  public boolean needsChunks() {
    return false;
  }

  @Override
  public void check(ModelConfig config, int chunkCount) {
  }

  @Override
  public FusedPrompt fuse(Transformer model, FusionInput in) {
    FusedLayout layout = in.layout();
    int n = layout.promptEnd();
    KvCache cache = model.newCache(n + 64);
    ContextLoader.prefix(model, in, cache);
    int reused = layout.prefixLength();
    if (!in.chunks().isEmpty()) {
      ContextLoader.chunks(model, in, layout, 1, i -> layout.prefixLength(), cache,
          new RopeShift(model.inverseFrequencies()), 0);
      reused += layout.chunkLengths()[0];
    }
    FusedAttention attention = new SequentialAttention(model);
    WindowQueries window = WindowQueries.of(model, in);
    int[] ids = Arrays.copyOfRange(FusedLayout.promptIds(in), reused, n);
    int[] slots = FusedLayout.range(reused, n - reused);
    Activations hidden = TokenPass.all(model, attention, cache, ids, slots, slots, window);
    int context = layout.contextEnd();
    double fresh = context == 0 ? 0 : (double) (context - reused) / context;
    Recompute recompute = new Recompute(context, FusedLayout.range(reused, context - reused), fresh);
    return FusedPrompt.of(new FusedSession(model, cache, attention, n, n), layout, hidden, ids.length, recompute,
        window);
  }
}
