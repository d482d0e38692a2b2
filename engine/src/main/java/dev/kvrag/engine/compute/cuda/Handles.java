package dev.kvrag.engine.compute.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * JCuda handles that also give their native address, which the FFM calls (cuLaunchKernel, cuBLAS) take:
 * {@code getNativePointer} is protected in JCuda, so each is a subclass filled in by the JCuda call that creates it.
 */
final class Handles {

  private Handles() {
  }

  /** A kernel function, filled by cuModuleGetFunction. */
  static final class Function extends CUfunction {
    long address() {
      return getNativePointer();
    }
  }

  /** A stream, filled by cuStreamCreate. */
  static final class Stream extends CUstream {
    long address() {
      return getNativePointer();
    }
  }

  /** Device memory, filled by cuMemAlloc. */
  static final class DevicePointer extends CUdeviceptr {
    long address() {
      return getNativePointer();
    }
  }

  /** A host address: filled by cuMemAllocHost, or made from a known address (page-locked or mapped memory). */
  static final class HostPointer extends Pointer {
    HostPointer() {
    }

    HostPointer(long address) {
      super(address);
    }

    long address() {
      return getNativePointer();
    }
  }
}
