package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel sources compile for Hopper (sm_90) with nvcc, where the machine has it (the development machines do; no
 * GPU is needed): compile errors show up here, not first on the GPU machine, where NVRTC compiles the same files.
 */
class CudaSourcesCompileTest {

  static final Path SOURCES = Path.of("src/main/resources/dev/kvrag/engine/compute/cuda");

  @Test
  void everyKernelFileCompilesToPtxForSm90(@TempDir Path tmp) throws Exception {
    ExternalTool nvcc = ExternalTool.find("nvcc");
    assumeTrue(nvcc != null, "nvcc is not on the PATH: the CUDA sources were not compiled here");
    List<Path> files;
    try (Stream<Path> s = Files.list(SOURCES)) {
      files = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
    }
    assertTrue(files.size() >= 6, "kernel files found: " + files);
    for (Path f : files) {
      List<String> args = new ArrayList<>(List.of("-arch=sm_90", "-ptx", "-Werror", "all-warnings", "-I",
          SOURCES.toAbsolutePath().toString(), "-o", tmp.resolve(f.getFileName() + ".ptx").toString(),
          f.toAbsolutePath().toString()));
      ExternalTool.Result r = nvcc.run(tmp, args, 300);
      assertEquals(0, r.status(), f.getFileName() + " does not compile:\n" + r.output());
    }
  }
}
