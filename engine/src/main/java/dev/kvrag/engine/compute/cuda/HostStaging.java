package dev.kvrag.engine.compute.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Small host arrays (token ids, slots, key ranges, rotation angles) onto the device without stalling it: each is
 * copied into a ring of page-locked memory and sent by an asynchronous copy queued on a stream, so kernels already
 * queued keep running. The ring is reused from its start once full, after both streams have drained (rare: it holds
 * many forward passes' worth). Arrays larger than a quarter of the ring go by a synchronous copy. Used under the
 * backend's lock.
 */
final class HostStaging {

  static final long RING_BYTES = 32L << 20;

  private final CudaDevice device;
  private final long base;
  private final MemorySegment ring;
  private long head;

  HostStaging(CudaDevice device) {
    this.device = device;
    this.base = device.allocatePinned(RING_BYTES).address();
    this.ring = MemorySegment.ofAddress(base).reinterpret(RING_BYTES);
  }

  /** Copies {@code data} to {@code dst + offset}, in order on {@code stream}. */
  void upload(int[] data, DeviceBuffer dst, long offset, Handles.Stream stream) {
    upload(MemorySegment.ofArray(data), jcuda.Pointer.to(data), dst, offset, stream);
  }

  /** Copies {@code data} to {@code dst + offset}, in order on {@code stream}. */
  void upload(float[] data, DeviceBuffer dst, long offset, Handles.Stream stream) {
    upload(MemorySegment.ofArray(data), jcuda.Pointer.to(data), dst, offset, stream);
  }

  /** {@code array} (a heap segment over a Java array, also reachable as {@code pointer} for a synchronous copy). */
  private void upload(MemorySegment array, jcuda.Pointer pointer, DeviceBuffer dst, long offset,
                      Handles.Stream stream) {
    long bytes = array.byteSize();
    if (bytes == 0) {
      return;
    }
    if (bytes > RING_BYTES / 4) {
      device.synchronizeAll();
      device.copyToDevice(dst.pointer(), offset, pointer, bytes);
      return;
    }
    long at = reserve(bytes);
    MemorySegment.copy(array, 0, ring, at, bytes);
    device.copyToDeviceAsync(dst.pointer(), offset, base + at, bytes, stream);
  }

  private long reserve(long bytes) {
    long aligned = (bytes + 255) & ~255L;
    if (head + aligned > RING_BYTES) {
      // every copy from the ring so far must have left it before it is overwritten
      device.synchronizeAll();
      head = 0;
    }
    long at = head;
    head += aligned;
    return at;
  }
}
