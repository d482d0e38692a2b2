package dev.kvrag.engine.kv;

/**
 * One layer's keys and values: per kv head {@code [slots][head_dim]}, i.e. the layer is
 * {@code [kv_heads][slots][head_dim]}. Keys are stored already rotated (RoPE applied at the token's position), so
 * moving a block to other slots never needs the original position unless its position changes too.
 *
 * <p>A slot is where a token's K/V live; its position is what RoPE saw. They coincide for plain decoding and
 * differ under APE (shared positions) or SnapKV (compaction). Slots {@code [0, length)} count as filled and are
 * what attention reads; capacity grows on demand.
 *
 * <p>Where the numbers live is the implementation's: {@link HostLayerKv} in Java arrays; a GPU backend in device
 * memory (its {@code keys}/{@code values} are then read-only host copies). Copies between two kinds of storage
 * work in both directions.
 */
public interface LayerKv {

  int kvHeads();

  int headDim();

  /** Number of filled slots. */
  int length();

  int capacity();

  /**
   * Key rows of {@code head} in host memory: slot {@code s} starts at {@code s * headDim}, valid below
   * {@link #length()}. The backing array for {@link HostLayerKv}; a read-only copy for device storage.
   */
  float[] keys(int head);

  /** Value rows of {@code head}, laid out like {@link #keys(int)}. */
  float[] values(int head);

  void ensureCapacity(int slots);

  /**
   * Stores the K/V of {@code n} tokens, given as {@code k[t][kvHeads][headDim]} and likewise {@code v}, at
   * slots {@code slots[t]}, overwriting what was there; the filled length grows to cover every written slot.
   */
  void write(int[] slots, float[] k, float[] v, int n);

  /** Forgets every slot at or after {@code newLength}. */
  void truncate(int newLength);

  /**
   * Overwrites slots {@code [dstFrom, dstFrom + count)} with {@code src}'s slots {@code [srcFrom, srcFrom +
   * count)}, all heads; extends the filled length if the block reaches past it.
   */
  void copyFrom(LayerKv src, int srcFrom, int dstFrom, int count);

  /**
   * Inserts {@code src}'s slots {@code [srcFrom, srcFrom + count)} at slot {@code at}, moving the slots at and
   * after {@code at} up by {@code count}.
   */
  void insert(int at, LayerKv src, int srcFrom, int count);

  /**
   * Rotates the keys of slots {@code [from, from + count)}, every head: each pair {@code (x_i, x_{i+d/2})} by the
   * angle whose cosine and sine are {@code cos[i]}, {@code sin[i]} ({@code head_dim / 2} of each). See
   * {@link RopeShift}.
   */
  void rotateKeys(int from, int count, float[] cos, float[] sin);

  /**
   * Kv head {@code head} as a one-head layer sharing this layer's rows (no copy), for attention whose visible
   * slots differ per head (SnapKV keeps different slots per head). A read view: valid until this layer is
   * written or grows; do not write through it.
   */
  LayerKv head(int head);

  /** Refuses a layer {@code src} whose heads or head dim differ from {@code kvHeads} and {@code headDim}. */
  static void checkCompatible(LayerKv src, int kvHeads, int headDim) {
    if (src.kvHeads() != kvHeads || src.headDim() != headDim) {
      throw new IllegalArgumentException("KV layout mismatch: [" + src.kvHeads() + " heads, " + src.headDim()
          + "] into [" + kvHeads + " heads, " + headDim + "]");
    }
  }
}
