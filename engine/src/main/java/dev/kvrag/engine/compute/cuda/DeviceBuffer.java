package dev.kvrag.engine.compute.cuda;

import java.lang.ref.Cleaner;

/**
 * A piece of device memory from {@link DeviceMemory}, returned to it by {@link #close} or once unreachable. Offsets
 * for JCuda calls go through {@link #pointer()}; kernels and cuBLAS take {@link #address()}.
 */
final class DeviceBuffer {

  private final DeviceMemory.Block block;
  private final long bytes;
  private final Cleaner.Cleanable cleanable;

  DeviceBuffer(DeviceMemory.Block block, long bytes, DeviceMemory memory) {
    this.block = block;
    this.bytes = bytes;
    this.cleanable = memory.track(this, block);
  }

  long address() {
    return block.address;
  }

  Handles.DevicePointer pointer() {
    return block.pointer;
  }

  /** Bytes asked for (the block may be larger). */
  long bytes() {
    return bytes;
  }

  /** Marks the block as written by the copy stream up to {@code fence}: its next owner waits for it. */
  void fence(jcuda.driver.CUevent fence) {
    block.fence = fence;
  }

  /** Gives the memory back now; the buffer must not be used afterwards. Idempotent. */
  void close() {
    cleanable.clean();
  }
}
