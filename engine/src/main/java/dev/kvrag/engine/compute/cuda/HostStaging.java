package dev.kvrag.engine.compute.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

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
    long bytes = 4L * data.length;
    if (bytes == 0) {
      return;
    }
    if (bytes > RING_BYTES / 4) {
      device.synchronizeAll();
      device.copyToDevice(dst.pointer(), offset, jcuda.Pointer.to(data), bytes);
      return;
    }
    long at = reserve(bytes);
    MemorySegment.copy(data, 0, ring, ValueLayout.JAVA_INT, at, data.length);
    device.copyToDeviceAsync(dst.pointer(), offset, base + at, bytes, stream);
  }

  /** Copies {@code data} to {@code dst + offset}, in order on {@code stream}. */
  void upload(float[] data, DeviceBuffer dst, long offset, Handles.Stream stream) {
    long bytes = 4L * data.length;
    if (bytes == 0) {
      return;
    }
    if (bytes > RING_BYTES / 4) {
      device.synchronizeAll();
      device.copyToDevice(dst.pointer(), offset, jcuda.Pointer.to(data), bytes);
      return;
    }
    long at = reserve(bytes);
    MemorySegment.copy(data, 0, ring, ValueLayout.JAVA_FLOAT, at, data.length);
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
