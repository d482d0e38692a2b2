package dev.kvrag.engine.compute.cuda;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import jcuda.CudaException;
import jcuda.driver.CUevent;

/**
 * A caching allocator over cuMemAlloc: freed blocks go back to a free list per size class and are handed out again,
 * so a forward pass, which allocates the same activation sizes each time, costs no cuMemAlloc/cuMemFree (both are
 * slow and cuMemFree synchronises the device). Size classes are a quarter of a power of two apart (at most 25%
 * waste). All work runs on one compute stream, so a block given back while kernels that use it are still queued is
 * safe to hand out again: its next user is queued after them. Blocks are given back explicitly
 * ({@link DeviceBuffer#close}) or, once unreachable, by a {@link Cleaner}; that only queues them here, so the
 * cleaner thread makes no CUDA call. Used under the backend's lock.
 */
final class DeviceMemory {

  private static final Cleaner CLEANER = Cleaner.create();

  /** One cuMemAlloc'd block; {@code fence}, when set, is a copy-stream event its last writer recorded. */
  static final class Block {
    final Handles.DevicePointer pointer;
    final long address;
    final long bytes;
    volatile CUevent fence;

    Block(Handles.DevicePointer pointer, long bytes) {
      this.pointer = pointer;
      this.address = pointer.address();
      this.bytes = bytes;
    }
  }

  private final CudaDevice device;
  private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
  private final ConcurrentLinkedQueue<Block> returned = new ConcurrentLinkedQueue<>();
  private long reserved;
  private long cached;

  DeviceMemory(CudaDevice device) {
    this.device = device;
  }

  /** The allocation size for a request of {@code bytes}: the next of 1, 1.25, 1.5, 1.75 times a power of two. */
  static long sizeClass(long bytes) {
    long n = Math.max(bytes, 256);
    int exp = 63 - Long.numberOfLeadingZeros(n);
    long base = 1L << exp;
    if (n == base) {
      return n;
    }
    long quarter = Math.max(base >> 2, 1);
    return base + ((n - base + quarter - 1) / quarter) * quarter;
  }

  /** A buffer of at least {@code bytes}, not cleared, for the compute stream; its collection gives it back. */
  DeviceBuffer allocate(long bytes) {
    return allocate(bytes, device.compute());
  }

  /**
   * {@link #allocate(long)} for work on {@code user}: a reused block's fence (the stream position after which its last
   * user is done) is waited for on that stream. A copy-stream user must not make the compute stream wait: compute
   * would then stall behind every copy queued so far.
   */
  DeviceBuffer allocate(long bytes, Handles.Stream user) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("device buffer of " + bytes + " bytes");
    }
    drainReturned();
    long size = sizeClass(bytes);
    ArrayDeque<Block> list = free.get(size);
    Block block = list == null ? null : list.poll();
    if (block != null) {
      cached -= size;
      CUevent fence = block.fence;
      if (fence != null) {
        device.await(user, fence);
        block.fence = null;
      }
    } else {
      block = fresh(size);
    }
    return new DeviceBuffer(block, bytes, this);
  }

  private Block fresh(long size) {
    try {
      Block b = new Block(device.allocate(size), size);
      reserved += size;
      return b;
    } catch (CudaException e) {
      // out of memory: let unreachable buffers come back, give every cached block to the driver, try once more
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      drainReturned();
      releaseCached();
      try {
        Block b = new Block(device.allocate(size), size);
        reserved += size;
        return b;
      } catch (CudaException again) {
        throw new CudaException("out of GPU memory allocating " + size / 1048576 + " MiB (" + reserved / 1048576
            + " MiB held by kvrag, " + device.freeMemory() / 1048576 + " MiB free on the device)", again);
      }
    }
  }

  /** Gives every cached free block back to the driver (synchronises the device). */
  void releaseCached() {
    device.synchronizeAll();
    for (ArrayDeque<Block> list : free.values()) {
      for (Block b : list) {
        device.free(b.pointer);
        reserved -= b.bytes;
      }
      list.clear();
    }
    cached = 0;
  }

  void give(Block block) {
    returned.add(block);
  }

  Cleaner.Cleanable track(Object owner, Block block) {
    return CLEANER.register(owner, () -> give(block));
  }

  private void drainReturned() {
    Block b;
    while ((b = returned.poll()) != null) {
      free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).add(b);
      cached += b.bytes;
    }
  }

  /** Bytes obtained from the driver and not given back. */
  long reserved() {
    return reserved;
  }

  /** Of those, bytes waiting in the free lists. */
  long cached() {
    drainReturned();
    return cached;
  }
}
