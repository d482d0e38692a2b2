package dev.kvrag.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kvrag.engine.compute.RopeAngles;
import org.junit.jupiter.api.Test;

class RopeTest {

  @Test
  void defaultInverseFrequenciesAreOneOverThetaToTheTwoIOverD() {
    float[] inv = Rope.plain(10000).inverseFrequencies(64);
    assertEquals(32, inv.length);
    for (int i = 0; i < 32; i++) {
      assertEquals(1 / Math.pow(10000, 2.0 * i / 64), inv[i], 1e-7 * (1 / Math.pow(10000, 2.0 * i / 64)));
    }
    assertEquals(1.0f, inv[0]);
  }

  @Test
  void llama3ScalingKeepsHighFrequenciesDividesLowOnesAndBlendsBetween() {
    // Llama-3.1-8B: theta 500000, factor 8, low 1, high 4, original context 8192, head_dim 128.
    float[] plain = Rope.plain(500000).inverseFrequencies(128);
    float[] scaled = Rope.llama3(500000, 8, 1, 4, 8192).inverseFrequencies(128);
    int kept = 0;
    int divided = 0;
    int blended = 0;
    for (int i = 0; i < 64; i++) {
      double wavelen = 2 * Math.PI / plain[i];
      if (wavelen < 8192 / 4.0) {
        assertEquals(plain[i], scaled[i]);
        kept++;
      } else if (wavelen > 8192) {
        assertEquals(plain[i] / 8, scaled[i], 1e-6 * plain[i]);
        divided++;
      } else {
        double s = (8192 / wavelen - 1) / (4 - 1);
        assertEquals((1 - s) * plain[i] / 8 + s * plain[i], scaled[i], 1e-5 * plain[i]);
        blended++;
      }
    }
    // All three bands occur for this configuration.
    assertEquals(64, kept + divided + blended);
    assertEquals(true, kept > 0 && divided > 0 && blended > 0);
  }

  @Test
  void anglesAreTheFloatProductOfPositionAndFrequency() {
    float[] inv = Rope.plain(10000).inverseFrequencies(8);
    RopeAngles a = Rope.angles(inv, new int[] {0, 7, 1499}, 3);
    assertEquals(4, a.half());
    for (int i = 0; i < 4; i++) {
      assertEquals(1f, a.cos()[i]);
      assertEquals(0f, a.sin()[i]);
      float angle = 1499f * inv[i];
      assertEquals((float) Math.cos(angle), a.cos()[2 * 4 + i]);
      assertEquals((float) Math.sin(angle), a.sin()[2 * 4 + i]);
    }
  }
}
