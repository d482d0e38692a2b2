package dev.kvrag.engine.compute.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Page-locked host memory (cuMemAllocHost) for stored KV waiting to be fused: the GPU reads it by DMA, asynchronously.
 * Blocks come back by {@link Block#close} or once unreachable and are reused by size class, never returned to the
 * driver (pinning is slow). Used under the backend's lock.
 */
final class PinnedMemory {

  private static final Cleaner CLEANER = Cleaner.create();

  /** A block: its address and a segment over it. */
  static final class Block {
    private final long address;
    private final MemorySegment segment;
    private Cleaner.Cleanable cleanable;

    private Block(long address, long bytes) {
      this.address = address;
      this.segment = MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    long address() {
      return address;
    }

    MemorySegment segment() {
      return segment;
    }

    void close() {
      cleanable.clean();
    }
  }

  private final CudaDevice device;
  private final Map<Long, ArrayDeque<long[]>> free = new HashMap<>();
  private final ConcurrentLinkedQueue<long[]> returned = new ConcurrentLinkedQueue<>();

  PinnedMemory(CudaDevice device) {
    this.device = device;
  }

  /** At least {@code bytes}, not cleared. */
  Block allocate(long bytes) {
    long[] r;
    while ((r = returned.poll()) != null) {
      free.computeIfAbsent(r[1], k -> new ArrayDeque<>()).add(r);
    }
    long size = DeviceMemory.sizeClass(bytes);
    ArrayDeque<long[]> list = free.get(size);
    long[] raw = list == null ? null : list.poll();
    if (raw == null) {
      raw = new long[] {device.allocatePinned(size).address(), size};
    }
    Block b = new Block(raw[0], size);
    long[] back = raw;
    b.cleanable = CLEANER.register(b, () -> returned.add(back));
    return b;
  }
}
