package dev.kvrag.engine.compute.cuda;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.kvrag.engine.kv.HostLayerKv;
import dev.kvrag.engine.kv.LayerKv;
import java.lang.foreign.MemorySegment;

/**
 * Stored KV waiting in host memory for the GPU: 16-bit {@code [kv_heads][capacity][head_dim]} in page-locked memory,
 * the device cache's own layout and format ({@link KvFormat}), so fusing a stored chunk is one strided DMA per layer
 * and K/V ({@link DeviceLayerKv}), asynchronous on the copy stream. Host reads and writes widen and round (round to
 * nearest even), as storing a chunk in that format does. The backend's {@code newStoredLayerKv}.
 */
final class PinnedLayerKv implements LayerKv {

  private static final int MIN_CAPACITY = 16;

  private final CudaRuntime rt;
  private final int kvHeads;
  private final int headDim;
  private PinnedMemory.Block keys;
  private PinnedMemory.Block values;
  private int capacity;
  private int length;

  PinnedLayerKv(CudaRuntime rt, int kvHeads, int headDim, int initialCapacity) {
    if (kvHeads <= 0 || headDim <= 0) {
      throw new IllegalArgumentException("kv heads and head_dim must be positive");
    }
    this.rt = rt;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    synchronized (rt) {
      rt.enter();
      grow(Math.max(MIN_CAPACITY, initialCapacity));
    }
  }

  CudaRuntime runtime() {
    return rt;
  }

  long keysAddress() {
    return keys.address();
  }

  long valuesAddress() {
    return values.address();
  }

