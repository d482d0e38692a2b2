package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.compute.DType;
import dev.kvrag.engine.compute.RopeAngles;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import jcuda.driver.CUevent;

/**
 * What the CUDA backend and its KV layers share for one device: the device and its streams, the memory pools, the
 * staging ring, the kernels, cuBLAS, and small caches of uploaded index arrays and rotary tables. The object is also
 * the lock: every use of the device goes through {@code synchronized (runtime)} after {@link #enter()}, from
 * the backend's operations and from KV layers called by the fusion code alike.
 */
final class CudaRuntime {

  /** Threads per block of the element-wise kernels. */
  static final int THREADS = 256;

  private final CudaDevice device;
  private final DeviceMemory memory;
  private final PinnedMemory pinned;
  private final HostStaging staging;
  private final CudaKernels kernels;
  private final Cublas cublas;
  private final ArrayDeque<CUevent> events = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<CUevent> returnedEvents = new ConcurrentLinkedQueue<>();
  private final int[][] recentInts = new int[8][];
  private final int[][] recentIntCopies = new int[8][];
  private final DeviceBuffer[] recentIntBuffers = new DeviceBuffer[8];
  private int nextInts;
  private final RopeAngles[] recentAngles = new RopeAngles[4];
  private final DeviceBuffer[][] recentAngleBuffers = new DeviceBuffer[4][];
  private int nextAngles;
  private DType half;
  private final Precision precision;
  private final KvFormat kv;

  CudaRuntime(CudaDevice device, Precision precision, KvFormat kv) {
    if ((precision == Precision.FP32) != (kv == KvFormat.F32)) {
      throw new IllegalArgumentException("a " + precision + " backend cannot keep its KV cache in " + kv);
    }
    this.device = device;
    this.precision = precision;
    this.kv = kv;
    this.memory = new DeviceMemory(device);
    this.pinned = new PinnedMemory(device);
    this.staging = new HostStaging(device);
    this.kernels = CudaKernels.load(device);
    this.cublas = Cublas.create(device.compute().address());
  }

  /** Makes the device's context current on this thread; call inside {@code synchronized (runtime)}. */
  void enter() {
    device.makeCurrent();
  }

  CudaDevice device() {
    return device;
  }

  Precision precision() {
    return precision;
  }

  /** How the KV cache stores its elements. */
  KvFormat kv() {
    return kv;
  }

  DeviceMemory memory() {
    return memory;
  }

  PinnedMemory pinned() {
    return pinned;
  }

  HostStaging staging() {
    return staging;
  }

  CudaKernels kernels() {
    return kernels;
  }

  Cublas cublas() {
    return cublas;
  }

  KernelLauncher launcher() {
    return device.launcher();
  }

  /**
   * The 16-bit type the model's matrix products read activations in (bf16 or f16 weights), or null until a 16-bit
   * weight has been multiplied: from then on the kernels whose output feeds a matrix product write that copy too.
   */
  DType half() {
    return half;
  }

  void useHalf(DType type) {
    half = type;
  }

  /** Blocks of {@link #THREADS} for {@code work} items of a grid-stride kernel (capped; the loop covers the rest). */
  int blocks(long work) {
    long b = (work + THREADS - 1) / THREADS;
    return (int) Math.max(1, Math.min(b, (long) device.multiprocessors() * 32));
  }

  /**
   * {@code data} on the device, in order on the compute stream. The last few arrays are kept: a layer loop passes the
   * same slots or ids to every layer, and an equal array (checked element by element) is not sent again.
   */
  DeviceBuffer ints(int[] data) {
    for (int i = 0; i < recentInts.length; i++) {
      if (recentInts[i] == data && Arrays.equals(recentIntCopies[i], data)) {
        return recentIntBuffers[i];
      }
    }
    DeviceBuffer buffer = memory.allocate(4L * Math.max(1, data.length));
    staging.upload(data, buffer, 0, device.compute());
    int slot = nextInts;
    nextInts = (nextInts + 1) % recentInts.length;
    if (recentIntBuffers[slot] != null) {
      recentIntBuffers[slot].close();
    }
    recentInts[slot] = data;
    recentIntCopies[slot] = data.clone();
    recentIntBuffers[slot] = buffer;
    return buffer;
  }

  /** A fresh device copy of {@code data} (close it after the launches that read it are queued). */
  DeviceBuffer floats(float[] data, Handles.Stream stream) {
    DeviceBuffer buffer = memory.allocate(4L * Math.max(1, data.length), stream);
    staging.upload(data, buffer, 0, stream);
    return buffer;
  }

  /**
   * The cos and sin tables of {@code angles} on the device. A forward pass computes its angles once and hands the same
   * instance to every layer, so they are kept by identity ({@link RopeAngles} is immutable by contract).
   */
  DeviceBuffer[] angles(RopeAngles angles) {
    for (int i = 0; i < recentAngles.length; i++) {
      if (recentAngles[i] == angles) {
        return recentAngleBuffers[i];
      }
    }
    int count = angles.tokens() * angles.half();
    DeviceBuffer cos;
    DeviceBuffer sin;
    if (angles.positions() != null) {
      // computed here from the positions: the host never makes the tables
      cos = memory.allocate(4L * Math.max(1, count));
      sin = memory.allocate(4L * Math.max(1, count));
      DeviceBuffer positions = ints(angles.positions());
      DeviceBuffer frequencies = floats(angles.inverseFrequencies(), device.compute());
      launcher().start(kernels.ropeAngles).pointer(positions.address()).pointer(frequencies.address())
          .pointer(cos.address()).pointer(sin.address()).integer(angles.tokens()).integer(angles.half());
      launcher().launch(blocks(count), 1, THREADS, device.compute());
      frequencies.close();
    } else {
      cos = floats(Arrays.copyOf(angles.cos(), count), device.compute());
      sin = floats(Arrays.copyOf(angles.sin(), count), device.compute());
    }
    int slot = nextAngles;
    nextAngles = (nextAngles + 1) % recentAngles.length;
    if (recentAngleBuffers[slot] != null) {
      recentAngleBuffers[slot][0].close();
      recentAngleBuffers[slot][1].close();
    }
    recentAngles[slot] = angles;
    recentAngleBuffers[slot] = new DeviceBuffer[] {cos, sin};
    return recentAngleBuffers[slot];
  }

  /** An ordering event from the pool (give it back with {@link #giveEvent}). */
  CUevent takeEvent() {
    CUevent e;
    while ((e = returnedEvents.poll()) != null) {
      events.add(e);
    }
    e = events.poll();
    return e != null ? e : device.newEvent();
  }

  /**
   * Returns an event once every wait on it is queued (a wait binds to the record that precedes it, so the event may
   * be recorded again); safe from any thread.
   */
  void giveEvent(CUevent e) {
    returnedEvents.add(e);
  }
}
