package dev.kvrag.engine.compute.cuda;

/**
 * The one CUDA backend of a test JVM (starting one compiles the kernels); none on machines without a GPU, where
 * {@link RequiresCuda} reports the CUDA tests as skipped with the probe's reason.
 */
public final class SharedCudaBackend {

  private static CudaBackend backend;

  private SharedCudaBackend() {
  }

  /** The backend, or null where CUDA is unavailable (the tests of the class are then skipped by {@link RequiresCuda}). */
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
