package dev.kvrag.engine.compute.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Opens one of CUDA's shared libraries (libcuda.so.1, libcublas.so.13, libnvrtc.so.13) for Java FFM downcalls: first
 * by name through the dynamic linker (LD_LIBRARY_PATH, the ld cache), then in the usual install folders. A library
 * that is nowhere is an error naming every place looked at.
 */
final class NativeLibrary {

  /** Where a folder holding CUDA's libraries may be named explicitly. */
  static final String DIR_PROPERTY = "kvrag.cuda.libdir";
  static final String DIR_ENV = "KVRAG_CUDA_LIBDIR";

  private NativeLibrary() {
  }

  /** The library {@code soname}, opened for the life of the JVM. */
  static SymbolLookup open(String soname) {
    List<String> tried = new ArrayList<>();
    for (String candidate : candidates(soname)) {
      try {
        return SymbolLookup.libraryLookup(candidate, Arena.global());
      } catch (IllegalArgumentException e) {
        tried.add(candidate);
      }
    }
    throw new IllegalStateException(soname + " was not found (tried " + String.join(", ", tried)
        + "); install the CUDA 13 toolkit libraries or name their folder with -D" + DIR_PROPERTY + "=DIR or "
        + DIR_ENV + "=DIR");
  }

  /** A downcall handle for {@code name} in {@code lib} ({@code soname}, for the message when it is missing). */
  static MethodHandle function(SymbolLookup lib, String soname, String name, FunctionDescriptor signature) {
    MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException(
        soname + " has no " + name + ": not the CUDA 13 library this backend is written for"));
    return Linker.nativeLinker().downcallHandle(symbol, signature);
  }

  /** Calls a downcall that returns a C int status. */
  static int call(MethodHandle h, Object... args) {
    try {
      return (int) h.invokeWithArguments(args);
    } catch (Throwable e) {
      throw new IllegalStateException("native call failed: " + e, e);
    }
  }

  /** The name itself, then {@code soname} in each candidate folder that exists, in search order. */
  static List<String> candidates(String soname) {
    Set<String> out = new LinkedHashSet<>();
    out.add(soname);
    for (Path dir : folders()) {
      Path p = dir.resolve(soname);
      if (Files.exists(p)) {
        out.add(p.toString());
      }
    }
    return List.copyOf(out);
  }

  private static List<Path> folders() {
    List<Path> dirs = new ArrayList<>();
    String named = System.getProperty(DIR_PROPERTY, System.getenv(DIR_ENV));
    if (named != null && !named.isBlank()) {
      dirs.add(Path.of(named));
    }
    for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
      String home = System.getenv(env);
      if (home != null && !home.isBlank()) {
        dirs.add(Path.of(home, "lib64"));
        dirs.add(Path.of(home, "targets", "x86_64-linux", "lib"));
      }
    }
    dirs.add(Path.of("/usr/local/cuda/lib64"));
    dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
    try (Stream<Path> versions = Files.list(Path.of("/usr/local"))) {
      versions.filter(p -> p.getFileName().toString().startsWith("cuda-"))
          .sorted(Comparator.comparing(Path::toString).reversed())
          .forEach(p -> dirs.add(p.resolve("lib64")));
    } catch (IOException | RuntimeException e) {
      // no /usr/local or not readable: the other places remain
    }
    dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
    dirs.add(Path.of("/usr/lib64"));
    return dirs;
  }
}
