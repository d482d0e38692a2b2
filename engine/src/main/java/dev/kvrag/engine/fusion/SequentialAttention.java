package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.model.Transformer;

/**
 * Causal attention by slot, the attention of FULL, PREFIX, NAIVE and CACHEBLEND: a query sees every filled slot
 * up to its own (within the layer's sliding window, if the model has one). After SnapKV every kv head keeps the
 * same number of slots (capacity), so the compacted cache is still one rectangular layer per layer and causal
 * by compacted slot is exactly "the kept entries of the head, then the generated tokens". (Slot distances are
 * then no longer position distances, so a sliding window is applied only before compaction; SnapKV refuses
 * sequences that reach past a sliding-window model's window.)
 */
public final class SequentialAttention implements FusedAttention {

  private final Transformer model;
  private final boolean compacted;

  public SequentialAttention(Transformer model) {
    this(model, false);
  }

  private SequentialAttention(Transformer model, boolean compacted) {
    this.model = model;
    this.compacted = compacted;
  }

  @Override
  public void attend(int layer, Activations q, int n, int[] querySlots, LayerKv kv, Activations out) {
    model.backend().attention(q, n, model.config().heads(), querySlots, kv,
        model.ruleForLayer(layer, AttentionRule.causal()), model.attentionScale(), out, null);
  }

  @Override
  public void addWindowAttention(int layer, float[] q, int rows, int firstSlot, LayerKv kv, double[][] into) {
    AttentionRule rule = model.ruleForLayer(layer, AttentionRule.causal());
    int group = into.length / kv.kvHeads();
    int end = 0;
    for (int r = 0; r < rows; r++) {
      end = Math.max(end, Math.min(kv.length(), rule.to(firstSlot + r)));
    }
    double scale = model.attentionScale();
    for (int g = 0; g < kv.kvHeads(); g++) {
      Softmax dots = new Softmax(q, into.length, kv, g, end);
      for (int r = 0; r < rows; r++) {
        int from = Math.max(0, rule.from(firstSlot + r));
        int to = Math.min(kv.length(), rule.to(firstSlot + r));
        for (int h = 0; h < group; h++) {
          dots.part(r * group + h, from, to, scale);
          dots.add(from, to, 1.0, into[g * group + h]);
        }
      }
    }
  }

  @Override
  public FusedAttention compacted(int[][][] kept) {
    return new SequentialAttention(model, true);
  }

  @Override
  public String toString() {
    return compacted ? "causal by slot (compacted)" : "causal by slot";
  }
}
