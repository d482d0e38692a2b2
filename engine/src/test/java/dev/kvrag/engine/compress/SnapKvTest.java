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
  void badSettingsAreNamed() {
    assertEquals("snapkv kernel must be odd and positive (a centred window), got 4",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:capacity=9,kernel=4")).getMessage());
    assertEquals("snapkv capacity 32 must exceed the window 32",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:capacity=32")).getMessage());
    assertEquals("unknown snapkv parameter 'size' (parameters: capacity, kernel, pooling, window)",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:size=3")).getMessage());
    assertEquals("snapkv window must be an integer, got '2.5'",
        assertThrows(IllegalArgumentException.class, () -> SnapKv.parse("snapkv:capacity=9,window=2.5")).getMessage());
    assertEquals("unknown snapkv pooling 'mean' (avg, max)", assertThrows(IllegalArgumentException.class,
        () -> SnapKv.parse("snapkv:capacity=9,pooling=mean")).getMessage());
  }
}
