package dev.kvrag.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compute.Activations;
import dev.kvrag.engine.compute.AttentionRule;
import dev.kvrag.engine.compute.RopeAngles;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.kv.KvCache;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransformerTest {

  @TempDir
  static Path root;
  static CpuBackend backend;

  @BeforeAll
  static void start() {
    backend = new CpuBackend(2);
    for (String name : new String[] {"llama", "mistral", "qwen2", "qwen3"}) {
      TestModels.write(root, name);
    }
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  /** Worst over rows of max|a − b| / max|b|. */
  static double relativeError(float[] actual, double[][] expected) {
    int vocab = expected[0].length;
    double worst = 0;
    for (int t = 0; t < expected.length; t++) {
      double max = 0;
      double diff = 0;
      for (int v = 0; v < vocab; v++) {
        max = Math.max(max, Math.abs(expected[t][v]));
        diff = Math.max(diff, Math.abs(actual[t * vocab + v] - expected[t][v]));
      }
      worst = Math.max(worst, diff / max);
    }
    return worst;
  }

  static double relativeError(float[] actual, float[] expected, int vocab) {
    double[][] e = new double[expected.length / vocab][vocab];
    for (int i = 0; i < expected.length; i++) {
      e[i / vocab][i % vocab] = expected[i];
    }
    return relativeError(actual, e);
  }

  static float[] prefill(Transformer m, int[] ids, int[] positions) {
    KvCache cache = m.newCache(4);
    Activations hidden = m.forward(ids, positions, TestModels.range(0, ids.length), cache, AttentionRule.causal());
    return m.logits(hidden, 0, ids.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3"})
  void prefillLogitsMatchANaiveFloat64Forward(String name) {
    Path dir = root.resolve(name);
    ReferenceTransformer ref = new ReferenceTransformer(dir);
    try (Transformer m = Transformer.load(dir, backend)) {
      int[] ids = TestModels.ids(21, m.config().vocabSize(), 3);
      int[] positions = TestModels.range(0, ids.length);
      double err = relativeError(prefill(m, ids, positions), ref.logits(ids, positions));
      assertTrue(err < 2e-5, name + ": relative error " + err);
    } finally {
      ref.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3"})
  void decodingOneTokenAtATimeGivesThePrefillLogits(String name) {
    try (Transformer m = Transformer.load(root.resolve(name), backend)) {
      int vocab = m.config().vocabSize();
      int[] ids = TestModels.ids(19, vocab, 4);
      float[] all = prefill(m, ids, TestModels.range(0, ids.length));
      ModelSession session = new ModelSession(m, 2);
      float[] stepwise = new float[ids.length * vocab];
      float[] first = session.feed(java.util.Arrays.copyOf(ids, 9));
      System.arraycopy(first, 0, stepwise, 8 * vocab, vocab);
      for (int t = 9; t < ids.length; t++) {
        System.arraycopy(session.feed(new int[] {ids[t]}), 0, stepwise, t * vocab, vocab);
      }
      float[] tail = java.util.Arrays.copyOfRange(all, 8 * vocab, all.length);
      float[] tailStepwise = java.util.Arrays.copyOfRange(stepwise, 8 * vocab, stepwise.length);
      double err = relativeError(tailStepwise, tail, vocab);
      assertTrue(err < 1e-5, name + ": relative error " + err);
      assertEquals(ids.length, session.length());
    }
  }

  @Test
  void ropePositionsAreIndependentOfCacheSlots() {
    Path dir = root.resolve("llama");
    ReferenceTransformer ref = new ReferenceTransformer(dir);
    try (Transformer m = Transformer.load(dir, backend)) {
      int[] ids = TestModels.ids(12, m.config().vocabSize(), 5);
      // A gap, as when reused chunks keep their own positions: relative distances change, so logits must too.
      int[] positions = new int[ids.length];
      for (int t = 0; t < ids.length; t++) {
        positions[t] = t < 4 ? t : 200 + 3 * t;
      }
      float[] ours = prefill(m, ids, positions);
      double err = relativeError(ours, ref.logits(ids, positions));
      assertTrue(err < 2e-5, "relative error " + err);
      double moved = relativeError(ours, ref.logits(ids, TestModels.range(0, ids.length)));
      assertTrue(moved > 1e-3, "positions should matter, but logits moved only " + moved);
    } finally {
      ref.close();
    }
  }

  @Test
  void selectedTokensRecomputedLayerByLayerOverAFullCacheReproduceTheirHiddenStates() {
    try (Transformer m = Transformer.load(root.resolve("qwen3"), backend)) {
      int dim = m.config().hiddenSize();
      int[] ids = TestModels.ids(16, m.config().vocabSize(), 6);
      int[] slots = TestModels.range(0, ids.length);
      KvCache cache = m.newCache(ids.length);
      float[] full = m.backend().download(m.forward(ids, slots, slots, cache, AttentionRule.causal()));

      int[] picked = {3, 7, 12};
      int[] pickedIds = {ids[3], ids[7], ids[12]};
      Activations embedded = m.embed(pickedIds);
      RopeAngles angles = m.ropeAngles(picked);
      for (int layer = 0; layer < m.config().layers(); layer++) {
        Qkv qkv = m.attentionInputs(layer, embedded, picked.length, angles);
        m.writeKv(cache.layer(layer), picked, qkv);
        m.completeLayer(layer, embedded, picked.length, qkv.q(), picked, cache.layer(layer), AttentionRule.causal(),
            null);
      }
      m.finalNorm(embedded, picked.length);
      float[] hidden = m.backend().download(embedded);
      for (int i = 0; i < picked.length; i++) {
        for (int d = 0; d < dim; d++) {
          assertEquals(full[picked[i] * dim + d], hidden[i * dim + d], 1e-4, "token " + picked[i] + " dim " + d);
        }
      }
      assertEquals(ids.length, cache.length());
    }
  }

  @Test
  void attentionLogSumExpIsReportedPerQueryAndHead() {
    try (Transformer m = Transformer.load(root.resolve("qwen2"), backend)) {
      int heads = m.config().heads();
      int[] ids = TestModels.ids(5, m.config().vocabSize(), 8);
      int[] slots = TestModels.range(0, ids.length);
      KvCache cache = m.newCache(8);
      Activations hidden = m.embed(ids);
      float[] lse = new float[ids.length * heads];
      java.util.Arrays.fill(lse, Float.NaN);
      m.layer(0, hidden, ids.length, m.ropeAngles(slots), slots, cache.layer(0), AttentionRule.causal(), lse);
      for (int t = 0; t < ids.length; t++) {
        for (int h = 0; h < heads; h++) {
          assertTrue(Float.isFinite(lse[t * heads + h]), "lse of token " + t + " head " + h);
        }
      }
    }
  }

  @Test
  void tokenIdsOutsideTheVocabularyAreRejectedWithTheId() {
    try (Transformer m = Transformer.load(root.resolve("qwen2"), backend)) {
      ModelSession session = new ModelSession(m);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.feed(new int[] {3, 70}));
      assertTrue(e.getMessage().contains("70") && e.getMessage().contains("[0, 70)"), e.getMessage());
      assertEquals(0, session.length());
    }
  }

  @Test
  void truncatingTheSessionLetsDecodingResumeFromAnEarlierPosition() {
    try (Transformer m = Transformer.load(root.resolve("mistral"), backend)) {
      int[] ids = TestModels.ids(10, m.config().vocabSize(), 9);
      ModelSession session = new ModelSession(m);
      session.feed(java.util.Arrays.copyOf(ids, 6));
      float[] expected = session.feed(new int[] {ids[6]});
      session.feed(new int[] {ids[7], ids[8]});
      session.truncate(6);
      float[] again = session.feed(new int[] {ids[6]});
      double err = relativeError(again, expected, m.config().vocabSize());
      assertTrue(err < 1e-6, "relative error " + err);
    }
  }
}
