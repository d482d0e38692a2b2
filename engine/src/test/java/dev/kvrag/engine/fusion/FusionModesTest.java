package dev.kvrag.engine.fusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionModesTest {

  @Test
  void specsNameAModeAndItsParameters() {
    assertEquals(new CacheBlend(0.15, 1), FusionModes.parse("cacheblend"));
    assertEquals(new CacheBlend(0.3, 2), FusionModes.parse("cacheblend:ratio=0.3,check_layer=2"));
    assertEquals(new CacheBlend(0.15, 1, 0.3), FusionModes.parse("cacheblend:gradual=0.3"));
    assertEquals(new CacheBlend(0.15, 1), FusionModes.parse("cacheblend:gradual=0.15"), "gradual = ratio is plain");
    assertEquals(new Ape(0.5, 0.9), FusionModes.parse("ape:t=0.5,s=0.9"));
    assertEquals(new Ape(0.5, 0.8), FusionModes.create("ape", Map.of("temperature", 0.5, "scale", 0.8)));
    assertEquals(new Ape(0.9, 0.9), FusionModes.parse(" ape "));
    assertEquals(new Full(), FusionModes.parse("full"));
    assertEquals(new PrefixReuse(), FusionModes.parse("prefix"));
    assertEquals(new Naive(), FusionModes.parse("naive:"));
  }

  @Test
  void describeReadsBackAsTheSameMode() {
    for (String spec : new String[] {"full", "prefix", "naive", "cacheblend:ratio=0.25,check_layer=3",
        "cacheblend:ratio=0.1,check_layer=2,gradual=0.4",
        "ape:temperature=0.7,scale=1.1"}) {
      FusionStrategy s = FusionModes.parse(spec);
      assertEquals(s, FusionModes.parse(s.describe()));
    }
  }

  @Test
  void unknownModesAndParametersAreNamed() {
    assertEquals("unknown fusion mode 'blend' (modes: full, prefix, naive, cacheblend, ape)",
        assertThrows(IllegalArgumentException.class, () -> FusionModes.parse("blend")).getMessage());
    assertEquals("unknown cacheblend parameter 'ratoi' (parameters: check_layer, gradual, ratio)",
        assertThrows(IllegalArgumentException.class, () -> FusionModes.parse("cacheblend:ratoi=0.2")).getMessage());
    assertEquals("cacheblend gradual 0.1 is outside [ratio 0.15, 1]: the check layer picks at least the share that goes"
        + " on", assertThrows(IllegalArgumentException.class, () -> FusionModes.parse("cacheblend:gradual=0.1"))
        .getMessage());
    assertEquals("unknown full parameter 'ratio' (full takes none)",
        assertThrows(IllegalArgumentException.class, () -> FusionModes.parse("full:ratio=1")).getMessage());
    assertEquals("cacheblend check_layer must be an integer, got 1.5",
        assertThrows(IllegalArgumentException.class, () -> FusionModes.parse("cacheblend:check_layer=1.5"))
            .getMessage());
    String layerZero = assertThrows(IllegalArgumentException.class,
        () -> FusionModes.parse("cacheblend:check_layer=0")).getMessage();
    assertTrue(layerZero.startsWith("cacheblend check_layer 0 cannot rank tokens"), layerZero);
    assertThrows(IllegalArgumentException.class, () -> new CacheBlend(0.15, 0, 0.5));
    // no ranking at layer 0: nothing picked, everything picked, or everything picked and narrowed at layer 1
    assertEquals(new CacheBlend(0, 0), FusionModes.parse("cacheblend:ratio=0,check_layer=0"));
    assertEquals(new CacheBlend(1, 0), FusionModes.parse("cacheblend:ratio=1,check_layer=0"));
    assertEquals(new CacheBlend(0.3, 0, 1), FusionModes.parse("cacheblend:ratio=0.3,check_layer=0,gradual=1"));
    assertEquals("fusion mode 'ape:t=x': parameter t needs a number, got 'x'",
        assertThrows(IllegalArgumentException.class, () -> FusionModes.parse("ape:t=x")).getMessage());
  }

  @Test
  void topKBreaksTiesTowardTheLowerSlotAndReturnsSlotsAscending() {
    assertArrayEquals(new int[] {1, 3, 4}, TopK.ascending(new double[] {0.1, 0.5, 0.2, 0.5, 0.5, 0.5}, 3));
    assertArrayEquals(new int[] {}, TopK.ascending(new double[] {1, 2}, 0));
    assertArrayEquals(new int[] {0, 1}, TopK.ascending(new double[] {1, 2}, 2));
  }

  @Test
  void theLayoutPlacesChunksOneAfterAnother() {
    FusedLayout l = FusedLayout.of(3, java.util.List.of(new int[5], new int[2], new int[7]), 4);
    assertArrayEquals(new int[] {3, 8, 10}, l.chunkStarts());
    assertEquals(17, l.contextEnd());
    assertEquals(21, l.promptEnd());
    assertEquals(7, l.longestChunk());
  }
}
