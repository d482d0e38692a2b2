package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel sources compile under NVRTC 13 exactly as the backend compiles them at start (FFM binding, headers passed
 * in memory, a CUBIN for sm_90). NVRTC needs no GPU: this runs wherever libnvrtc.so.13 is found (the GPU machine, or
 * a development machine given its folder with {@code -Dkvrag.cuda.libdir=DIR}).
 */
class NvrtcCompileTest {

  @Test
  void theKernelsCompileToACubinForSm90UnderNvrtc() {
    Nvrtc nvrtc;
    try {
      nvrtc = Nvrtc.load();
    } catch (IllegalStateException e) {
      assumeTrue(false, "no libnvrtc.so.13 here: " + e.getMessage());
      return;
    }
    StringBuilder main = new StringBuilder();
    for (String name : CudaKernels.SOURCES) {
      if (name.endsWith(".cu")) {
        main.append("#include \"").append(name).append("\"\n");
      }
    }
    byte[] cubin = nvrtc.compile("kvrag_kernels.cu", main.toString(), CudaKernels.sources(),
        List.of("--gpu-architecture=sm_90", "--std=c++17", "-lineinfo"));
    System.out.println("NVRTC " + nvrtc.version() + ": CUBIN of " + cubin.length + " bytes");
    assertTrue(cubin.length > 10_000, "a CUBIN of " + cubin.length + " bytes");
    assertTrue(cubin[0] == 0x7f && cubin[1] == 'E' && cubin[2] == 'L' && cubin[3] == 'F', "an ELF image");
  }
}
