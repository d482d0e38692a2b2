package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every kernel the sources define is declared in {@link CudaKernels} with exactly its C parameter list, so a launch
 * whose arguments drift from a kernel's parameters is caught here (and by {@link ArgumentBlock} at run time), not by
 * wrong numbers on the GPU.
 */
class KernelSignaturesTest {

  private static final Pattern KERNEL = Pattern.compile(
      "extern \"C\" __global__ void(?:\\s+__launch_bounds__\\([^)]*\\))?\\s+(\\w+)\\s*\\(([^)]*)\\)");

  static Map<String, String> fromSources() throws IOException {
    Map<String, String> found = new TreeMap<>();
    for (String name : CudaKernels.SOURCES) {
      String text = Files.readString(CudaSourcesCompileTest.SOURCES.resolve(name));
      Matcher m = KERNEL.matcher(text);
      while (m.find()) {
        StringBuilder sig = new StringBuilder();
        for (String param : m.group(2).split(",")) {
          String p = param.strip();
          if (p.contains("*")) {
            sig.append('p');
          } else if (p.startsWith("float ")) {
            sig.append('f');
          } else if (p.startsWith("int ")) {
            sig.append('i');
          } else {
            sig.append('?');
          }
        }
        found.put(m.group(1), sig.toString());
      }
    }
    return found;
  }

  @Test
  void theDeclaredSignaturesAreThoseOfTheSources() throws IOException {
    assertEquals(fromSources(), new TreeMap<>(CudaKernels.SIGNATURES));
  }

  @Test
  void theSourceListNamesEveryFileOfTheFolder() throws IOException {
    try (var files = Files.list(CudaSourcesCompileTest.SOURCES)) {
      assertEquals(new java.util.TreeSet<>(CudaKernels.SOURCES),
          files.map(Path::getFileName).map(Path::toString).collect(java.util.stream.Collectors.toCollection(
              java.util.TreeSet::new)));
    }
  }
}
