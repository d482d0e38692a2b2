package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.compute.Weight;
import java.lang.foreign.MemorySegment;

/**
 * The model's parameters on the device, uploaded on first use and kept as long as the model holds them: matrices in
 * their stored dtype straight from the memory-mapped checkpoint (bf16 weights stay bf16: 16 GB for an 8B model), norm
 * weights and biases as fp32. Keyed by identity, so two models never share a copy by accident.
 */
final class DeviceWeights {

  /** Bytes per synchronous copy from the mapped file. */
  private static final long PIECE = 1L << 30;

  private final CudaRuntime rt;
  private final IdentityCache<Weight, DeviceBuffer> matrices = new IdentityCache<>();
  private final IdentityCache<Weight, DeviceBuffer> widened = new IdentityCache<>();
  private final IdentityCache<float[], DeviceBuffer> vectors = new IdentityCache<>();
  private long uploaded;

  DeviceWeights(CudaRuntime rt) {
    this.rt = rt;
  }

  /** {@code w} on the device (uploaded now if it is not yet). Under the runtime's lock. */
  DeviceBuffer matrix(Weight w) {
    return matrices.get(w, this::upload);
  }

  /**
   * {@code w} on the device as fp32 (the stored copy itself for fp32 weights; else widened there, for
   * {@link Precision#FP32}). Under the runtime's lock.
   */
  DeviceBuffer fp32(Weight w) {
    if (w.dtype() == dev.kvrag.engine.compute.DType.F32) {
      return matrix(w);
    }
    return widened.get(w, this::widen);
  }

  private DeviceBuffer widen(Weight w) {
    long count = (long) w.rows() * w.cols();
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("weight " + w.name() + " is too large to widen to fp32 in one piece");
    }
    DeviceBuffer stored = upload(w);
    DeviceBuffer out = rt.memory().allocate(4L * count);
    rt.launcher().start(rt.kernels().widen).pointer(stored.address()).pointer(out.address()).integer((int) count)
        .integer(w.dtype().ordinal());
    rt.launcher().launch(rt.blocks(count), 1, CudaRuntime.THREADS, rt.device().compute());
    stored.close();
    uploaded += 4L * count;
    return out;
  }

  /** {@code v} (a norm weight or bias) on the device. Under the runtime's lock. */
  DeviceBuffer vector(float[] v) {
    return vectors.get(v, this::upload);
  }

  private DeviceBuffer upload(Weight w) {
    MemorySegment data = w.data();
    long bytes = data.byteSize();
    DeviceBuffer buffer = rt.memory().allocate(bytes);
    for (long off = 0; off < bytes; off += PIECE) {
      long n = Math.min(PIECE, bytes - off);
      if (data.isNative()) {
        rt.device().copyToDevice(buffer.pointer(), off, new Handles.HostPointer(data.address() + off), n);
      } else {
        rt.device().copyToDevice(buffer.pointer(), off, jcuda.Pointer.to(data.asSlice(off, n).toArray(
            java.lang.foreign.ValueLayout.JAVA_BYTE)), n);
      }
    }
    uploaded += bytes;
    return buffer;
  }

  private DeviceBuffer upload(float[] v) {
    DeviceBuffer buffer = rt.memory().allocate(4L * Math.max(1, v.length));
    rt.device().copyToDevice(buffer.pointer(), 0, jcuda.Pointer.to(v), 4L * v.length);
    uploaded += 4L * v.length;
    return buffer;
  }

  /** Bytes uploaded so far. */
  long uploaded() {
    return uploaded;
  }
}
