package dev.kvrag.engine.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.model.Rope;
import dev.kvrag.engine.model.Transformer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Re-positioned keys are the keys computed at the new positions, for plain and Llama-3-scaled RoPE. */
class RopeShiftTest {

  static final Path FUSION = Path.of("src/test/resources/fixtures/fusion");

  static CpuBackend backend;

  @BeforeAll
  static void start() {
    backend = new CpuBackend(2);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  static int[] tokens(SplittableRandom r, int n, int vocab) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r.nextInt(vocab);
    }
    return ids;
  }

  static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** Max over slots, heads, dims of |a − b|, over the max |b|, in every layer; the worst layer. */
  static double keyError(KvCache a, int aFrom, KvCache b, int bFrom, int count) {
    double worst = 0;
    for (int l = 0; l < a.layers(); l++) {
      double diff = 0;
      double max = 0;
      int hd = a.layer(l).headDim();
      for (int g = 0; g < a.layer(l).kvHeads(); g++) {
        float[] x = a.layer(l).keys(g);
        float[] y = b.layer(l).keys(g);
        for (int i = 0; i < count * hd; i++) {
          diff = Math.max(diff, Math.abs(x[aFrom * hd + i] - y[bFrom * hd + i]));
          max = Math.max(max, Math.abs(y[bFrom * hd + i]));
        }
      }
      worst = Math.max(worst, diff / max);
    }
    return worst;
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16", "qwen2-fp32"})
  void aStoredChunkMovedByDeltaHasTheKeysOfThePromptPrefilledDeltaLater(String name) {
    // RoPE attention depends on position differences only, so prefix + chunk prefilled at positions δ, δ+1, ...
    // has the same hidden states, and its chunk keys are the stored ones rotated by δ
    try (Transformer model = Transformer.load(FUSION.resolve(name), backend)) {
      assertEquals(name.startsWith("llama"), model.config().rope().type() == Rope.Type.LLAMA3);
      SplittableRandom r = new SplittableRandom(3);
      int vocab = model.config().vocabSize();
      int[] prefix = tokens(r, 5, vocab);
      int[] chunk = tokens(r, 19, vocab);
      ChunkEncoder encoder = new ChunkEncoder(model, name);
      ChunkKv stored = encoder.chunk(encoder.prefix(prefix), chunk);
      assertEquals(5, stored.basePosition());
      RopeShift shift = new RopeShift(model.inverseFrequencies());
      for (int delta : new int[] {1, 37, 300}) {
        int[] all = new int[24];
        System.arraycopy(prefix, 0, all, 0, 5);
        System.arraycopy(chunk, 0, all, 5, 19);
        KvCache later = model.newCache(24);
        model.forward(all, range(delta, 24), range(0, 24), later, AttentionRule.causal());
        ChunkKv moved = shift.moved(stored, 5 + delta);
        assertEquals(5 + delta, moved.basePosition());
        double err = keyError(moved.kv(), 0, later, 5, 19);
        // fp32 RoPE angles p·inv_freq carry a rounding that grows with the position itself
        assertTrue(err < 2e-5 + 1e-7 * delta, name + " δ=" + delta + ": " + err);
        double unmoved = keyError(stored.kv(), 0, later, 5, 19);
        assertTrue(unmoved > 100 * err, "the shift matters: " + unmoved);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16"})
  void shiftingThereAndBackRestoresTheKeys(String name) {
    try (Transformer model = Transformer.load(FUSION.resolve(name), backend)) {
      SplittableRandom r = new SplittableRandom(4);
      ChunkEncoder encoder = new ChunkEncoder(model, name);
      ChunkKv stored = encoder.chunk(encoder.prefix(tokens(r, 3, 320)), tokens(r, 9, 320));
      RopeShift shift = new RopeShift(model.inverseFrequencies());
      ChunkKv back = shift.moved(shift.moved(stored, 1003), 3);
      assertTrue(keyError(back.kv(), 0, stored.kv(), 0, 9) < 1e-6);
      for (int l = 0; l < model.config().layers(); l++) {
        // V carries no position
        assertEquals(java.util.Arrays.toString(stored.kv().layer(l).values(0)),
            java.util.Arrays.toString(back.kv().layer(l).values(0)));
      }
    }
  }
}
