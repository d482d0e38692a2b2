package dev.kvrag.engine.fusion;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.kv.LayerKv;

/**
 * A mode's attention over the fused cache, for the question and every generated token: causal by slot for
 * the sequential modes ({@link SequentialAttention}), split into context and other parts for APE
 * ({@link ApeAttention}). It also gives SnapKV the attention distribution it scores with, and the same
 * attention over a cache that SnapKV compacted.
 */
public interface FusedAttention {

  /**
   * {@code out[n][heads][headDim]}: attention of {@code q[n][heads][headDim]}, queries at {@code querySlots},
   * over layer {@code layer}'s cache {@code kv}.
   */
  void attend(int layer, Activations q, int n, int[] querySlots, LayerKv kv, Activations out);

  /**
   * The attention distribution of row {@code row} of {@code q} (at {@code querySlot}) over the slots of
   * {@code kv}: {@code p[head][slot]}, zero where the query does not look, each row summing to 1.
   */
  double[][] probabilities(int layer, float[] q, int row, int querySlot, LayerKv kv);

  /**
   * This attention over a cache compacted by SnapKV: in layer {@code l}, kv head {@code g} keeps the ascending
   * old slots {@code kept[l][g]}, now slots {@code 0, 1, ...}; later tokens follow them.
   */
  FusedAttention compacted(int[][][] kept);
}
