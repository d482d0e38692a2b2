package dev.kvrag.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kvrag.engine.compress.ScorePooling;
import dev.kvrag.engine.compress.SnapKv;
import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.fusion.CacheBlend;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.fusion.FusedPrompt;
import dev.kvrag.engine.fusion.FusedSession;
import dev.kvrag.engine.fusion.FusionInput;
import dev.kvrag.engine.fusion.Naive;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.kv.KvCache;
import dev.kvrag.engine.kv.LayerKv;
import dev.kvrag.engine.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exactness properties of the fusion modes (issues 5 and 9), on random prompts, through the code path of
 * {@code ./kvrag fuse}: the modes that must equal FULL do, within fp32 rounding (different but equivalent
 * orders of the same sums), and the identities hold bit for bit.
 */
class FusePropertiesTest {

  /** Two fp32 evaluations of the same function: the fixtures show ~4e-6 against float64. */
  static final double SAME = 2e-5;

  static CpuBackend backend;

  @BeforeAll
  static void start() {
    backend = new CpuBackend(2);
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  static Transformer load(String name) {
    return Transformer.load(FuseFixturesTest.FIXTURES.resolve(name), backend);
  }

  /** A random case like the fixtures': BOS-led prefix, 2-4 chunks, a question and a continuation. */
  static String randomCase(SplittableRandom r, int chunks, String mode, String snapkv) {
    StringBuilder b = new StringBuilder("{\"prefix\":").append(ids(r, 1, 2 + r.nextInt(5)));
    List<String> cs = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      cs.add(ids(r, -1, 5 + r.nextInt(24)));
    }
    b.append(",\"chunks\":[").append(String.join(",", cs)).append("]");
    b.append(",\"question\":").append(ids(r, -1, 4 + r.nextInt(7)));
    b.append(",\"continuation\":").append(ids(r, -1, 2 + r.nextInt(5)));
    b.append(",\"mode\":").append(mode);
    if (snapkv != null) {
      b.append(",\"snapkv\":").append(snapkv);
    }
    return b.append("}").toString();
  }

