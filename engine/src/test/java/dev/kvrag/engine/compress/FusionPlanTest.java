package dev.kvrag.engine.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kvrag.engine.fusion.Ape;
import dev.kvrag.engine.fusion.CacheBlend;
import dev.kvrag.engine.fusion.Full;
import dev.kvrag.engine.fusion.Naive;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionPlanTest {

  @Test
  void aPlanIsAModeAndOptionallySnapKv() {
    FusionPlan p = FusionPlan.parse("cacheblend:ratio=0.15+snapkv:capacity=512,window=16");
    assertEquals(new CacheBlend(0.15, 1), p.mode());
    assertEquals(new SnapKv(16, 5, 512, ScorePooling.AVG), p.snapkv());
    assertEquals(16, p.observationWindow(40));
    assertEquals(9, p.observationWindow(9), "a question shorter than the window is the whole window");
    assertEquals(p, FusionPlan.parse(p.describe()));
    assertNull(FusionPlan.parse("naive").snapkv());
    assertEquals(0, FusionPlan.parse("naive").observationWindow(40));
  }

  @Test
  void listsSplitAtModesNotAtParameters() {
    List<FusionPlan> plans = FusionPlan.parseList(
        "full, cacheblend:ratio=0.3,check_layer=2,ape:t=0.5,s=0.8,naive+snapkv:capacity=256,kernel=7");
    assertEquals(List.of(new FusionPlan(new Full(), null), new FusionPlan(new CacheBlend(0.3, 2), null),
        new FusionPlan(new Ape(0.5, 0.8), null), new FusionPlan(new Naive(), new SnapKv(32, 7, 256,
            ScorePooling.AVG))), plans);
    assertEquals("no fusion modes in ' , '",
        assertThrows(IllegalArgumentException.class, () -> FusionPlan.parseList(" , ")).getMessage());
  }
}
