package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.kv.HostLayerKv;
import dev.kvrag.engine.kv.LayerKv;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUevent;

/**
 * A KV layer in device memory: keys and values as {@code [kv_heads][capacity][head_dim]} (the host layout), in the
 * runtime's {@link KvFormat}: bf16 (as in HF's own bf16 caches) or f16 at {@link Precision#BF16}, fp32 at {@link
 * Precision#FP32}. Fresh K/V arrive from activations ({@link #writeFrom}); stored chunk KV from page-locked memory
 * ({@link PinnedLayerKv}) arrives on the copy stream, so it can travel while earlier layers compute: such a layer is
 * <i>pending</i> until the compute stream has been told to wait for it ({@link #awaitLoads}), which every compute-side
 * use does first. {@link #keys}/{@link #values} are host copies, downloaded once per head and kept until the layer
 * changes.
 *
 * <p>{@link #head} gives a read-only one-head view over the owner's memory.
 */
final class DeviceLayerKv implements LayerKv {

  private static final int MIN_CAPACITY = 16;

  private final CudaRuntime rt;
  private final DeviceLayerKv owner;
  private final int headIndex;
  private final int kvHeads;
  private final int headDim;
  private final int elementBytes;
  private DeviceBuffer keys;
  private DeviceBuffer values;
  private int capacity;
  private int length;
  private CUevent pending;
  /** Key rotations asked for while the keys were still arriving: run on the compute stream once it waits for them. */
  private final List<Rotation> deferred = new ArrayList<>();
  private float[][] hostKeys;
  private float[][] hostValues;
  /** Counts the changes, so that a host copy taken before one is not kept after it. */
  private long version;

  DeviceLayerKv(CudaRuntime rt, int kvHeads, int headDim, int initialCapacity) {
    if (kvHeads <= 0 || headDim <= 0) {
      throw new IllegalArgumentException("kv heads and head_dim must be positive");
    }
    this.rt = rt;
    this.owner = null;
    this.headIndex = 0;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.elementBytes = rt.kv().bytes();
    synchronized (rt) {
      rt.enter();
      allocate(Math.max(MIN_CAPACITY, initialCapacity));
    }
  }

  private DeviceLayerKv(DeviceLayerKv owner, int head) {
    this.rt = owner.rt;
    this.owner = owner;
    this.headIndex = head;
    this.kvHeads = 1;
    this.headDim = owner.headDim;
    this.elementBytes = owner.elementBytes;
    this.capacity = owner.capacity;
    this.length = owner.length;
  }

  /** {@code kv} as a device layer of this runtime, or null when it is stored elsewhere. */
  static DeviceLayerKv of(LayerKv kv, CudaRuntime rt) {
    return kv instanceof DeviceLayerKv d && d.rt == rt ? d : null;
  }

