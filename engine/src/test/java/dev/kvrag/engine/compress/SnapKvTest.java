package dev.kvrag.engine.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapKvTest {

  @Test
  void averagePoolingCountsPositionsOutsideThePromptAsZero() {
    double[] out = new double[5];
    ScorePooling.AVG.pool(new double[] {3, 0, 0, 0, 6}, 5, 3, out);
    assertArrayEquals(new double[] {1, 1, 0, 2, 2}, out, 1e-15);
    ScorePooling.MAX.pool(new double[] {3, 0, 0, 0, 6}, 5, 3, out);
    assertArrayEquals(new double[] {3, 3, 0, 6, 6}, out);
    ScorePooling.AVG.pool(new double[] {1, 2, 3}, 3, 1, out);
    assertArrayEquals(new double[] {1, 2, 3}, java.util.Arrays.copyOf(out, 3));
  }

  @Test
  void specsAndParameterMapsGiveTheSameSettings() {
    assertEquals(new SnapKv(32, 5, 1024, ScorePooling.AVG), SnapKv.parse("snapkv:capacity=1024"));
    assertEquals(new SnapKv(8, 7, 64, ScorePooling.MAX),
        SnapKv.parse("snapkv:window=8,kernel=7,capacity=64,pooling=max"));
    assertEquals(new SnapKv(4, 3, 9, ScorePooling.AVG),
        SnapKv.of(Map.of("window", "4", "kernel", "3", "capacity", "9")));
    SnapKv s = SnapKv.parse("snapkv:window=8,kernel=7,capacity=64,pooling=max");
    assertEquals(s, SnapKv.parse(s.toString()));
  }

  @Test
  void aKeptShareSetsTheCapacityOfEachPrompt() {
    SnapKv quarter = SnapKv.parse("snapkv:keep=0.25,window=8");
    assertEquals(new SnapKv(8, 5, 0, ScorePooling.AVG, 0.25), quarter);
    assertEquals(quarter, SnapKv.parse(quarter.toString()));
    assertEquals(100, quarter.capacityFor(400), "4x");
    assertEquals(101, quarter.capacityFor(401), "rounded up");
    assertEquals(9, quarter.capacityFor(12), "never below window + 1");
    assertEquals(new SnapKv(5, 5, 0, ScorePooling.AVG, 0.25), quarter.windowWithin(5),
        "a question shorter than the window is the whole window; nothing else changes");
    assertEquals(quarter, quarter.windowWithin(8));
    assertEquals(64, new SnapKv(8, 5, 64, ScorePooling.AVG).capacityFor(400), "a fixed capacity stays fixed");
    assertEquals("snapkv takes a capacity or a kept share, not both", assertThrows(IllegalArgumentException.class,
        () -> SnapKv.parse("snapkv:keep=0.25,capacity=64")).getMessage());
    assertEquals("snapkv needs a capacity (capacity=C tokens) or a kept share (keep=f, e.g. keep=0.25 for 4x)",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:window=8"))
        .getMessage());
    assertEquals("snapkv keep must be a number strictly between 0 and 1, got '1.5'",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:keep=1.5")).getMessage());
  }

  @Test
  void badSettingsAreNamed() {
    assertEquals("snapkv kernel must be odd and positive (a centred window), got 4",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:capacity=9,kernel=4")).getMessage());
    assertEquals("snapkv capacity 32 must exceed the window 32",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:capacity=32")).getMessage());
    assertEquals("unknown snapkv parameter 'size' (parameters: capacity, keep, kernel, pooling, window)",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:size=3")).getMessage());
    assertEquals("snapkv window must be an integer, got '2.5'",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:capacity=9,window=2.5")).getMessage());
    assertEquals("unknown snapkv pooling 'mean' (avg, max)", assertThrows(IllegalArgumentException.class,
        () -> SnapKv.parse("snapkv:capacity=9,pooling=mean")).getMessage());
  }
}
