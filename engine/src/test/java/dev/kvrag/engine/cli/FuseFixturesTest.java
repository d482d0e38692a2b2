package dev.kvrag.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.NpyReader;
import dev.kvrag.engine.model.Transformer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fusion modes against the independent float64 reference of DESIGN §4 ({@code bench/fixtures/fusion_reference.py},
 * fixtures by {@code make_fusion_fixtures.py}): every case of three random checkpoints (Llama with llama3 RoPE in
 * bf16, Qwen3 with q/k norm in bf16, Qwen2 with q/k/v bias in fp32), through the code path of {@code ./kvrag fuse}.
 */
class FuseFixturesTest {

  static final Path FIXTURES = Path.of("src/test/resources/fixtures/fusion");
  static final double TOLERANCE = 1e-4;

  static CpuBackend backend;

  @BeforeAll
  static void start() {
    backend = new CpuBackend(2);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  /** Per row, {@code max|ours − ref| / max|ref|}; the worst row. */
  static double worstRowError(float[] ours, float[] ref, int rows, int vocab) {
    double worst = 0;
    for (int r = 0; r < rows; r++) {
      double diff = 0;
      double max = 0;
      for (int j = r * vocab; j < (r + 1) * vocab; j++) {
        diff = Math.max(diff, Math.abs((double) ours[j] - ref[j]));
        max = Math.max(max, Math.abs(ref[j]));
      }
      worst = Math.max(worst, diff / max);
    }
    return worst;
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16", "qwen2-fp32"})
  void everyCaseMatchesTheFloat64ReferenceWithinOneInTenThousandOfTheRowMax(String name) throws IOException {
    Path dir = FIXTURES.resolve(name);
    try (Transformer model = Transformer.load(dir, backend)) {
      int vocab = model.config().vocabSize();
      List<FuseCommand.Case> cases = FuseCommand.readCases(dir.resolve("cases.jsonl"), model.config());
      List<String> failures = new ArrayList<>();
      Map<String, Double> worstByMode = new TreeMap<>();
      for (FuseCommand.Case c : cases) {
        float[] ours = FuseCommand.logits(model, name, c, FuseCommand.KvEncoding.F32);
        NpyReader ref = NpyReader.read(dir.resolve("expected/" + c.line() + ".npy"));
        assertArrayEquals(new int[] {c.rows(), vocab}, ref.shape(), "case " + c.line());
        double err = worstRowError(ours, ref.data(), c.rows(), vocab);
        String mode = c.plan().mode().describe() + (c.plan().snapkv() == null ? "" : " + " + c.plan().snapkv());
        worstByMode.merge(mode.replaceAll(":.*?( \\+|$)", "$1"), err, Math::max);
        if (!(err <= TOLERANCE)) {
          failures.add("case " + c.line() + " (" + mode + "): " + String.format("%.2e", err));
        }
      }
      System.out.println(name + ": worst row error by mode " + worstByMode);
      assertEquals(40, cases.size());
      assertTrue(failures.isEmpty(), name + ": " + failures.size() + " cases off: " + failures + "; worst by mode "
          + worstByMode);
    }
  }
}
