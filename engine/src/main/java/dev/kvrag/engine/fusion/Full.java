package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.model.ModelConfig;
import dev.kvrag.engine.model.Transformer;

/** FULL: the whole prompt prefilled from scratch, no stored KV. The quality reference and the TTFT baseline. */
public record Full() implements FusionStrategy {

  @Override
  public String describe() {
    return "full";
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
    FusedAttention attention = new SequentialAttention(model);
    WindowQueries window = WindowQueries.of(model, in);
    int[] slots = FusedLayout.range(0, n);
    Activations hidden = TokenPass.all(model, attention, cache, FusedLayout.promptIds(in), slots, slots, window);
    Recompute recompute = new Recompute(layout.contextEnd(), FusedLayout.range(0, layout.contextEnd()), 1.0);
    return FusedPrompt.of(new FusedSession(model, cache, attention, n, n), layout, hidden, n, recompute, window);
  }
}
