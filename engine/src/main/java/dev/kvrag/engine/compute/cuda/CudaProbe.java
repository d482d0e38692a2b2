package dev.kvrag.engine.compute.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Whether this machine can run the CUDA backend, and if not why, without starting it: the driver (JCuda's native
 * library and libcuda.so.1), at least one device, cuBLAS 13, and a CUDA compiler (NVRTC 13 or nvcc).
 */
public final class CudaProbe {

  private static volatile String[] answer;

  private CudaProbe() {
  }

  /** Null when CUDA can be used; otherwise one sentence saying what is missing. Looked at once per JVM. */
  public static String unavailable() {
    String[] a = answer;
    if (a == null) {
      synchronized (CudaProbe.class) {
        if (answer == null) {
          answer = new String[] {look()};
        }
        a = answer;
      }
    }
    return a[0];
  }

  private static String look() {
    try {
      JCudaDriver.setExceptionsEnabled(false);
      int status = JCudaDriver.cuInit(0);
      if (status != CUresult.CUDA_SUCCESS) {
        return "the CUDA driver did not start (" + CUresult.stringFor(status) + ")";
      }
      int[] count = new int[1];
      status = JCudaDriver.cuDeviceGetCount(count);
      if (status != CUresult.CUDA_SUCCESS || count[0] == 0) {
        return "no CUDA device";
      }
    } catch (LinkageError e) {
      return "no CUDA driver (" + driverProblem(e) + ")";
    } finally {
      try {
        JCudaDriver.setExceptionsEnabled(true);
      } catch (LinkageError ignored) {
        // the driver library never loaded: nothing to restore
      }
    }
    try {
      NativeLibrary.open("libcublas.so.13");
    } catch (IllegalStateException e) {
      return "no cuBLAS 13: " + e.getMessage();
    }
    try {
      NativeLibrary.open("libnvrtc.so.13");
    } catch (IllegalStateException e) {
      if (!onPath("nvcc")) {
        return "no CUDA compiler: neither libnvrtc.so.13 nor nvcc on the PATH";
      }
    }
    return null;
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** JCuda's loader reports every attempt at length; the line that matters names the missing library. */
  private static String driverProblem(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    for (String line : m.split("\\R")) {
      int at = line.indexOf("cannot open shared object file");
      if (at > 0) {
        String before = line.substring(0, at).replaceAll(":\\s*$", "");
        return before.substring(before.lastIndexOf(' ') + 1) + " cannot be opened";
      }
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
