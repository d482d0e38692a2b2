package dev.kvrag.engine.compute.cuda;

/**
 * The one CUDA backend of a test JVM (starting one compiles the kernels); none on machines without a GPU, where
 * {@link RequiresCuda} reports the CUDA tests as skipped with the probe's reason.
 */
public final class SharedCudaBackend {

  private static CudaBackend backend;
  private static CudaBackend exact;
  private static CudaBackend bf16Kv;

  private SharedCudaBackend() {
  }

  /** The backend, or null where CUDA is unavailable (the class's tests are then skipped by {@link RequiresCuda}). */
  public static synchronized CudaBackend get() {
    if (CudaProbe.unavailable() != null) {
      return null;
    }
    if (backend == null) {
      backend = CudaBackend.open(0);
      System.out.println("CUDA tests on " + backend.describe());
    }
    return backend;
  }

  /**
   * The fp32 backend ({@link Precision#FP32}: the CPU's numbers to within summation order), or null where CUDA is
   * unavailable.
   */
  public static synchronized CudaBackend exact() {
    if (CudaProbe.unavailable() != null) {
      return null;
    }
    if (exact == null) {
      exact = CudaBackend.open(0, Precision.FP32);
      System.out.println("CUDA tests (exact) on " + exact.describe());
    }
    return exact;
  }

  /**
   * The bf16 backend with its KV cache in bf16 ({@link KvFormat#BF16}, not the default), or null where CUDA is
   * unavailable.
   */
  public static synchronized CudaBackend bf16Kv() {
    if (CudaProbe.unavailable() != null) {
      return null;
    }
    if (bf16Kv == null) {
      bf16Kv = CudaBackend.open(0, Precision.BF16, KvFormat.BF16);
      System.out.println("CUDA tests (bf16 KV cache) on " + bf16Kv.describe());
    }
    return bf16Kv;
  }

  /** {@code ‖a − b‖₂ / ‖b‖₂} (METHOD.md's measure: bf16 operands land between 1e-3 and 1e-2). */
  public static double l2RelativeError(float[] a, float[] b) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < b.length; i++) {
      if (Float.isNaN(a[i])) {
        return Double.POSITIVE_INFINITY;
      }
      double d = (double) a[i] - b[i];
      diff += d * d;
      norm += (double) b[i] * b[i];
    }
    return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
  }

  /** Per row of {@code width}, {@code max|a − b| / max|b|}; the worst row. */
  public static double worstRowError(float[] a, float[] b, int rows, int width) {
    double worst = 0;
    for (int r = 0; r < rows; r++) {
      float[] x = java.util.Arrays.copyOfRange(a, r * width, (r + 1) * width);
      float[] y = java.util.Arrays.copyOfRange(b, r * width, (r + 1) * width);
      worst = Math.max(worst, relativeError(x, y));
    }
    return worst;
  }

  /** {@code max|a − b| / max|b|}. */
  public static double relativeError(float[] a, float[] b) {
    double diff = 0;
    double max = 0;
    for (int i = 0; i < b.length; i++) {
      diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
      max = Math.max(max, Math.abs(b[i]));
      if (Float.isNaN(a[i])) {
        return Double.POSITIVE_INFINITY;
      }
    }
    return max == 0 ? diff : diff / max;
  }
}
