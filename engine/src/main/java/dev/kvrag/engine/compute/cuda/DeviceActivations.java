package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.DType;

/**
 * Activations of the CUDA backend: fp32 in device memory, plus, when a bf16 or f16 matrix product reads them, a
 * 16-bit copy (cuBLAS multiplies two operands of one type). The kernels whose output feeds a matrix product (RMSNorm,
 * SiLU-mul, attention) write that copy in the same pass; otherwise it is made on first use. Every operation that
 * writes the fp32 values calls {@link #written}, which marks the copy stale.
 *
 * <p>Values that only a matrix product will read (a normed input, the MLP's gated product) may be written as the
 * 16-bit copy alone ({@link #writtenHalfOnly}): half the bytes of a memory-bound pass. Their fp32 values are then
 * made from the copy (widened, so rounded to 16 bits) the first time {@link #address} is asked for; an operation
 * that is about to overwrite all of them asks {@link #writeAddress} instead.
 */
final class DeviceActivations implements Activations {

  private final int length;
  private final DeviceBuffer data;
  private DeviceBuffer half;
  private DType halfType;
  private boolean halfCurrent;
  /** Widens the 16-bit copy into the fp32 values; set while only the copy is current. */
  private Runnable widen;

  DeviceActivations(DeviceBuffer data, int length) {
    this.data = data;
    this.length = length;
  }

  @Override
  public int length() {
    return length;
  }

  /** The fp32 values' address, for reading them (made from the 16-bit copy first when only it is current). */
  long address() {
    if (widen != null) {
      Runnable w = widen;
      widen = null;
      w.run();
    }
    return data.address();
  }

  /** The fp32 values' address for an operation that overwrites every one of them (then calls {@link #written}). */
  long writeAddress() {
    widen = null;
    return data.address();
  }

  DeviceBuffer buffer() {
    return data;
  }

  /** The fp32 values changed: the 16-bit copy no longer matches. */
  void written() {
    halfCurrent = false;
    widen = null;
  }

  /** The 16-bit copy's buffer for {@code type} (allocated on first use; contents as they are). */
  DeviceBuffer halfBuffer(DType type, DeviceMemory memory) {
    if (half == null || halfType != type) {
      address();  // fp32 current before the only copy of the values goes
      if (half != null) {
        half.close();
      }
      half = memory.allocate(2L * length);
      halfType = type;
      halfCurrent = false;
    }
    return half;
  }

  /** Whether the 16-bit copy holds the current values in {@code type}. */
  boolean halfCurrent(DType type) {
    return halfCurrent && halfType == type;
  }

  /** The fp32 values and their 16-bit copy in {@code type} were just written together. */
  void writtenWithHalf(DType type) {
    halfCurrent = halfType == type && half != null;
    widen = null;
  }

  /**
   * Only the 16-bit copy in {@code type} was written (every value); the fp32 values are made from it on the device
   * (widened) when they are read, under the backend's lock, from within an operation.
   */
  void writtenHalfOnly(DType type, CudaRuntime rt) {
    if (half == null || halfType != type) {
      throw new IllegalStateException("no 16-bit copy in " + type + " to hold the values");
    }
    halfCurrent = true;
    this.widen = () -> {
      rt.launcher().start(rt.kernels().widen).pointer(half.address()).pointer(writeAddress()).integer(length)
          .integer(type.ordinal());
      rt.launcher().launch(rt.blocks(length), 1, CudaRuntime.THREADS, rt.device().compute());
    };
  }

  @Override
  public void close() {
    data.close();
    if (half != null) {
      half.close();
    }
  }

  /** {@code a} as activations of this backend. */
  static DeviceActivations of(Activations a) {
    if (a instanceof DeviceActivations d) {
      return d;
    }
    throw new IllegalArgumentException("activations of another backend (" + a.getClass().getSimpleName()
        + ") given to the CUDA backend");
  }
}
