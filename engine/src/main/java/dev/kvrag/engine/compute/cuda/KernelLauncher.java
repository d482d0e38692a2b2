package dev.kvrag.engine.compute.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Launches kernels through an FFM downcall to the driver's {@code cuLaunchKernel} (libcuda.so.1, the library JCuda's
 * own calls go to, so the same context and streams): JCuda's JNI launch marshals a Java object per argument on every
 * call, and a decode step launches several hundred kernels. Arguments go through one reused {@link ArgumentBlock}.
 */
final class KernelLauncher {

  private final MethodHandle launch;
  private final ArgumentBlock args = new ArgumentBlock(Arena.global());

  KernelLauncher() {
    MemorySegment symbol = NativeLibrary.open("libcuda.so.1").find("cuLaunchKernel")
        .orElseThrow(() -> new IllegalStateException("libcuda.so.1 has no cuLaunchKernel"));
    // CUresult cuLaunchKernel(CUfunction f, unsigned gridX, gridY, gridZ, unsigned blockX, blockY, blockZ,
    //                         unsigned sharedMemBytes, CUstream stream, void** kernelParams, void** extra)
    launch = Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
  }

  /** The arguments of a launch of {@code k}; end with {@link #launch}. */
  ArgumentBlock start(Kernel k) {
    return args.start(k);
  }

  /** Launches the kernel whose arguments were just given: grid {@code (gx, gy)}, {@code block} threads. */
  void launch(int gx, int gy, int block, Handles.Stream stream) {
    launch(gx, gy, block, 0, stream);
  }

  /** {@link #launch(int, int, int, Handles.Stream)} with {@code sharedBytes} of dynamic shared memory per block. */
  void launch(int gx, int gy, int block, int sharedBytes, Handles.Stream stream) {
    Kernel k = args.complete();
    if (gx <= 0 || gy <= 0) {
      return;  // nothing to do (an empty batch)
    }
    int status;
    try {
      status = (int) launch.invokeExact(MemorySegment.ofAddress(k.function()), gx, gy, 1, block, 1, 1,
          sharedBytes, MemorySegment.ofAddress(stream.address()), args.pointers(), MemorySegment.NULL);
    } catch (Throwable e) {
      throw new IllegalStateException("cuLaunchKernel could not be called", e);
    }
    if (status != 0) {
      throw new CudaException("launching " + k.name() + " on grid (" + gx + ", " + gy + ") x " + block
          + " threads failed: CUresult " + status + " (" + jcuda.driver.CUresult.stringFor(status) + ")");
    }
  }
}
