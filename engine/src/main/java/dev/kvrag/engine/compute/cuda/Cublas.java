package dev.kvrag.engine.compute.cuda;

import static dev.kvrag.engine.compute.cuda.NativeLibrary.call;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * cuBLAS 13 through Java FFM downcalls into libcublas.so.13 (JCublas 12.6 links against libcublas.so.12, which CUDA 13
 * machines lack). Signatures as in CUDA 13's {@code cublas_api.h}; enums are C ints, handles and streams pointers.
 * One handle, bound to the backend's compute stream, on the same primary context and device pointers as JCuda's
 * driver calls.
 */
final class Cublas implements AutoCloseable {

  private static final String LIBRARY = "libcublas.so.13";

  static final int OP_N = 0;
  static final int OP_T = 1;
  /** cudaDataType: CUDA_R_32F, CUDA_R_16F, CUDA_R_16BF (library_types.h). */
  static final int R_32F = 0;
  static final int R_16F = 2;
  static final int R_16BF = 14;
  /** cublasComputeType_t CUBLAS_COMPUTE_32F: fp32 accumulation, no TF32 down-conversion. */
  static final int COMPUTE_32F = 68;
  static final int GEMM_DEFAULT = -1;

  private final MethodHandle gemmEx;
  private final MethodHandle statusString;
  private final MethodHandle destroy;
  private final MemorySegment handle;
  private final MemorySegment one;
  private final MemorySegment zero;
  private final int version;

  private Cublas(SymbolLookup lib, long stream) {
    MethodHandle create = function(lib, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    MethodHandle setStream = function(lib, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    MethodHandle getVersion = function(lib, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    // cublasGemmEx(handle, transa, transb, m, n, k, *alpha, A, Atype, lda, B, Btype, ldb, *beta, C, Ctype, ldc,
    //              computeType, algo)
    gemmEx = function(lib, "cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
        JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS,
        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    statusString = function(lib, "cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    destroy = function(lib, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    Arena arena = Arena.global();
    MemorySegment slot = arena.allocate(ADDRESS);
    check(call(create, slot), "cublasCreate_v2");
    handle = slot.get(ADDRESS, 0);
    check(call(setStream, handle, MemorySegment.ofAddress(stream)), "cublasSetStream_v2");
    MemorySegment v = arena.allocate(JAVA_INT);
    check(call(getVersion, handle, v), "cublasGetVersion_v2");
    version = v.get(JAVA_INT, 0);
    one = arena.allocate(JAVA_FLOAT);
    one.set(JAVA_FLOAT, 0, 1f);
    zero = arena.allocate(JAVA_FLOAT);
    zero.set(JAVA_FLOAT, 0, 0f);
  }

  /** A handle on libcublas.so.13 issuing work to {@code stream} (a CUstream); the context must be current. */
  static Cublas create(long stream) {
    return new Cublas(NativeLibrary.open(LIBRARY), stream);
  }

  /** e.g. 130000 for 13.0.0. */
  int version() {
    return version;
  }

  /**
   * Column-major {@code C = op(A) · op(B) (+ C when accumulate)}, fp32 accumulation (cublasGemmEx with
   * CUBLAS_COMPUTE_32F, host alpha = 1 and beta = 0 or 1).
   */
  void gemm(int transa, int transb, int m, int n, int k, long a, int aType, int lda, long b, int bType, int ldb,
            boolean accumulate, long c, int cType, int ldc) {
    // A conditional inside invokeExact's arguments is typed Object (a poly expression in a signature-polymorphic
    // call), which no longer matches the handle's exact type: pick beta first.
    MemorySegment beta = accumulate ? one : zero;
    int status;
    try {
      status = (int) gemmEx.invokeExact(handle, transa, transb, m, n, k, one, MemorySegment.ofAddress(a), aType, lda,
          MemorySegment.ofAddress(b), bType, ldb, beta, MemorySegment.ofAddress(c), cType, ldc,
          COMPUTE_32F, GEMM_DEFAULT);
    } catch (Throwable e) {
      throw new IllegalStateException("cublasGemmEx could not be called", e);
    }
    if (status != 0) {
      throw new CudaException("cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ", A type " + aType + ") failed: "
          + status(status));
    }
  }

  private void check(int status, String what) {
    if (status != 0) {
      throw new CudaException(what + " failed: " + status(status));
    }
  }

  private String status(int status) {
    try {
      MemorySegment s = (MemorySegment) statusString.invokeExact(status);
      return s.reinterpret(1024).getString(0) + " (" + status + ")";
    } catch (Throwable e) {
      return "cuBLAS status " + status;
    }
  }

  @Override
  public void close() {
    call(destroy, handle);
  }

  private static MethodHandle function(SymbolLookup lib, String name, FunctionDescriptor signature) {
    return NativeLibrary.function(lib, LIBRARY, name, signature);
  }
}
