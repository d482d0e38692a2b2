package dev.kvrag.engine.compute.cuda;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.DType;

/**
 * Activations of the CUDA backend: fp32 in device memory, plus, when a bf16 or f16 matrix product reads them, a
 * 16-bit copy (cuBLAS multiplies two operands of one type). The kernels whose output feeds a matrix product (RMSNorm,
 * SiLU-mul, attention) write that copy in the same pass; otherwise it is made on first use. Every operation that
 * writes the fp32 values calls {@link #written}, which marks the copy stale.
 */
final class DeviceActivations implements Activations {

  private final int length;
  private final DeviceBuffer data;
  private DeviceBuffer half;
  private DType halfType;
  private boolean halfCurrent;

  DeviceActivations(DeviceBuffer data, int length) {
    this.data = data;
    this.length = length;
  }

  @Override
  public int length() {
    return length;
  }

  long address() {
    return data.address();
  }

  DeviceBuffer buffer() {
    return data;
  }

  /** The fp32 values changed: the 16-bit copy no longer matches. */
  void written() {
    halfCurrent = false;
  }

  /** The 16-bit copy's buffer for {@code type} (allocated on first use; contents as they are). */
  DeviceBuffer halfBuffer(DType type, DeviceMemory memory) {
    if (half == null || halfType != type) {
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