  private void allocate(int slots) {
    long bytes = (long) elementBytes * kvHeads * slots * headDim;
    DeviceBuffer k = rt.memory().allocate(bytes);
    DeviceBuffer v = rt.memory().allocate(bytes);
    rt.device().zero(k.pointer(), 0, bytes);
    rt.device().zero(v.pointer(), 0, bytes);
    if (keys != null) {
      long row = (long) elementBytes * capacity * headDim;
      long newRow = (long) elementBytes * slots * headDim;
      rt.device().copy2d(k.pointer(), 0, newRow, keys.pointer(), 0, 0, row, row, kvHeads, rt.device().compute());
      rt.device().copy2d(v.pointer(), 0, newRow, values.pointer(), 0, 0, row, row, kvHeads, rt.device().compute());
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

  /** Capacity of the memory the addresses point into (the owner's for a head view). */
  int storageCapacity() {
    return owner == null ? capacity : owner.capacity;
  }

  long keysAddress() {
    return owner == null ? keys.address()
        : owner.keysAddress() + (long) elementBytes * headIndex * owner.capacity * headDim;
  }

  long valuesAddress() {
    return owner == null ? values.address()
        : owner.valuesAddress() + (long) elementBytes * headIndex * owner.capacity * headDim;
  }

  /** Orders the compute stream after stored KV still arriving on the copy stream. Under the runtime's lock. */
  void awaitLoads() {
    if (owner != null) {
      owner.awaitLoads();
      return;
    }
    if (pending != null) {
      rt.device().await(rt.device().compute(), pending);
      rt.giveEvent(pending);
      pending = null;
    }
    for (Rotation r : deferred) {
      rotate(r.from(), r.count(), r.cos(), r.sin());
    }
    deferred.clear();
  }

  /** A rotation of keys [from, from + count) whose tables are already queued for upload on the compute stream. */
  private record Rotation(int from, int count, DeviceBuffer cos, DeviceBuffer sin) {
  }

  private void changed() {
    hostKeys = null;
    hostValues = null;
    version++;
  }

  private void writable() {
    if (owner != null) {
      throw new UnsupportedOperationException("a head view of a KV layer is read-only");
    }
  }

  @Override
  public float[] keys(int head) {
    return host(head, true);
  }

  @Override
  public float[] values(int head) {
    return host(head, false);
  }

  /**
   * Head {@code head}'s keys or values on the host, kept until the layer changes. The stored elements are copied
   * under the runtime's lock and widened to fp32 outside it, so that layers read on several threads (SnapKV scores
   * layers in parallel) widen in parallel; a copy taken before a change is returned but not kept.
   */
  private float[] host(int head, boolean wantKeys) {
    if (owner != null) {
      return owner.host(headIndex + head, wantKeys);
    }
    float[] wide = null;
    short[] bits = null;
    long seen;
    synchronized (rt) {
      rt.enter();
      float[][] kept = wantKeys ? hostKeys : hostValues;
      if (kept != null && kept[head] != null) {
        return kept[head];
      }
      awaitLoads();
      seen = version;
      int n = length * headDim;
      long offset = (long) elementBytes * head * capacity * headDim;
      MemorySegment to;
      if (elementBytes == 4) {
        wide = new float[n];
        to = MemorySegment.ofArray(wide);
      } else {
        bits = new short[n];
        to = MemorySegment.ofArray(bits);
      }
      if (n > 0) {
        rt.device().copyToHost(to, (wantKeys ? keys : values).pointer(), offset);
      }
    }
    float[] out = wide != null ? wide : rt.kv().widen(bits);
    synchronized (rt) {
      if (version == seen) {
        if (wantKeys) {
          hostKeys = hostKeys == null ? new float[kvHeads][] : hostKeys;
          hostKeys[head] = out;
        } else {
          hostValues = hostValues == null ? new float[kvHeads][] : hostValues;
          hostValues[head] = out;
        }
      }
    }
    return out;
  }

  @Override
  public void ensureCapacity(int slots) {
    writable();
    synchronized (rt) {
      rt.enter();
      if (slots <= capacity) {
        return;
      }
      int grown = (int) Math.min(Integer.MAX_VALUE / headDim, Math.max((long) slots, capacity + (capacity >> 1)));
      if (grown < slots) {
        throw new IllegalArgumentException("KV cache cannot hold " + slots + " slots of head_dim " + headDim);
      }
      awaitLoads();
      allocate(grown);
    }
  }

  @Override
  public void write(int[] slots, float[] k, float[] v, int n) {
    writable();
    synchronized (rt) {
      rt.enter();
      int max = maxSlot(slots, n);
      ensureCapacity(max + 1);
      DeviceBuffer dk = rt.floats(java.util.Arrays.copyOf(k, n * kvHeads * headDim), rt.device().compute());
      DeviceBuffer dv = rt.floats(java.util.Arrays.copyOf(v, n * kvHeads * headDim), rt.device().compute());
      store(slots, dk.address(), dv.address(), n);
      dk.close();
      dv.close();
      length = Math.max(length, max + 1);
    }
  }

  /** Stores fresh K/V activations {@code [n][kvHeads][headDim]} at {@code slots}. Under the runtime's lock. */
  void writeFrom(int[] slots, DeviceActivations k, DeviceActivations v, int n) {
    writable();
    int max = maxSlot(slots, n);
    ensureCapacity(max + 1);
    store(slots, k.address(), v.address(), n);
    length = Math.max(length, max + 1);
  }

  private void store(int[] slots, long k, long v, int n) {
    awaitLoads();
    if (n > 0) {
      DeviceBuffer s = rt.ints(n == slots.length ? slots : java.util.Arrays.copyOf(slots, n));
      rt.launcher().start(rt.kernels().kvWrite).pointer(k).pointer(v).pointer(s.address()).pointer(keys.address())
          .pointer(values.address()).integer(n).integer(kvHeads).integer(headDim).integer(capacity)
          .integer(rt.kv().code());
      rt.launcher().launch(rt.blocks((long) n * kvHeads * headDim), 1, CudaRuntime.THREADS, rt.device().compute());
    }
    changed();
  }

  private static int maxSlot(int[] slots, int n) {
    int max = -1;
    for (int t = 0; t < n; t++) {
      if (slots[t] < 0) {
        throw new IllegalArgumentException("negative cache slot " + slots[t]);
      }
      max = Math.max(max, slots[t]);
    }
    return max;
  }

  @Override
  public void truncate(int newLength) {
    writable();
    synchronized (rt) {
      if (newLength < 0 || newLength > length) {
        throw new IllegalArgumentException("cannot truncate " + length + " slots to " + newLength);
      }
      length = newLength;
      changed();
    }
  }

  @Override
  public void copyFrom(LayerKv src, int srcFrom, int dstFrom, int count) {
    writable();
    LayerKv.checkCompatible(src, kvHeads, headDim);
    if (srcFrom < 0 || count < 0 || srcFrom + count > src.length() || dstFrom < 0) {
      throw new IllegalArgumentException("block [" + srcFrom + ", " + (srcFrom + count) + ") outside source of "
          + src.length() + " slots");
    }
    synchronized (rt) {
      rt.enter();
      ensureCapacity(dstFrom + count);
      if (count > 0) {
        DeviceLayerKv device = of(src, rt);
        if (device != null && device.owner == null) {
          fromDevice(device, srcFrom, dstFrom, count);
        } else if (src instanceof PinnedLayerKv stored && stored.runtime() == rt && elementBytes == 2) {
          fromPinned(stored, srcFrom, dstFrom, count);
        } else {
          fromHost(src, srcFrom, dstFrom, count);
        }
      }
      length = Math.max(length, dstFrom + count);
      changed();
    }
  }

  private void fromDevice(DeviceLayerKv src, int srcFrom, int dstFrom, int count) {
    src.awaitLoads();
    awaitLoads();
    long row = (long) elementBytes * headDim;
    long srcPitch = row * src.capacity;
    long dstPitch = row * capacity;
    rt.device().copy2d(keys.pointer(), row * dstFrom, dstPitch, src.keys.pointer(), 0, row * srcFrom, srcPitch,
        row * count, kvHeads, rt.device().compute());
    rt.device().copy2d(values.pointer(), row * dstFrom, dstPitch, src.values.pointer(), 0, row * srcFrom, srcPitch,
        row * count, kvHeads, rt.device().compute());
  }

  /**
   * Stored KV on the copy stream, after what the compute stream has queued for this memory so far (its zeroing); the
   * layer is pending until a compute-side use waits for the copy.
   */
  private void fromPinned(PinnedLayerKv src, int srcFrom, int dstFrom, int count) {
    CudaDevice d = rt.device();
    for (Rotation r : deferred) {
      if (r.from() < dstFrom + count && dstFrom < r.from() + r.count()) {
        awaitLoads();  // a rotation still due on these slots runs before the new keys land on them
        break;
      }
    }
    copyAfterCompute();
    long row = 2L * headDim;
    long srcPitch = row * src.capacity();
    long dstPitch = row * capacity;
    d.copy2d(keys.pointer(), row * dstFrom, dstPitch, null, src.keysAddress(), row * srcFrom, srcPitch, row * count,
        kvHeads, d.copyStream());
    d.copy2d(values.pointer(), row * dstFrom, dstPitch, null, src.valuesAddress(), row * srcFrom, srcPitch,
        row * count, kvHeads, d.copyStream());
    markPending();
  }

  /**
   * Orders the copy stream after the work queued on the compute stream: memory from the pool may still be read by
   * queued kernels, and this layer's memory is zeroed there.
   */
  private void copyAfterCompute() {
    CudaDevice d = rt.device();
    CUevent before = rt.takeEvent();
    d.record(before, d.compute());
    d.await(d.copyStream(), before);
    rt.giveEvent(before);
  }

  private void markPending() {
    CudaDevice d = rt.device();
    if (pending == null) {
      pending = rt.takeEvent();
    }
    d.record(pending, d.copyStream());
    keys.fence(pending);
    values.fence(pending);
  }

  private void fromHost(LayerKv src, int srcFrom, int dstFrom, int count) {
    int width = kvHeads * headDim;
    float[] k = new float[count * width];
    float[] v = new float[count * width];
    for (int h = 0; h < kvHeads; h++) {
      float[] sk = src.keys(h);
      float[] sv = src.values(h);
      for (int t = 0; t < count; t++) {
        System.arraycopy(sk, (srcFrom + t) * headDim, k, t * width + h * headDim, headDim);
        System.arraycopy(sv, (srcFrom + t) * headDim, v, t * width + h * headDim, headDim);
      }
    }
    int[] slots = new int[count];
    for (int t = 0; t < count; t++) {
      slots[t] = dstFrom + t;
    }
    DeviceBuffer dk = rt.floats(k, rt.device().compute());
    DeviceBuffer dv = rt.floats(v, rt.device().compute());
    store(slots, dk.address(), dv.address(), count);
    dk.close();
    dv.close();
  }

  @Override
  public void insert(int at, LayerKv src, int srcFrom, int count) {
    writable();
    synchronized (rt) {
      rt.enter();
      if (at < 0 || at > length) {
        throw new IllegalArgumentException("insert slot " + at + " outside [0, " + length + "]");
      }
      // rare (no fusion mode inserts): through the host
      HostLayerKv staged = new HostLayerKv(kvHeads, headDim, length + count);
      staged.copyFrom(this, 0, 0, length);
      staged.insert(at, src, srcFrom, count);
      length = 0;
      copyFrom(staged, 0, 0, staged.length());
    }
  }

  @Override
  public void rotateKeys(int from, int count, float[] cos, float[] sin) {
    writable();
    int half = headDim / 2;
    if (cos.length != half || sin.length != half) {
      throw new IllegalArgumentException("keys of head dim " + headDim + " but " + cos.length + " rotary frequencies");
    }
    if (from < 0 || count < 0 || from + count > length) {
      throw new IllegalArgumentException("slots [" + from + ", " + (from + count) + ") outside the " + length
          + " filled slots");
    }
    synchronized (rt) {
      rt.enter();
      if (count == 0) {
        return;
      }
      DeviceBuffer c = rt.floats(cos, rt.device().compute());
      DeviceBuffer s = rt.floats(sin, rt.device().compute());
      if (pending != null) {
        // keys still arriving are rotated once the compute stream waits for them (awaitLoads): the copy stream then
        // carries only copies, back to back, instead of a kernel and two table uploads between every two of them
        deferred.add(new Rotation(from, count, c, s));
      } else {
        rotate(from, count, c, s);
      }
      changed();
    }
  }

  /** Rotates keys [from, from + count) on the compute stream by the uploaded tables, then returns them to the pool. */
  private void rotate(int from, int count, DeviceBuffer cos, DeviceBuffer sin) {
    rt.launcher().start(rt.kernels().rotateKeys).pointer(keys.address()).pointer(cos.address()).pointer(sin.address())
        .integer(kvHeads).integer(capacity).integer(headDim).integer(from).integer(count)
        .integer(rt.kv().code());
    rt.launcher().launch(rt.blocks((long) kvHeads * count * (headDim / 2)), 1, CudaRuntime.THREADS,
        rt.device().compute());
    cos.close();
    sin.close();
  }

  @Override
  public LayerKv head(int head) {
    if (head < 0 || head >= kvHeads) {
      throw new IllegalArgumentException("kv head " + head + " outside [0, " + kvHeads + ")");
    }
    return owner == null ? new DeviceLayerKv(this, head) : this;
  }
}
