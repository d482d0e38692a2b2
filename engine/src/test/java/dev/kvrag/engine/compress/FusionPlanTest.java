package dev.kvrag.engine.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvrag.engine.compute.cpu.CpuBackend;
import dev.kvrag.engine.fusion.Ape;
import dev.kvrag.engine.fusion.CacheBlend;
import dev.kvrag.engine.fusion.ChunkKvSource;
import dev.kvrag.engine.fusion.Full;
import dev.kvrag.engine.fusion.Naive;
import dev.kvrag.engine.kv.ChunkEncoder;
import dev.kvrag.engine.kv.ChunkKv;
import dev.kvrag.engine.model.Transformer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FusionPlanTest {

  @Test
  void aPlanIsAModeAndOptionallySnapKv() {
    FusionPlan p = FusionPlan.parse("cacheblend:ratio=0.15+snapkv:capacity=512,window=16");
    assertEquals(new CacheBlend(0.15, 1), p.mode());
    assertEquals(new SnapKv(16, 5, 512, ScorePooling.AVG), p.snapkv());
    assertEquals(16, p.snapkv().windowWithin(40).window());
    assertEquals(9, p.snapkv().windowWithin(9).window(), "a question shorter than the window is the whole window");
    assertEquals(p, FusionPlan.parse(p.describe()));
    assertNull(FusionPlan.parse("naive").snapkv());
  }

  @Test
  void aWindowLongerThanTheQuestionObservesTheWholeQuestion() {
    try (CpuBackend backend = new CpuBackend(2);
         Transformer model = Transformer.load(Path.of("src/test/resources/fixtures/fusion/llama-bf16"), backend)) {
      SplittableRandom r = new SplittableRandom(5);
      int[] prefix = {1, 40, 41};
      List<int[]> chunks = List.of(r.ints(20, 3, 320).toArray(), r.ints(16, 3, 320).toArray());
      int[] question = {7, 8, 9, 10};
      ChunkEncoder encoder = new ChunkEncoder(model, "m");
      ChunkKv p = encoder.prefix(prefix);
      ChunkKvSource kv = ChunkKvSource.of(p, chunks.stream().map(c -> encoder.chunk(p, c)).toList());
      float[][] next = new float[2][];
      String[] specs = {"cacheblend+snapkv:keep=0.5,window=32", "cacheblend+snapkv:keep=0.5,window=4"};
      for (int i = 0; i < 2; i++) {
        FusionPlan.Fused f = FusionPlan.parse(specs[i]).run(model, prefix, chunks, question, kv);
        assertEquals(22, f.session().nextSlot(), "compressed to half of the 43-token prompt");
        next[i] = f.session().feed(new int[] {11});
      }
      assertArrayEquals(next[1], next[0], "the default window of 32 on a 4-token question is the question");
    }
  }

  @Test
  void listsSplitAtModesNotAtParameters() {
    List<FusionPlan> plans = FusionPlan.parseList(
        "full, cacheblend:ratio=0.3,check_layer=2,ape:t=0.5,s=0.8,naive+snapkv:capacity=256,kernel=7");
    assertEquals(List.of(new FusionPlan(new Full(), null), new FusionPlan(new CacheBlend(0.3, 2), null),
        new FusionPlan(new Ape(0.5, 0.8), null), new FusionPlan(new Naive(), new SnapKv(32, 7, 256,
            ScorePooling.AVG))), plans);
    assertEquals(List.of(new FusionPlan(new Ape(1, 1.1), new SnapKv(16, 5, 0, ScorePooling.MAX, 0.25)),
        new FusionPlan(new CacheBlend(0.15, 1), new SnapKv(32, 5, 64, ScorePooling.AVG))),
        FusionPlan.parseList("ape:t=1,s=1.1+snapkv:keep=0.25,window=16,pooling=max,cacheblend+snapkv:capacity=64"),
        "a mode's last parameter may lead into its SnapKV part");
    assertEquals("no fusion modes in ' , '",
        assertThrows(IllegalArgumentException.class, () -> FusionPlan.parseList(" , ")).getMessage());
  }
}