  private static String ids(SplittableRandom r, int first, int n) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = i == 0 && first >= 0 ? first : 3 + r.nextInt(317);
    }
    return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
  }

  static String withMode(String json, String mode) {
    return json.replaceFirst("\"mode\":\\{[^}]*}", "\"mode\":" + mode);
  }

  static float[] logits(Transformer model, String json) {
    FuseCommand.Case c = FuseCommand.parseCase(0, json, model.config());
    return FuseCommand.logits(model, "test", c, FuseCommand.KvEncoding.F32);
  }

  static double error(Transformer model, float[] a, float[] b) {
    int vocab = model.config().vocabSize();
    assertEquals(a.length, b.length);
    return FuseFixturesTest.worstRowError(a, b, a.length / vocab, vocab);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16", "qwen2-fp32"})
  void prefixReuseAndCacheBlendAtFullRatioEqualFull(String name) {
    try (Transformer model = load(name)) {
      SplittableRandom r = new SplittableRandom(11);
      for (int i = 0; i < 4; i++) {
        String json = randomCase(r, 2 + r.nextInt(3), "{\"name\":\"full\"}", null);
        float[] full = logits(model, json);
        assertTrue(error(model, logits(model, withMode(json, "{\"name\":\"prefix\"}")), full) < SAME);
        for (int c = 0; c < model.config().layers(); c++) {
          String mode = "{\"name\":\"cacheblend\",\"ratio\":1,\"check_layer\":" + c + "}";
          float[] blend = logits(model, withMode(json, mode));
          assertTrue(error(model, blend, full) < SAME, "check layer " + c);
        }
        // and the modes that reuse KV are measurably not FULL here, so the comparison can fail
        assertTrue(error(model, logits(model, withMode(json, "{\"name\":\"naive\"}")), full) > 1e-3);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16", "qwen2-fp32"})
  void apeWithUnitTemperatureAndScaleOnOneChunkEqualsFull(String name) {
    try (Transformer model = load(name)) {
      SplittableRandom r = new SplittableRandom(12);
      for (int i = 0; i < 4; i++) {
        String json = randomCase(r, 1, "{\"name\":\"ape\",\"temperature\":1,\"scale\":1}", null);
        float[] full = logits(model, withMode(json, "{\"name\":\"full\"}"));
        assertTrue(error(model, logits(model, json), full) < SAME);
        assertTrue(error(model, logits(model, withMode(json, "{\"name\":\"ape\",\"temperature\":0.9,\"scale\":0.9}")),
            full) > 1e-4, "T = S = 0.9 differs");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"name\":\"full\"}", "{\"name\":\"naive\"}", "{\"name\":\"cacheblend\",\"ratio\":0.3}",
      "{\"name\":\"ape\"}", "{\"name\":\"prefix\"}"})
  void snapKvWithCapacityAtLeastThePromptIsTheBaseMode(String mode) {
    try (Transformer model = load("llama-bf16")) {
      SplittableRandom r = new SplittableRandom(13);
      for (int i = 0; i < 3; i++) {
        String json = randomCase(r, 3, mode, null);
        FuseCommand.Case c = FuseCommand.parseCase(0, json, model.config());
        int n = c.prefix().length + c.chunks().stream().mapToInt(x -> x.length).sum() + c.question().length;
        String fits = json.replaceFirst("}$", ",\"snapkv\":{\"window\":3,\"kernel\":5,\"capacity\":" + n + "}}");
        assertTrue(error(model, logits(model, fits), logits(model, json)) < SAME);

        FusedPrompt prompt = c.plan().mode().fuse(model, input(model, c, 3));
        assertSame(prompt.session(), new SnapKv(3, 5, n, ScorePooling.AVG).compress(prompt), "the identity");
        FusedSession compressed = new SnapKv(3, 5, n - 1, ScorePooling.AVG).compress(prompt);
        assertEquals(n - 1, compressed.nextSlot(), "one slot fewer compresses");
        assertEquals(n - 1, compressed.cache().length());
      }
    }
  }

  /** SnapKV scores its layers on the backend's threads; the kept entries must not depend on how many there are. */
  @ParameterizedTest
  @ValueSource(strings = {"{\"name\":\"cacheblend\",\"ratio\":0.3}", "{\"name\":\"ape\"}"})
  void snapKvKeepsTheSameEntriesOnOneThreadAsOnTwo(String mode) {
    try (CpuBackend one = new CpuBackend(1);
         Transformer serial = Transformer.load(FuseFixturesTest.FIXTURES.resolve("qwen3-bf16"), one);
         Transformer parallel = load("qwen3-bf16")) {
      SplittableRandom r = new SplittableRandom(21);
      for (int i = 0; i < 3; i++) {
        FuseCommand.Case c = FuseCommand.parseCase(0, randomCase(r, 4, mode, null), serial.config());
        int n = c.prefix().length + c.chunks().stream().mapToInt(x -> x.length).sum() + c.question().length;
        SnapKv snap = new SnapKv(3, 5, n / 2, ScorePooling.MAX);
        KvCache a = snap.compress(c.plan().mode().fuse(serial, input(serial, c, 3))).cache();
        KvCache b = snap.compress(c.plan().mode().fuse(parallel, input(parallel, c, 3))).cache();
        for (int l = 0; l < serial.config().layers(); l++) {
          LayerKv x = a.layer(l);
          LayerKv y = b.layer(l);
          assertEquals(n / 2, y.length());
          for (int g = 0; g < x.kvHeads(); g++) {
            int size = x.length() * x.headDim();
            assertArrayEquals(Arrays.copyOf(x.keys(g), size), Arrays.copyOf(y.keys(g), size), "layer " + l);
            assertArrayEquals(Arrays.copyOf(x.values(g), size), Arrays.copyOf(y.values(g), size), "layer " + l);
          }
        }
      }
    }
  }

  /** The case's input with its stored KV encoded in memory (no blob round trip). */
  static FusionInput input(Transformer model, FuseCommand.Case c, int window) {
    ChunkEncoder encoder = new ChunkEncoder(model, "test");
    ChunkKv prefix = encoder.prefix(c.prefix());
    List<ChunkKv> chunks = new ArrayList<>();
    for (int[] chunk : c.chunks()) {
      chunks.add(encoder.chunk(prefix, chunk));
    }
    return new FusionInput(c.prefix(), c.chunks(), c.question(), ChunkKvSource.of(prefix, chunks), window);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void cacheBlendAtRatioZeroKeepsEveryStoredChunkKvAfterTheCheckLayerBitForBit(int checkLayer) {
    try (Transformer model = load("qwen3-bf16")) {
      SplittableRandom r = new SplittableRandom(14 + checkLayer);
      FuseCommand.Case c = FuseCommand.parseCase(0, randomCase(r, 3, "{\"name\":\"naive\"}", null), model.config());
      FusionInput in = input(model, c, 0);
      KvCache naive = new Naive().fuse(model, in).session().cache();
      FusedPrompt blend = new CacheBlend(0, checkLayer).fuse(model, in);
      KvCache blended = blend.session().cache();
      assertEquals(0, blend.recompute().recomputedSlots().length);
      int context = blend.layout().contextEnd();
      int hd = model.config().headDim();
      for (int l = 0; l < model.config().layers(); l++) {
        for (int g = 0; g < model.config().kvHeads(); g++) {
          boolean same = Arrays.equals(slots(naive.layer(l), g, true, context, hd), slots(blended.layer(l), g, true,
              context, hd)) && Arrays.equals(slots(naive.layer(l), g, false, context, hd), slots(blended.layer(l), g,
              false, context, hd));
          // layers up to the check layer are fresh for every token: chunks then see each other
          assertEquals(l > checkLayer, same, "layer " + l + " head " + g);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16"})
  void gradualFilteringFromEveryTokenIsCacheBlendOneLayerLater(String name) {
    // picking every token at check layer c computes layer c as FULL does; narrowing at c + 1 by the deviation there
    // is then exactly CACHEBLEND with check layer c + 1
    try (Transformer model = load(name)) {
      SplittableRandom r = new SplittableRandom(16);
      for (int c = 0; c + 1 < model.config().layers(); c++) {
        FuseCommand.Case cs = FuseCommand.parseCase(0, randomCase(r, 3, "{\"name\":\"naive\"}", null), model.config());
        FusionInput in = input(model, cs, 4);
        FusedPrompt gradual = new CacheBlend(0.3, c, 1).fuse(model, in);
        FusedPrompt later = new CacheBlend(0.3, c + 1).fuse(model, in);
        assertArrayEquals(later.recompute().recomputedSlots(), gradual.recompute().recomputedSlots(), "layer " + c);
        assertArrayEquals(later.questionLogits(), gradual.questionLogits(), "layer " + c);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16", "qwen2-fp32"})
  void layerZeroValuesIgnoreTheContextSoCacheBlendCannotRankThere(String name) {
    // why check_layer 0 is refused for a ranking ratio: a chunk's stored layer-0 values are the same after any
    // prefix, so a fresh layer-0 value never deviates from the stored one; from layer 1 on they do
    try (Transformer model = load(name)) {
      ChunkEncoder encoder = new ChunkEncoder(model, name);
      int[] chunk = {40, 41, 42, 43, 44, 45, 46};
      ChunkKv afterOne = encoder.chunk(encoder.prefix(new int[] {1, 17, 23, 29}), chunk);
      ChunkKv afterOther = encoder.chunk(encoder.prefix(new int[] {1, 101, 203, 307}), chunk);
      int hd = model.config().headDim();
      for (int g = 0; g < model.config().kvHeads(); g++) {
        assertArrayEquals(slots(afterOne.kv().layer(0), g, false, chunk.length, hd),
            slots(afterOther.kv().layer(0), g, false, chunk.length, hd), "layer 0 head " + g);
        assertTrue(!Arrays.equals(slots(afterOne.kv().layer(1), g, false, chunk.length, hd),
            slots(afterOther.kv().layer(1), g, false, chunk.length, hd)), "layer 1 head " + g);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new CacheBlend(0.15, 0));
  }

  @Test
  void gradualFilteringNarrowsTheCheckLayersPicksToTheRatio() {
    try (Transformer model = load("qwen3-bf16")) {
      SplittableRandom r = new SplittableRandom(17);
      int differing = 0;
      for (int i = 0; i < 4; i++) {
        FuseCommand.Case cs = FuseCommand.parseCase(0, randomCase(r, 4, "{\"name\":\"naive\"}", null), model.config());
        FusionInput in = input(model, cs, 4);
        FusedPrompt wide = new CacheBlend(0.6, 1).fuse(model, in);
        FusedPrompt gradual = new CacheBlend(0.25, 1, 0.6).fuse(model, in);
        int context = gradual.layout().contextEnd();
        int[] kept = gradual.recompute().recomputedSlots();
        assertEquals((int) Math.floor(0.25 * context), kept.length);
        Set<Integer> first = Arrays.stream(wide.recompute().recomputedSlots()).boxed().collect(Collectors.toSet());
        assertTrue(Arrays.stream(kept).allMatch(first::contains), "kept picks come from the check layer's");
        int layers = model.config().layers();
        int k = kept.length;
        int k1 = first.size();
        assertEquals((2.0 * context + (layers - 2.0) * k + (k1 - k)) / (layers * (double) context),
            gradual.recompute().workFraction(), 1e-12);
        FusedPrompt plain = new CacheBlend(0.25, 1).fuse(model, in);
        differing += Arrays.equals(plain.recompute().recomputedSlots(), kept) ? 0 : 1;
      }
      assertTrue(differing > 0, "the second score picks differently from the first in some case");
    }
  }

  private static float[] slots(LayerKv layer, int head, boolean keys, int count, int hd) {
    return Arrays.copyOf(keys ? layer.keys(head) : layer.values(head), count * hd);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen2-fp32"})
  void theStoredKvIsTheChunkEncodedAfterThePrefix(String name) {
    // NAIVE over one chunk is FULL: the only chunk was encoded right after the prefix at its own positions
    try (Transformer model = load(name)) {
      SplittableRandom r = new SplittableRandom(15);
      for (int i = 0; i < 3; i++) {
        String json = randomCase(r, 1, "{\"name\":\"naive\"}", null);
        assertTrue(error(model, logits(model, json), logits(model, withMode(json, "{\"name\":\"full\"}"))) < SAME);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-bf16", "qwen3-bf16"})
  void withoutAPrefixOrAContinuationTheModesStillMeetFull(String name) {
    try (Transformer model = load(name)) {
      SplittableRandom r = new SplittableRandom(16);
      String json = randomCase(r, 2, "{\"name\":\"full\"}", null).replaceFirst("\"prefix\":\\[[^]]*]", "\"prefix\":[]")
          .replaceFirst(",\"continuation\":\\[[^]]*]", "");
      FuseCommand.Case c = FuseCommand.parseCase(0, json, model.config());
      assertEquals(0, c.prefix().length);
      assertEquals(0, c.continuation().length);
      float[] full = logits(model, json);
      assertEquals(c.question().length * model.config().vocabSize(), full.length);
      assertTrue(error(model, logits(model, withMode(json, "{\"name\":\"prefix\"}")), full) < SAME);
      assertTrue(error(model, logits(model, withMode(json, "{\"name\":\"cacheblend\",\"ratio\":1}")), full) < SAME);
      String one = json.replaceFirst("\"chunks\":\\[(\\[[^]]*]),[^]]*]]", "\"chunks\":[$1]");
      assertEquals(1, FuseCommand.parseCase(0, one, model.config()).chunks().size());
      assertTrue(error(model, logits(model, withMode(one, "{\"name\":\"ape\",\"t\":1,\"s\":1}")),
          logits(model, one)) < SAME);
      assertTrue(error(model, logits(model, withMode(one, "{\"name\":\"naive\"}")), logits(model, one)) < SAME);
    }
  }
}
