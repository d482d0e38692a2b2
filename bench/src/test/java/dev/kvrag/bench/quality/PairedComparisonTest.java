package dev.kvrag.bench.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedComparisonTest {

  static QualityRun.Answer answer(int i, String kind, boolean right) {
    return new QualityRun.Answer("q" + i, kind, "Oslo", right ? "Oslo." : "Bergen", 1, 0);
  }

  @Test
  void countsTheDiscordantQuestionsOfTheChosenKindOnly() {
    List<QualityRun.Answer> base = new ArrayList<>();
    List<QualityRun.Answer> other = new ArrayList<>();
    // multi_hop: 7 lost, 2 gained, 5 both right, 3 both wrong; single_hop: 4 lost (not counted)
    int i = 0;
    for (int n = 0; n < 7; n++, i++) {
      base.add(answer(i, "multi_hop", true));
      other.add(answer(i, "multi_hop", false));
    }
    for (int n = 0; n < 2; n++, i++) {
      base.add(answer(i, "multi_hop", false));
      other.add(answer(i, "multi_hop", true));
    }
    for (int n = 0; n < 8; n++, i++) {
      base.add(answer(i, "multi_hop", n < 5));
      other.add(answer(i, "multi_hop", n < 5));
    }
    for (int n = 0; n < 4; n++, i++) {
      base.add(answer(i, "single_hop", true));
      other.add(answer(i, "single_hop", false));
    }
    PairedComparison c = PairedComparison.of(base, other, a -> a.kind().equals("multi_hop"));
    assertEquals(7, c.lost());
    assertEquals(2, c.gained());
    // 2 P(X <= 2), X ~ Bin(9, 1/2) = 2 (1 + 9 + 36) / 512
    assertEquals(2 * 46 / 512.0, c.p(), 1e-12);
    assertEquals(11, PairedComparison.of(base, other, a -> true).lost());
    assertEquals(17, c.questions());
    assertEquals(-5 / 17.0, c.difference(), 1e-12);
  }

  @Test
  void theGapsIntervalIsTheNormalOneOverThePerQuestionDifferences() {
    // session 12's CACHEBLEND on 2,000: 99 lost, 17 gained -> -4.1 points, about ± 1.0
    PairedComparison c = new PairedComparison(2000, 99, 17, 0);
    assertEquals(-0.041, c.difference(), 1e-12);
    double d = -0.041;
    double variance = (116 / 2000.0 - d * d) * 2000 / 1999.0;
    assertEquals(1.959964 * Math.sqrt(variance / 2000), c.halfWidth95(), 1e-12);
    assertEquals(0.0104, c.halfWidth95(), 1e-4);
    // a quarter of the questions: twice as wide
    assertEquals(2 * c.halfWidth95(), new PairedComparison(500, 25, 4, 0).halfWidth95(), 1.5e-3);
    assertEquals(0.0, new PairedComparison(10, 0, 0, 1).halfWidth95(), 0.0);
    assertTrue(Double.isNaN(new PairedComparison(1, 1, 0, 1).halfWidth95()));
  }

  @Test
  void theExactTestAtItsEdges() {
    assertEquals(1.0, PairedComparison.mcNemarExact(0, 0), 1e-12);
    assertEquals(1.0, PairedComparison.mcNemarExact(5, 5), 1e-12);
    assertEquals(2 * Math.pow(0.5, 10), PairedComparison.mcNemarExact(10, 0), 1e-15);
    assertEquals(PairedComparison.mcNemarExact(3, 17), PairedComparison.mcNemarExact(17, 3), 1e-15);
  }

  @Test
  void answersToDifferentQuestionsAreNotPaired() {
    List<QualityRun.Answer> base = List.of(answer(1, "multi_hop", true));
    List<QualityRun.Answer> other = List.of(answer(2, "multi_hop", true));
    assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(base, other, a -> true));
    assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(base, List.of(), a -> true));
  }
}
