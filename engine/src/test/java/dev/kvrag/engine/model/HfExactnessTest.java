package dev.kvrag.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exactness against Hugging Face transformers 5.x: random-weight checkpoints made on the GPU machine
 * ({@code bench/fixtures/make_engine_fixtures.py}), their fp32 eager logits for a short and a 1,500-token
 * sequence, and HF's greedy continuation. One checkpoint per architecture, covering bf16 with Llama-3 RoPE
 * scaling (llama), fp16 with explicit head_dim (mistral), fp32 sharded with q/k/v bias and tied embeddings
 * (qwen2), bf16 with q/k norms (qwen3).
 */
class HfExactnessTest {

  static final Path MODELS = Path.of("src/test/resources/fixtures/models");
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

  static JsonNode cases(String arch) throws IOException {
    return JsonMapper.builder().build().readTree(Files.readString(MODELS.resolve(arch).resolve("cases.json")));
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3"})
  void logitsOfEveryPositionMatchHfFloat32WithinOneInTenThousandOfTheRowMax(String arch) throws IOException {
    Path dir = MODELS.resolve(arch);
    JsonNode spec = cases(arch);
    try (Transformer model = Transformer.load(dir, backend)) {
      assertEquals(spec.get("architecture").asString(), model.config().architecture().hfName());
      for (JsonNode c : spec.get("cases")) {
        int[] ids = ints(c.get("ids"));
        NpyReader expected = NpyReader.read(dir.resolve(c.get("logits").asString()));
        int vocab = model.config().vocabSize();
        assertArrayEquals(new int[] {ids.length, vocab}, expected.shape());
        ModelSession session = new ModelSession(model);
        Activations hidden = model.forward(ids, range(ids.length), range(ids.length), session.cache(),
            dev.kvrag.engine.compute.AttentionRule.causal());
        float[] logits = model.logits(hidden, 0, ids.length);
        double worst = 0;
        int worstRow = -1;
        for (int t = 0; t < ids.length; t++) {
          double max = 0;
          double diff = 0;
          for (int v = 0; v < vocab; v++) {
            max = Math.max(max, Math.abs(expected.data()[t * vocab + v]));
            diff = Math.max(diff, Math.abs(expected.data()[t * vocab + v] - logits[t * vocab + v]));
          }
          if (diff / max > worst) {
            worst = diff / max;
            worstRow = t;
          }
        }
        System.out.printf("%s %s: %d positions, worst relative error %.3g at position %d%n", arch,
            c.get("name").asString(), ids.length, worst, worstRow);
        assertTrue(worst <= TOLERANCE, arch + " " + c.get("name").asString() + ": relative error " + worst
            + " at position " + worstRow);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3"})
  void greedyContinuationIsIdenticalToHf(String arch) throws IOException {
    JsonNode greedy = cases(arch).get("greedy");
    int[] prompt = ints(greedy.get("prompt"));
    int[] expected = ints(greedy.get("continuation"));
    try (Transformer model = Transformer.load(MODELS.resolve(arch), backend)) {
      ModelSession session = new ModelSession(model);
      List<Integer> produced = new ArrayList<>();
      float[] logits = session.feed(prompt);
      for (int i = 0; i < expected.length; i++) {
        int next = argmax(logits);
        produced.add(next);
        logits = session.feed(new int[] {next});
      }
      assertArrayEquals(expected, produced.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
