package dev.kvrag.engine.kv;

import java.util.Arrays;

/**
 * One layer's keys and values on the CPU: per kv head a row-major {@code [slots][head_dim]} fp32 array, i.e.
 * the layer is {@code [kv_heads][slots][head_dim]}. Keys are stored already rotated (RoPE applied at the
 * token's position), so moving a block to other slots never needs the original position unless its
 * position changes too.
 *
 * <p>A slot is where a token's K/V live; its position is what RoPE saw. They coincide for plain decoding and
 * differ under APE (shared positions) or SnapKV (compaction). Slots {@code [0, length)} count as filled and
 * are what attention reads; capacity grows geometrically on demand.
 */
public final class LayerKv {

  private static final int MIN_CAPACITY = 16;

  private final int kvHeads;
  private final int headDim;
  private float[][] keys;
  private float[][] values;
  private int capacity;
  private int length;

  public LayerKv(int kvHeads, int headDim, int initialCapacity) {
    if (kvHeads <= 0 || headDim <= 0) {
      throw new IllegalArgumentException("kv heads and head_dim must be positive");
    }
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.capacity = Math.max(MIN_CAPACITY, initialCapacity);
    this.keys = new float[kvHeads][capacity * headDim];
    this.values = new float[kvHeads][capacity * headDim];
  }

  private LayerKv(int headDim, float[] keys, float[] values, int capacity, int length) {
    this.kvHeads = 1;
    this.headDim = headDim;
    this.keys = new float[][] {keys};
    this.values = new float[][] {values};
    this.capacity = capacity;
    this.length = length;
  }

  /**
   * Kv head {@code head} as a one-head layer sharing this layer's rows (no copy), for attention whose visible
   * slots differ per head (SnapKV keeps different slots per head). A read view: valid until this layer is
   * written or grows; do not write through it.
   */
  public LayerKv head(int head) {
    return new LayerKv(headDim, keys[head], values[head], capacity, length);
  }

  public int kvHeads() {
    return kvHeads;
  }

  public int headDim() {
    return headDim;
  }

  /** Number of filled slots. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  /** Backing key rows of {@code head}: slot {@code s} starts at {@code s * headDim}. Valid below {@link #length()}. */
  public float[] keys(int head) {
    return keys[head];
  }

  /** Backing value rows of {@code head}, laid out like {@link #keys(int)}. */
  public float[] values(int head) {
    return values[head];
  }

  public void ensureCapacity(int slots) {
    if (slots <= capacity) {
      return;
    }
    int grown = (int) Math.min(Integer.MAX_VALUE / headDim, Math.max((long) slots, capacity + (capacity >> 1)));
    if (grown < slots) {
      throw new IllegalArgumentException("KV cache cannot hold " + slots + " slots of head_dim " + headDim);
    }
    for (int h = 0; h < kvHeads; h++) {
      keys[h] = Arrays.copyOf(keys[h], grown * headDim);
      values[h] = Arrays.copyOf(values[h], grown * headDim);
    }
    capacity = grown;
  }

  /**
   * Stores the K/V of {@code n} tokens, given as {@code k[t][kvHeads][headDim]} and likewise {@code v}, at
   * slots {@code slots[t]}, overwriting what was there; the filled length grows to cover every written slot.
   */
  public void write(int[] slots, float[] k, float[] v, int n) {
    int max = length - 1;
    for (int t = 0; t < n; t++) {
      if (slots[t] < 0) {
        throw new IllegalArgumentException("negative cache slot " + slots[t]);
      }
      max = Math.max(max, slots[t]);
    }
    ensureCapacity(max + 1);
    int row = kvHeads * headDim;
    for (int t = 0; t < n; t++) {
      int dst = slots[t] * headDim;
      for (int h = 0; h < kvHeads; h++) {
        System.arraycopy(k, t * row + h * headDim, keys[h], dst, headDim);
        System.arraycopy(v, t * row + h * headDim, values[h], dst, headDim);
      }
    }
    length = max + 1;
  }

  /** Forgets every slot at or after {@code newLength}. */
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate " + length + " slots to " + newLength);
    }
    length = newLength;
  }

  /**
   * Overwrites slots {@code [dstFrom, dstFrom + count)} with {@code src}'s slots {@code [srcFrom, srcFrom +
   * count)}, all heads; extends the filled length if the block reaches past it.
   */
  public void copyFrom(LayerKv src, int srcFrom, int dstFrom, int count) {
    checkCompatible(src);
    if (srcFrom < 0 || count < 0 || srcFrom + count > src.length || dstFrom < 0) {
      throw new IllegalArgumentException("block [" + srcFrom + ", " + (srcFrom + count) + ") outside source of "
          + src.length + " slots");
    }
    ensureCapacity(dstFrom + count);
    for (int h = 0; h < kvHeads; h++) {
      System.arraycopy(src.keys[h], srcFrom * headDim, keys[h], dstFrom * headDim, count * headDim);
      System.arraycopy(src.values[h], srcFrom * headDim, values[h], dstFrom * headDim, count * headDim);
    }
    length = Math.max(length, dstFrom + count);
  }

  /**
   * Inserts {@code src}'s slots {@code [srcFrom, srcFrom + count)} at slot {@code at}, moving the slots at and
   * after {@code at} up by {@code count}.
   */
  public void insert(int at, LayerKv src, int srcFrom, int count) {
    checkCompatible(src);
    if (at < 0 || at > length) {
      throw new IllegalArgumentException("insert slot " + at + " outside [0, " + length + "]");
    }
    if (srcFrom < 0 || count < 0 || srcFrom + count > src.length) {
      throw new IllegalArgumentException("block [" + srcFrom + ", " + (srcFrom + count) + ") outside source of "
          + src.length + " slots");
    }
    ensureCapacity(length + count);
    for (int h = 0; h < kvHeads; h++) {
      System.arraycopy(keys[h], at * headDim, keys[h], (at + count) * headDim, (length - at) * headDim);
      System.arraycopy(values[h], at * headDim, values[h], (at + count) * headDim, (length - at) * headDim);
      System.arraycopy(src.keys[h], srcFrom * headDim, keys[h], at * headDim, count * headDim);
      System.arraycopy(src.values[h], srcFrom * headDim, values[h], at * headDim, count * headDim);
    }
    length += count;
  }

  private void checkCompatible(LayerKv src) {
    if (src.kvHeads != kvHeads || src.headDim != headDim) {
      throw new IllegalArgumentException("KV layout mismatch: [" + src.kvHeads + " heads, " + src.headDim
          + "] into [" + kvHeads + " heads, " + headDim + "]");
    }
  }
}
