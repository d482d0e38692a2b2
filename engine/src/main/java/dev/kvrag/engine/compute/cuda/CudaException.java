package dev.kvrag.engine.compute.cuda;

/** A CUDA driver, cuBLAS or NVRTC call that failed, with what was asked and the library's own words. */
public final class CudaException extends RuntimeException {

  public CudaException(String message) {
    super(message);
  }

  public CudaException(String message, Throwable cause) {
    super(message, cause);
  }
}