  private void grow(int slots) {
    long bytes = 2L * kvHeads * slots * headDim;
    PinnedMemory.Block k = rt.pinned().allocate(bytes);
    PinnedMemory.Block v = rt.pinned().allocate(bytes);
    k.segment().asSlice(0, bytes).fill((byte) 0);
    v.segment().asSlice(0, bytes).fill((byte) 0);
    if (keys != null) {
      // a copy still in flight may read the old blocks: let it finish before they are reused
      rt.device().synchronizeAll();
      long row = 2L * capacity * headDim;
      for (int h = 0; h < kvHeads; h++) {
        MemorySegment.copy(keys.segment(), h * row, k.segment(), 2L * h * slots * headDim, row);
        MemorySegment.copy(values.segment(), h * row, v.segment(), 2L * h * slots * headDim, row);
      }
      keys.close();
      values.close();
    }
    keys = k;
    values = v;
    capacity = slots;
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

  private long at(int head, int slot) {
    return 2L * ((long) head * capacity + slot) * headDim;
  }

  @Override
  public float[] keys(int head) {
    return read(keys, head);
  }

  @Override
  public float[] values(int head) {
    return read(values, head);
  }

  private float[] read(PinnedMemory.Block block, int head) {
    synchronized (rt) {
      float[] out = new float[length * headDim];
      long base = at(head, 0);
      for (int i = 0; i < out.length; i++) {
        out[i] = rt.kv().widen(block.segment().get(JAVA_SHORT, base + 2L * i));
      }
      return out;
    }
  }

  @Override
  public void ensureCapacity(int slots) {
    synchronized (rt) {
      if (slots <= capacity) {
        return;
      }
      rt.enter();
      grow((int) Math.min(Integer.MAX_VALUE / headDim, Math.max((long) slots, capacity + (capacity >> 1))));
    }
  }

  @Override
  public void write(int[] slots, float[] k, float[] v, int n) {
    synchronized (rt) {
      int max = length - 1;
      for (int t = 0; t < n; t++) {
        if (slots[t] < 0) {
          throw new IllegalArgumentException("negative cache slot " + slots[t]);
        }
        max = Math.max(max, slots[t]);
      }
      ensureCapacity(max + 1);
      // a copy to the device may still be reading: rewrite only after it
      rt.enter();
      rt.device().synchronizeAll();
      int row = kvHeads * headDim;
      for (int t = 0; t < n; t++) {
        for (int h = 0; h < kvHeads; h++) {
          long dst = at(h, slots[t]);
          for (int d = 0; d < headDim; d++) {
            keys.segment().set(JAVA_SHORT, dst + 2L * d, rt.kv().narrow(k[t * row + h * headDim + d]));
            values.segment().set(JAVA_SHORT, dst + 2L * d, rt.kv().narrow(v[t * row + h * headDim + d]));
          }
        }
      }
      length = max + 1;
    }
  }

  @Override
  public void truncate(int newLength) {
    synchronized (rt) {
      if (newLength < 0 || newLength > length) {
        throw new IllegalArgumentException("cannot truncate " + length + " slots to " + newLength);
      }
      length = newLength;
    }
  }

  @Override
  public void copyFrom(LayerKv src, int srcFrom, int dstFrom, int count) {
    LayerKv.checkCompatible(src, kvHeads, headDim);
    if (srcFrom < 0 || count < 0 || srcFrom + count > src.length() || dstFrom < 0) {
      throw new IllegalArgumentException("block [" + srcFrom + ", " + (srcFrom + count) + ") outside source of "
          + src.length() + " slots");
    }
    synchronized (rt) {
      ensureCapacity(dstFrom + count);
      rt.enter();
      rt.device().synchronizeAll();
      for (int h = 0; h < kvHeads; h++) {
        if (src instanceof PinnedLayerKv p) {
          MemorySegment.copy(p.keys.segment(), p.at(h, srcFrom), keys.segment(), at(h, dstFrom), 2L * count * headDim);
          MemorySegment.copy(p.values.segment(), p.at(h, srcFrom), values.segment(), at(h, dstFrom),
              2L * count * headDim);
        } else {
          float[] sk = src.keys(h);
          float[] sv = src.values(h);
          long base = at(h, dstFrom);
          for (int i = 0; i < count * headDim; i++) {
            keys.segment().set(JAVA_SHORT, base + 2L * i, rt.kv().narrow(sk[srcFrom * headDim + i]));
            values.segment().set(JAVA_SHORT, base + 2L * i, rt.kv().narrow(sv[srcFrom * headDim + i]));
          }
        }
      }
      length = Math.max(length, dstFrom + count);
    }
  }

  @Override
  public void insert(int at, LayerKv src, int srcFrom, int count) {
    synchronized (rt) {
      if (at < 0 || at > length) {
        throw new IllegalArgumentException("insert slot " + at + " outside [0, " + length + "]");
      }
      HostLayerKv staged = new HostLayerKv(kvHeads, headDim, length + count);
      staged.copyFrom(this, 0, 0, length);
      staged.insert(at, src, srcFrom, count);
      length = 0;
      copyFrom(staged, 0, 0, staged.length());
    }
  }

  @Override
  public void rotateKeys(int from, int count, float[] cos, float[] sin) {
    int half = headDim / 2;
    if (cos.length != half || sin.length != half) {
      throw new IllegalArgumentException("keys of head dim " + headDim + " but " + cos.length + " rotary frequencies");
    }
    synchronized (rt) {
      if (from < 0 || count < 0 || from + count > length) {
        throw new IllegalArgumentException("slots [" + from + ", " + (from + count) + ") outside the " + length
            + " filled slots");
      }
      rt.enter();
      rt.device().synchronizeAll();
      MemorySegment k = keys.segment();
      for (int h = 0; h < kvHeads; h++) {
        for (int s = from; s < from + count; s++) {
          long o = at(h, s);
          for (int i = 0; i < half; i++) {
            float x1 = rt.kv().widen(k.get(JAVA_SHORT, o + 2L * i));
            float x2 = rt.kv().widen(k.get(JAVA_SHORT, o + 2L * (i + half)));
            k.set(JAVA_SHORT, o + 2L * i, rt.kv().narrow(x1 * cos[i] - x2 * sin[i]));
            k.set(JAVA_SHORT, o + 2L * (i + half), rt.kv().narrow(x2 * cos[i] + x1 * sin[i]));
          }
        }
      }
    }
  }

  @Override
  public LayerKv head(int head) {
    // stored KV is never attended per head; a copy of one head serves as the read view
    synchronized (rt) {
      HostLayerKv one = new HostLayerKv(1, headDim, length);
      int[] slots = new int[length];
      for (int s = 0; s < length; s++) {
        slots[s] = s;
      }
      one.write(slots, keys(head), values(head), length);
      return one;
    }
  }
}
