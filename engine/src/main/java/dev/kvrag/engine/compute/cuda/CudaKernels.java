package dev.kvrag.engine.compute.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;

/**
 * The engine's kernels: the {@code .cu} sources under {@code resources/dev/kvrag/engine/compute/cuda}, compiled when
 * the backend starts for the device's own architecture (CUBIN, no driver JIT) and loaded as one module. NVRTC 13 is
 * the compiler (libnvrtc.so.13 through FFM); where it is missing, {@code nvcc} on the PATH. Each kernel is declared
 * here with its C parameter list, one letter per parameter ({@link Kernel}); a test holds the declarations against
 * the sources.
 */
final class CudaKernels {

  /** The kernel sources, headers first, in the order the compiler sees them. */
  static final List<String> SOURCES = List.of("common.cuh", "tensor_core.cuh", "elementwise.cu", "gemv.cu", "norm.cu", "rope.cu",
      "kv.cu", "attention_split.cu", "attention_flash.cu");

  /** Every kernel's C parameter list: p pointer, i int, f float. */
  static final Map<String, String> SIGNATURES;

  static {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("embed", "pppiii");
    s.put("widen", "ppii");
    s.put("add_inplace", "ppi");
    s.put("bias_add", "ppii");
    s.put("silu_mul", "pppii");
    s.put("silu_mul_half", "pppii");
    s.put("to_half", "ppii");
    s.put("gather_rows", "pppii");
    s.put("gemv_half", "pppppppiiiiii");
    s.put("rms_norm", "ppppiifi");
    s.put("rope", "pppiii");
    s.put("rope_angles", "ppppii");
    s.put("rotate_keys", "pppiiiiii");
    s.put("kv_write", "pppppiiiii");
    s.put("value_deviation", "pppiiiii");
    s.put("attention_split", "pppppppppiiiiiiifi");
    s.put("attention_combine", "ppppppiiii");
    s.put("attention_flash_128", "pppppppppiiiiifi");
    s.put("attention_flash_64", "pppppppppiiiiifi");
    s.put("attention_flash_128_f16", "pppppppppiiiiifi");
    s.put("attention_flash_64_f16", "pppppppppiiiiifi");
    SIGNATURES = Map.copyOf(s);
  }

  final Kernel embed;
  final Kernel widen;
  final Kernel addInplace;
  final Kernel biasAdd;
  final Kernel siluMul;
  final Kernel siluMulHalf;
  final Kernel toHalf;
  final Kernel gatherRows;
  final Kernel gemvHalf;
  final Kernel rmsNorm;
  final Kernel rope;
  final Kernel ropeAngles;
  final Kernel rotateKeys;
  final Kernel kvWrite;
  final Kernel valueDeviation;
  final Kernel attentionSplit;
  final Kernel attentionCombine;
  private final Kernel attentionFlash128;
  private final Kernel attentionFlash64;
  private final Kernel attentionFlash128F16;
  private final Kernel attentionFlash64F16;
  private final String compiler;

  private CudaKernels(CUmodule module, String compiler) {
    this.compiler = compiler;
    embed = load(module, "embed");
    widen = load(module, "widen");
    addInplace = load(module, "add_inplace");
    biasAdd = load(module, "bias_add");
    siluMul = load(module, "silu_mul");
    siluMulHalf = load(module, "silu_mul_half");
    toHalf = load(module, "to_half");
    gatherRows = load(module, "gather_rows");
    gemvHalf = load(module, "gemv_half");
    rmsNorm = load(module, "rms_norm");
    rope = load(module, "rope");
    ropeAngles = load(module, "rope_angles");
    rotateKeys = load(module, "rotate_keys");
    kvWrite = load(module, "kv_write");
    valueDeviation = load(module, "value_deviation");
    attentionSplit = load(module, "attention_split");
    attentionCombine = load(module, "attention_combine");
    attentionFlash128 = load(module, "attention_flash_128", DeviceAttention.flashSharedBytes(128));
    attentionFlash64 = load(module, "attention_flash_64", DeviceAttention.flashSharedBytes(64));
    attentionFlash128F16 = load(module, "attention_flash_128_f16", DeviceAttention.flashSharedBytes(128));
    attentionFlash64F16 = load(module, "attention_flash_64_f16", DeviceAttention.flashSharedBytes(64));
  }

