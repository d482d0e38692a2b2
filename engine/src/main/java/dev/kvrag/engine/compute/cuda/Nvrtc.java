package dev.kvrag.engine.compute.cuda;

import static dev.kvrag.engine.compute.cuda.NativeLibrary.call;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

/**
 * NVRTC 13 (run-time CUDA C++ compilation) through Java FFM downcalls into libnvrtc.so.13; JCuda's JNvrtc links
 * against libnvrtc.so.12. Compiles the kernel sources to a CUBIN for the device at hand. Signatures as in CUDA 13's
 * {@code nvrtc.h}: results are C ints, the program handle a pointer.
 */
final class Nvrtc {

  private static final String LIBRARY = "libnvrtc.so.13";

  private final MethodHandle create;
  private final MethodHandle compile;
  private final MethodHandle logSize;
  private final MethodHandle log;
  private final MethodHandle cubinSize;
  private final MethodHandle cubin;
  private final MethodHandle destroy;
  private final MethodHandle errorString;
  private final String version;

  private Nvrtc(SymbolLookup lib) {
    // nvrtcCreateProgram(nvrtcProgram*, const char* src, const char* name, int numHeaders, const char* const* headers,
    //                    const char* const* includeNames)
    create = function(lib, "nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
        ADDRESS, ADDRESS));
    compile = function(lib, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    logSize = function(lib, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    log = function(lib, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    cubinSize = function(lib, "nvrtcGetCUBINSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    cubin = function(lib, "nvrtcGetCUBIN", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    destroy = function(lib, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    errorString = function(lib, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    MethodHandle versionCall = function(lib, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment major = arena.allocate(JAVA_INT);
      MemorySegment minor = arena.allocate(JAVA_INT);
      check(call(versionCall, major, minor), "nvrtcVersion");
      version = major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
    }
  }

  static Nvrtc load() {
    return new Nvrtc(NativeLibrary.open(LIBRARY));
  }

  String version() {
    return version;
  }

  /**
   * The CUBIN of {@code source} compiled with {@code options} (which must name a real architecture, e.g.
   * {@code --gpu-architecture=sm_90}); {@code headers} maps include names to their text. A compile error is an
   * exception carrying NVRTC's log.
   */
  byte[] compile(String name, String source, Map<String, String> headers, List<String> options) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment program = arena.allocate(ADDRESS);
      MemorySegment headerTexts = arena.allocate(ADDRESS, Math.max(1, headers.size()));
      MemorySegment headerNames = arena.allocate(ADDRESS, Math.max(1, headers.size()));
      int i = 0;
      for (Map.Entry<String, String> h : headers.entrySet()) {
        headerTexts.setAtIndex(ADDRESS, i, arena.allocateFrom(h.getValue()));
        headerNames.setAtIndex(ADDRESS, i, arena.allocateFrom(h.getKey()));
        i++;
      }
      check(call(create, program, arena.allocateFrom(source), arena.allocateFrom(name), headers.size(), headerTexts,
          headerNames), "nvrtcCreateProgram");
      MemorySegment prog = program.get(ADDRESS, 0);
      try {
        MemorySegment opts = arena.allocate(ADDRESS, Math.max(1, options.size()));
        for (int o = 0; o < options.size(); o++) {
          opts.setAtIndex(ADDRESS, o, arena.allocateFrom(options.get(o)));
        }
        int status = call(compile, prog, options.size(), opts);
        if (status != 0) {
          throw new CudaException("NVRTC " + version + " could not compile " + name + " (" + error(status) + "):\n"
              + log(arena, prog));
        }
        MemorySegment size = arena.allocate(JAVA_LONG);
        check(call(cubinSize, prog, size), "nvrtcGetCUBINSize");
        MemorySegment image = arena.allocate(size.get(JAVA_LONG, 0));
        check(call(cubin, prog, image), "nvrtcGetCUBIN");
        return image.toArray(JAVA_BYTE);
      } finally {
        call(destroy, program);
      }
    }
  }

  private String log(Arena arena, MemorySegment prog) {
    MemorySegment size = arena.allocate(JAVA_LONG);
    if (call(logSize, prog, size) != 0) {
      return "(no log)";
    }
    MemorySegment text = arena.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
    if (call(log, prog, text) != 0) {
      return "(no log)";
    }
    return text.getString(0);
  }

  private void check(int status, String what) {
    if (status != 0) {
      throw new CudaException(what + " failed: " + error(status));
    }
  }

  private String error(int status) {
    try {
      MemorySegment s = (MemorySegment) errorString.invokeExact(status);
      return s.reinterpret(1024).getString(0);
    } catch (Throwable e) {
      return "NVRTC result " + status;
    }
  }

  private static MethodHandle function(SymbolLookup lib, String name, FunctionDescriptor signature) {
    return NativeLibrary.function(lib, LIBRARY, name, signature);
  }
}
