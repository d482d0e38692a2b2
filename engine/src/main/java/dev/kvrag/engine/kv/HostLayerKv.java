package dev.kvrag.engine.kv;

import java.util.Arrays;

/**
 * A {@link LayerKv} in Java arrays: per kv head a row-major {@code [slots][head_dim]} fp32 array, i.e. the layer
 * is {@code [kv_heads][slots][head_dim]}; capacity grows geometrically on demand. The CPU backend's cache and the
 * form stored chunk KV is decoded into.
 */
public final class HostLayerKv implements LayerKv {

  private static final int MIN_CAPACITY = 16;

  private final int kvHeads;
  private final int headDim;
  private float[][] keys;
  private float[][] values;
  private int capacity;
  private int length;

  public HostLayerKv(int kvHeads, int headDim, int initialCapacity) {
    if (kvHeads <= 0 || headDim <= 0) {
      throw new IllegalArgumentException("kv heads and head_dim must be positive");
    }
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.capacity = Math.max(MIN_CAPACITY, initialCapacity);
    this.keys = new float[kvHeads][capacity * headDim];
    this.values = new float[kvHeads][capacity * headDim];
  }

  private HostLayerKv(int headDim, float[] keys, float[] values, int capacity, int length) {
    this.kvHeads = 1;
    this.headDim = headDim;
    this.keys = new float[][] {keys};
    this.values = new float[][] {values};
    this.capacity = capacity;
    this.length = length;
  }

  @Override
  public LayerKv head(int head) {
    return new HostLayerKv(headDim, keys[head], values[head], capacity, length);
  }

  @Override
  public int kvHeads() {
    return kvHeads;
  }

  @Override
  public int headDim() {
    return headDim;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public float[] keys(int head) {
    return keys[head];
  }

  @Override
  public float[] values(int head) {
    return values[head];
  }

  @Override
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

  @Override
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

  @Override
  public void truncate(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException("cannot truncate " + length + " slots to " + newLength);
    }
    length = newLength;
  }

  @Override
  public void copyFrom(LayerKv src, int srcFrom, int dstFrom, int count) {
    checkCompatible(src);
    if (srcFrom < 0 || count < 0 || srcFrom + count > src.length() || dstFrom < 0) {
      throw new IllegalArgumentException("block [" + srcFrom + ", " + (srcFrom + count) + ") outside source of "
          + src.length() + " slots");
    }
    ensureCapacity(dstFrom + count);
    for (int h = 0; h < kvHeads; h++) {
      System.arraycopy(src.keys(h), srcFrom * headDim, keys[h], dstFrom * headDim, count * headDim);
      System.arraycopy(src.values(h), srcFrom * headDim, values[h], dstFrom * headDim, count * headDim);
    }
    length = Math.max(length, dstFrom + count);
  }

  @Override
  public void insert(int at, LayerKv src, int srcFrom, int count) {
    checkCompatible(src);
    if (at < 0 || at > length) {
      throw new IllegalArgumentException("insert slot " + at + " outside [0, " + length + "]");
    }
    if (srcFrom < 0 || count < 0 || srcFrom + count > src.length()) {
      throw new IllegalArgumentException("block [" + srcFrom + ", " + (srcFrom + count) + ") outside source of "
          + src.length() + " slots");
    }
    ensureCapacity(length + count);
    for (int h = 0; h < kvHeads; h++) {
      float[] srcKeys = src.keys(h);
      float[] srcValues = src.values(h);
      System.arraycopy(keys[h], at * headDim, keys[h], (at + count) * headDim, (length - at) * headDim);
      System.arraycopy(values[h], at * headDim, values[h], (at + count) * headDim, (length - at) * headDim);
      System.arraycopy(srcKeys, srcFrom * headDim, keys[h], at * headDim, count * headDim);
      System.arraycopy(srcValues, srcFrom * headDim, values[h], at * headDim, count * headDim);
    }
    length += count;
  }

  @Override
  public void rotateKeys(int from, int count, float[] cos, float[] sin) {
    int half = headDim / 2;
    if (cos.length != half || sin.length != half) {
      throw new IllegalArgumentException("keys of head dim " + headDim + " but " + cos.length + " rotary frequencies");
    }
    if (from < 0 || count < 0 || from + count > length) {
      throw new IllegalArgumentException("slots [" + from + ", " + (from + count) + ") outside the " + length
          + " filled slots");
    }
    for (int h = 0; h < kvHeads; h++) {
      float[] k = keys[h];
      for (int s = from; s < from + count; s++) {
        int o = s * headDim;
        for (int i = 0; i < half; i++) {
          float x1 = k[o + i];
          float x2 = k[o + half + i];
          k[o + i] = x1 * cos[i] - x2 * sin[i];
          k[o + half + i] = x2 * cos[i] + x1 * sin[i];
        }
      }
    }
  }

  private void checkCompatible(LayerKv src) {
    LayerKv.checkCompatible(src, kvHeads, headDim);
  }
}
