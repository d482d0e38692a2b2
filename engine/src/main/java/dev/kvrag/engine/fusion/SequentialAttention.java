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
  public double[][] probabilities(int layer, float[] q, int row, int querySlot, LayerKv kv) {
    AttentionRule rule = model.ruleForLayer(layer, AttentionRule.causal());
    int from = Math.max(0, rule.from(querySlot));
    int to = Math.min(kv.length(), rule.to(querySlot));
    int heads = model.config().heads();
    double[][] p = new double[heads][kv.length()];
    double scale = model.attentionScale();
    for (int h = 0; h < heads; h++) {
      Softmax s = new Softmax(q, row, h, heads, kv, h / (heads / kv.kvHeads()), to);
      s.part(from, to, scale);
      s.add(from, to, 1.0, p[h]);
    }
    return p;
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
