package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CudaDemoModelTest}'s harness without a GPU: a second CPU backend (other thread count) in its place, on the
 * first three prompts. Every mode runs, and identical backends give identical answers.
 */
class DemoModelHarnessTest {

  @Test
  void theComparisonRunsEveryModeAndFindsTwoCpusAlike() throws IOException {
    List<CudaDemoModelTest.Prompt> prompts = CudaDemoModelTest.read(CudaDemoModelTest.PROMPTS).subList(0, 3);
    assertEquals(3, prompts.size());
    assertTrue(prompts.stream().allMatch(p -> p.chunks().size() > 1), "every prompt has several chunks");
    try (CpuBackend other = new CpuBackend(1)) {
      List<String> failures = CudaDemoModelTest.compare(other, "CPU, one thread", prompts);
      assertTrue(failures.isEmpty(), failures.toString());
    }
  }
}
