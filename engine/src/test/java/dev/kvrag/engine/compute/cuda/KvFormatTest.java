package dev.kvrag.engine.compute.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KvFormatTest {

  @Test
  void theExactPathKeepsFp32AndTheSpeedPathTakesTheProperty() {
    String before = System.getProperty(KvFormat.PROPERTY);
    try {
      System.clearProperty(KvFormat.PROPERTY);
      assertEquals(KvFormat.F16, KvFormat.of(Precision.BF16));
      System.setProperty(KvFormat.PROPERTY, "bf16");
      assertEquals(KvFormat.BF16, KvFormat.of(Precision.BF16));
      assertEquals(KvFormat.F32, KvFormat.of(Precision.FP32));
      System.setProperty(KvFormat.PROPERTY, "int8");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvFormat.of(Precision.BF16));
      assertTrue(e.getMessage().contains("bf16 or f16"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(KvFormat.PROPERTY);
      } else {
        System.setProperty(KvFormat.PROPERTY, before);
      }
    }
  }

  @Test
  void f16RoundsEightTimesMoreFinelyThanBf16() {
    java.util.Random r = new java.util.Random(3);
    double worstBf16 = 0;
    double worstF16 = 0;
    for (int i = 0; i < 10_000; i++) {
      float x = (float) (r.nextGaussian() * 4);
      worstBf16 = Math.max(worstBf16, Math.abs(KvFormat.BF16.widen(KvFormat.BF16.narrow(x)) - x) / Math.abs(x));
      worstF16 = Math.max(worstF16, Math.abs(KvFormat.F16.widen(KvFormat.F16.narrow(x)) - x) / Math.abs(x));
    }
    assertTrue(worstF16 * 7.9 < worstBf16, worstF16 + " vs " + worstBf16);  // relative rounding 2^-11 vs 2^-8
    assertEquals(Math.ulp(1f) * (1 << 13), Math.abs(KvFormat.F16.widen(KvFormat.F16.narrow(1f + Math.ulp(1f) * (1 << 13)))
        - 1f), 0f, "a step of f16 at 1 is 2^-10");
    assertEquals(Float.POSITIVE_INFINITY, KvFormat.F16.widen(KvFormat.F16.narrow(70000f)), "past ±65504: infinite");
    assertEquals(2, KvFormat.F16.bytes());
    assertEquals(1, KvFormat.F16.code());
  }
}
