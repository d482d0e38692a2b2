package dev.kvrag.engine.model;

import static dev.kvrag.engine.compute.cuda.SharedCudaBackend.l2RelativeError;
import static dev.kvrag.engine.compute.cuda.SharedCudaBackend.worstRowError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.Backend;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.compute.cuda.RequiresCuda;
import dev.kvrag.engine.compute.cuda.SharedCudaBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The exactness fixtures on the GPU against the CPU engine. The bf16 backend (the speed path: matrix-product inputs
 * and the KV cache in bf16, as HF's bf16 inference): logits within 2e-2 relative L2 error per sequence (the CPU
 * rounding at the same places measured up to 0.8e-2; METHOD.md puts bf16 operands between 1e-3 and 1e-2), and the
 * CPU's greedy continuation, compared step by step with both fed the same tokens, a step differing only where the
 * CPU's two best logits are closer than the two backends' logits are to each other (a tie at bf16 precision; such
 * steps are printed). The fp32 backend: every row within 1e-3 of its maximum and the identical continuation — the
 * kernels' logic, free of bf16 noise. The error against HF's fp32 logits is printed. Skipped without a GPU.
 */
@ExtendWith(RequiresCuda.class)
class CudaHfExactnessTest {

  static final double BF16_TOLERANCE = 2e-2;
  static final double FP32_TOLERANCE = 1e-3;

  static CpuBackend cpu;

  @BeforeAll
  static void start() {
    cpu = new CpuBackend(4);
  }

  @AfterAll
  static void stop() {
    cpu.close();
  }

  static float[] allLogits(Transformer model, int[] ids) {
    ModelSession session = new ModelSession(model);
    Activations hidden = model.forward(ids, HfExactnessTest.range(ids.length), HfExactnessTest.range(ids.length),
        session.cache(), AttentionRule.causal());
    return model.logits(hidden, 0, ids.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3"})
  void logitsOfEveryPositionMatchTheCpu(String arch) throws IOException {
    Path dir = HfExactnessTest.MODELS.resolve(arch);
    JsonNode spec = HfExactnessTest.cases(arch);
    try (Transformer bf16 = Transformer.load(dir, SharedCudaBackend.get());
         Transformer fp32 = Transformer.load(dir, SharedCudaBackend.exact());
         Transformer onCpu = Transformer.load(dir, cpu)) {
      int vocab = onCpu.config().vocabSize();
      for (JsonNode c : spec.get("cases")) {
        int[] ids = HfExactnessTest.ints(c.get("ids"));
        float[] reference = allLogits(onCpu, ids);
        float[] fast = allLogits(bf16, ids);
        float[] exact = allLogits(fp32, ids);
        NpyReader hf = NpyReader.read(dir.resolve(c.get("logits").asString()));
        double l2 = l2RelativeError(fast, reference);
        double tight = worstRowError(exact, reference, ids.length, vocab);
        String name = arch + " " + c.get("name").asString();
        System.out.printf("%s on the GPU, %d positions: bf16 L2 %.3g (worst row %.3g), fp32 worst row %.3g vs the CPU; "
                + "bf16 L2 %.3g vs HF fp32%n", name, ids.length, l2, worstRowError(fast, reference, ids.length, vocab),
            tight, l2RelativeError(fast, hf.data()));
        assertTrue(l2 <= BF16_TOLERANCE, name + ": bf16 relative L2 error " + l2);
        assertTrue(tight <= FP32_TOLERANCE, name + ": fp32 worst row error " + tight);
      }
    }
  }

  /** Greedy steps where {@code backend} differs from the CPU beyond a bf16 tie, and the ties, fed the same tokens. */
  static List<List<String>> greedyAgainstCpu(Backend backend, String arch) throws IOException {
    JsonNode greedy = HfExactnessTest.cases(arch).get("greedy");
    int[] prompt = HfExactnessTest.ints(greedy.get("prompt"));
    int[] expected = HfExactnessTest.ints(greedy.get("continuation"));
    Path dir = HfExactnessTest.MODELS.resolve(arch);
    List<String> ties = new ArrayList<>();
    List<String> differences = new ArrayList<>();
    try (Transformer onGpu = Transformer.load(dir, backend); Transformer onCpu = Transformer.load(dir, cpu)) {
      ModelSession g = new ModelSession(onGpu);
      ModelSession c = new ModelSession(onCpu);
      float[] lg = g.feed(prompt);
      float[] lc = c.feed(prompt);
      for (int i = 0; i < expected.length; i++) {
        int ours = HfExactnessTest.argmax(lg);
        int theirs = HfExactnessTest.argmax(lc);
        if (ours != theirs) {
          double margin = lc[theirs] - lc[ours];
          double noise = 0;
          for (int v = 0; v < lc.length; v++) {
            noise = Math.max(noise, Math.abs(lc[v] - lg[v]));
          }
          String step = "step " + i + ": " + ours + " instead of " + theirs + " (CPU margin " + margin
              + ", logit difference " + noise + ")";
          (margin <= 2 * noise ? ties : differences).add(step);
        }
        lg = g.feed(new int[] {expected[i]});
        lc = c.feed(new int[] {expected[i]});
      }
    }
    return List.of(differences, ties);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3"})
  void greedyContinuationIsTheCpus(String arch) throws IOException {
    List<List<String>> bf16 = greedyAgainstCpu(SharedCudaBackend.get(), arch);
    List<List<String>> fp32 = greedyAgainstCpu(SharedCudaBackend.exact(), arch);
    System.out.println(arch + " greedy on the GPU: bf16 differs at " + bf16.get(0) + ", ties " + bf16.get(1)
        + "; fp32 differs at " + fp32.get(0) + ", ties " + fp32.get(1));
    assertTrue(bf16.get(0).isEmpty(), arch + " bf16: " + bf16.get(0));
    assertArrayEquals(new Object[0], fp32.get(0).toArray(), arch + " fp32");
    assertArrayEquals(new Object[0], fp32.get(1).toArray(), arch + " fp32 (not even a tie)");
  }
}
