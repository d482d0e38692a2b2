package dev.kvrag.bench.demomodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bench/demo-model/check_packing.py}, the self-check of the demo model's training rows (packed blocks,
 * separately encoded chunks, CACHEBLEND rows and their ranking loss), wherever a Python with PyTorch and NumPy is
 * installed (Debian: {@code apt-get install python3-torch python3-numpy}); elsewhere it is skipped, saying so.
 */
class TrainingRowsCheckTest {

  private static final Path SCRIPT = Path.of("..", "bench", "demo-model", "check_packing.py");

  @Test
  void packedAndBlendedRowsComputeWhatTheyClaim() throws IOException, InterruptedException {
    Optional<String> python = pythonWithTorch();
    assumeTrue(python.isPresent(), "no python3 with torch and numpy here (/usr/bin/python3, python3): "
        + "apt-get install python3-torch python3-numpy to run the training-row checks");
    Process p = new ProcessBuilder(python.get(), SCRIPT.toString()).redirectErrorStream(true).start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(done, "check_packing.py did not finish in 5 minutes:\n" + out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.strip().endsWith("OK"), out);
  }

  private static Optional<String> pythonWithTorch() throws InterruptedException {
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) {
        continue;
      }
      try {
        Process p = new ProcessBuilder(candidate, "-c", "import torch, numpy").redirectErrorStream(true).start();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(candidate);
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // not installed under this name: try the next
      }
    }
    return Optional.empty();
  }
}
