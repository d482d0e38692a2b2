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
   * SnapKV's observation of layer {@code layer}: the attention distributions of the {@code rows} rows of
   * {@code q[rows][heads][headDim]} (row {@code r} at slot {@code firstSlot + r}) over the slots of {@code kv}, summed
   * over the rows, added per query head {@code h} into {@code into[h][s]} for the slots {@code s < into[h].length}.
   * Each row's distribution is zero where the query does not look and sums to 1 over all slots.
   */
  void addWindowAttention(int layer, float[] q, int rows, int firstSlot, LayerKv kv, double[][] into);

  /**
   * This attention over a cache compacted by SnapKV: in layer {@code l}, kv head {@code g} keeps the ascending
   * old slots {@code kept[l][g]}, now slots {@code 0, 1, ...}; later tokens follow them.
   */
  FusedAttention compacted(int[][][] kept);
}
