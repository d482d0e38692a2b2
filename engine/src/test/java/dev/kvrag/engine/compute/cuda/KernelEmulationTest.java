package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA kernels' logic checked without a GPU: {@code src/test/cuda/kernel_check.cpp} compiles the kernel sources as
 * C++ against a CPU emulator of the warp primitives (mma.sync, ldmatrix, shuffles; {@code cuda_emulator.hpp}) and
 * compares every kernel with a float64 reference: embedding, RMSNorm, RoPE and key rotation, KV writes, CacheBlend's
 * deviation, split-K attention and the tensor-core flash attention (causal, per-query ranges, empty ranges, GQA,
 * log-sum-exp). Runs where g++ is on the PATH.
 */
class KernelEmulationTest {

  @Test
  void everyKernelMatchesItsFloat64ReferenceOnTheEmulator(@TempDir Path tmp) throws Exception {
    ExternalTool gxx = ExternalTool.find("g++");
    assumeTrue(gxx != null, "g++ is not on the PATH: the kernels were not run on the CPU emulator");
    Path binary = tmp.resolve("kernel_check");
    ExternalTool.Result build = gxx.run(tmp, List.of("-std=c++20", "-O1", "-pthread", "-Wno-unknown-pragmas", "-I",
        CudaSourcesCompileTest.SOURCES.toAbsolutePath().toString(), "-I", Path.of("src/test/cuda").toAbsolutePath()
            .toString(), "-o", binary.toString(), Path.of("src/test/cuda/kernel_check.cpp").toAbsolutePath()
            .toString()), 300);
    assertEquals(0, build.status(), "kernel_check.cpp does not build:\n" + build.output());
    ExternalTool.Result run = new ExternalTool(binary).run(tmp, List.of(), 300);
    assertEquals(0, run.status(), run.output());
    assertTrue(run.output().contains("all kernel checks passed"), run.output());
  }
}