  /** The tensor-core attention for head dim {@code hd} (64 or 128) over a bf16 cache, or an f16 one. */
  Kernel attentionFlash(int hd, boolean f16) {
    if (hd == 128) {
      return f16 ? attentionFlash128F16 : attentionFlash128;
    }
    return f16 ? attentionFlash64F16 : attentionFlash64;
  }

  /** Compiles the sources for {@code device} and loads them (the device's context must be current). */
  static CudaKernels load(CudaDevice device) {
    Map<String, String> files = sources();
    StringBuilder main = new StringBuilder();
    for (String name : SOURCES) {
      if (name.endsWith(".cu")) {
        main.append("#include \"").append(name).append("\"\n");
      }
    }
    String arch = device.architecture();
    byte[] cubin = null;
    String compiler = null;
    RuntimeException nvrtcProblem = null;
    try {
      Nvrtc nvrtc = Nvrtc.load();
      cubin = nvrtc.compile("kvrag_kernels.cu", main.toString(), files, List.of("--gpu-architecture=" + arch,
          "--std=c++17", "-lineinfo"));
      compiler = "NVRTC " + nvrtc.version();
    } catch (RuntimeException e) {
      // no libnvrtc.so.13, or it refused the sources: nvcc, where there is one, gets its turn
      nvrtcProblem = e;
    }
    if (cubin == null) {
      cubin = nvcc(arch, main.toString(), files, nvrtcProblem);
      compiler = "nvcc (NVRTC: " + firstLine(nvrtcProblem) + ")";
    }
    CUmodule module = new CUmodule();
    cuModuleLoadData(module, cubin);
    return new CudaKernels(module, compiler + " for " + arch);
  }

  String compiler() {
    return compiler;
  }

  private static Kernel load(CUmodule module, String name) {
    return load(module, name, 0);
  }

  /** A kernel launched with {@code dynamicShared} bytes of dynamic shared memory (above 48 KiB must be allowed). */
  private static Kernel load(CUmodule module, String name, int dynamicShared) {
    Handles.Function f = new Handles.Function();
    cuModuleGetFunction(f, module, name);
    if (dynamicShared > 48 * 1024) {
      int status = cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
          dynamicShared);
      if (status != 0) {
        throw new CudaException(name + " needs " + dynamicShared + " bytes of shared memory per block, which the "
            + "device refused: CUresult " + status);
      }
    }
    return new Kernel(name, SIGNATURES.get(name), 0).loaded(f.address());
  }

  /** Every source file's text by name. */
  static Map<String, String> sources() {
    Map<String, String> files = new LinkedHashMap<>();
    for (String name : SOURCES) {
      try (InputStream in = CudaKernels.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("kernel source " + name + " is missing from the engine's resources");
        }
        files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kernel source " + name, e);
      }
    }
    return files;
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The fallback compiler: nvcc on the PATH writes the CUBIN. */
  private static byte[] nvcc(String arch, String main, Map<String, String> files, RuntimeException nvrtcProblem) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("kvrag-cuda");
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue());
      }
      Files.writeString(dir.resolve("kvrag_kernels.cu"), main);
      List<String> command = new ArrayList<>(List.of("nvcc", "-cubin", "-arch=" + arch, "-lineinfo", "-o",
          "kvrag_kernels.cubin", "kvrag_kernels.cu"));
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new CudaException("nvcc could not compile the kernels:\n" + out + "\n(NVRTC before it: "
            + nvrtcProblem.getMessage() + ")");
      }
      return Files.readAllBytes(dir.resolve("kvrag_kernels.cubin"));
    } catch (IOException e) {
      throw new CudaException("no CUDA compiler: NVRTC is unavailable (" + nvrtcProblem.getMessage()
          + ") and nvcc could not be run (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CudaException("interrupted while nvcc compiled the kernels", e);
    } finally {
      if (dir != null) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temp folder left behind is harmless
        }
      }
    }
  }
}
