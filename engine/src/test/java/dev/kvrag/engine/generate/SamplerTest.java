package dev.kvrag.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {

  /** Logits whose softmax is exactly proportional to the given weights. */
  private static float[] logitsFor(double... weights) {
    float[] logits = new float[weights.length];
    for (int i = 0; i < weights.length; i++) {
      logits[i] = (float) Math.log(weights[i]);
    }
    return logits;
  }

  private static float[] randomLogits(int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] logits = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      logits[i] = (float) (r.nextGaussian() * 3);
    }
    return logits;
  }

  private static int[] histogram(Sampler sampler, float[] logits, int draws) {
    int[] counts = new int[logits.length];
    for (int i = 0; i < draws; i++) {
      counts[sampler.sample(logits)]++;
    }
    return counts;
  }

  @Test
  void greedyReturnsTheArgmaxAndTheLowestIdAmongTies() {
    Sampler greedy = new Sampler(SamplingParams.greedy(1));
    assertEquals(2, greedy.sample(new float[] {0.5f, -1f, 3f, 2.9f}));
    assertEquals(1, greedy.sample(new float[] {0f, 7f, 7f, 7f}));
    assertEquals(0, greedy.sample(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    assertEquals(0, greedy.sample(new float[] {-0.0f, 0.0f, -1f}), "-0.0 and 0.0 tie");
  }

  @Test
  void temperatureZeroIsGreedyWhateverTheSeed() {
    float[] logits = randomLogits(1000, 7);
    int argmax = Sampler.argmax(logits);
    for (long seed = 0; seed < 20; seed++) {
      Sampler s = new Sampler(new SamplingParams(0, 0, 0.9, seed, 1, java.util.List.of()));
      assertEquals(argmax, s.sample(logits));
    }
  }

  @Test
  void topKOfOneEqualsGreedyEvenAtHighTemperature() {
    for (long seed = 0; seed < 20; seed++) {
      float[] logits = randomLogits(5000, seed);
      Sampler s = new Sampler(SamplingParams.sampled(5.0, seed, 1).withTopK(1));
      assertEquals(Sampler.argmax(logits), s.sample(logits));
    }
  }

  @Test
  void theSameSeedDrawsTheSameTokensAndAnotherSeedDoesNot() {
    float[] logits = randomLogits(200, 3);
    SamplingParams params = SamplingParams.sampled(1.5, 42, 1).withTopK(50).withTopP(0.95);
    int[] first = IntStream.range(0, 100).map(i -> 0).toArray();
    int[] second = first.clone();
    int[] other = first.clone();
    Sampler a = new Sampler(params);
    Sampler b = new Sampler(params);
    Sampler c = new Sampler(params.withSeed(43));
    for (int i = 0; i < first.length; i++) {
      first[i] = a.sample(logits);
      second[i] = b.sample(logits);
      other[i] = c.sample(logits);
    }
    assertArrayEquals(first, second);
    assertNotEquals(Arrays.toString(first), Arrays.toString(other));
  }

  @Test
  void drawsFollowTheTemperatureScaledSoftmax() {
    float[] logits = logitsFor(1, 2, 4);
    int draws = 200_000;
    int[] atOne = histogram(new Sampler(SamplingParams.sampled(1.0, 1, 1)), logits, draws);
    assertEquals(1 / 7.0, atOne[0] / (double) draws, 0.005);
    assertEquals(2 / 7.0, atOne[1] / (double) draws, 0.005);
    assertEquals(4 / 7.0, atOne[2] / (double) draws, 0.005);
    // T = 2 takes the square root of each weight: 1 : sqrt 2 : 2.
    int[] atTwo = histogram(new Sampler(SamplingParams.sampled(2.0, 1, 1)), logits, draws);
    double z = 1 + Math.sqrt(2) + 2;
    assertEquals(1 / z, atTwo[0] / (double) draws, 0.005);
    assertEquals(Math.sqrt(2) / z, atTwo[1] / (double) draws, 0.005);
    assertEquals(2 / z, atTwo[2] / (double) draws, 0.005);
  }

  @Test
  void topKKeepsExactlyTheKBestPreferringLowerIdsAtTheBoundary() {
    float[] logits = {1f, 5f, 3f, 5f, 3f, 3f, -2f};
    Sampler s = new Sampler(SamplingParams.sampled(1.0, 0, 1).withTopK(3));
    assertArrayEquals(new int[] {1, 3, 2}, s.keptIds(logits));
    int[] counts = histogram(s, logits, 5000);
    assertEquals(0, counts[0] + counts[4] + counts[5] + counts[6]);
    assertTrue(counts[1] > 0 && counts[2] > 0 && counts[3] > 0);
  }

  @Test
  void topKOverALargeVocabularyWithManyTiesIsTheFirstKOfTheFullOrder() {
    float[] logits = randomLogits(50_000, 21);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.round(logits[i] * 2) / 2f; // half-steps: thousands of ties at every value
    }
    int[] byRank = IntStream.range(0, logits.length).boxed()
        .sorted((x, y) -> logits[x] != logits[y] ? Float.compare(logits[y], logits[x]) : Integer.compare(x, y))
        .mapToInt(Integer::intValue).toArray();
    for (int k : new int[] {1, 40, 1000, 49_999}) {
      assertArrayEquals(Arrays.copyOf(byRank, k), Sampler.topK(logits, k), "k = " + k);
    }
  }

  @Test
  void topPKeepsTheSmallestBestFirstSetWhoseMassReachesP() {
    float[] logits = logitsFor(0.05, 0.5, 0.15, 0.3);
    assertArrayEquals(new int[] {1}, new Sampler(SamplingParams.sampled(1, 0, 1).withTopP(0.4)).keptIds(logits));
    assertArrayEquals(new int[] {1, 3}, new Sampler(SamplingParams.sampled(1, 0, 1).withTopP(0.75)).keptIds(logits));
    assertArrayEquals(new int[] {1, 3, 2}, new Sampler(SamplingParams.sampled(1, 0, 1).withTopP(0.9)).keptIds(logits));
    assertArrayEquals(new int[] {1, 3, 2, 0}, new Sampler(SamplingParams.sampled(1, 0, 1).withTopP(1.0)).keptIds(logits));
    int[] counts = histogram(new Sampler(SamplingParams.sampled(1, 5, 1).withTopP(0.75)), logits, 5000);
    assertEquals(0, counts[0] + counts[2]);
  }

  @Test
  void topPIsTakenAfterTemperatureAndOverTheRenormalisedTopK() {
    float[] logits = logitsFor(0.4, 0.3, 0.2, 0.1);
    // Alone, p = 0.5 needs tokens 0 and 1 (0.4 < 0.5); after top-2 token 0 holds 4/7 >= 0.5 by itself.
    assertArrayEquals(new int[] {0, 1}, new Sampler(SamplingParams.sampled(1, 0, 1).withTopP(0.5)).keptIds(logits));
    assertArrayEquals(new int[] {0}, new Sampler(SamplingParams.sampled(1, 0, 1).withTopK(2).withTopP(0.5)).keptIds(logits));
    // A high temperature flattens the distribution first, so the same p needs more tokens.
    assertArrayEquals(new int[] {0, 1, 2}, new Sampler(SamplingParams.sampled(100, 0, 1).withTopP(0.6)).keptIds(logits));
  }

  @Test
  void nucleusOverALargeVocabularyEqualsTheFullSortDefinition() {
    // The definition in double; the sampler's float weights (as HF's float32 softmax) agree unless
    // the cumulative mass lands within float rounding (~1e-7 relative) of p.
    for (double p : new double[] {0.1, 0.5, 0.9, 0.99, 0.999}) {
      float[] logits = randomLogits(50_000, (long) (p * 1000));
      double temperature = 0.8;
      Integer[] byRank = IntStream.range(0, logits.length).boxed()
          .sorted((x, y) -> logits[x] != logits[y] ? Float.compare(logits[y], logits[x]) : Integer.compare(x, y))
          .toArray(Integer[]::new);
      double max = logits[byRank[0]];
      double total = 0;
      for (float l : logits) {
        total += Math.exp((l - max) / temperature);
      }
      int n = 0;
      double before = 0;
      while (before < p * total) {
        before += Math.exp((logits[byRank[n++]] - max) / temperature);
      }
      int[] expected = Arrays.stream(byRank, 0, n).mapToInt(Integer::intValue).toArray();
      int[] kept = new Sampler(SamplingParams.sampled(temperature, 0, 1).withTopP(p)).keptIds(logits);
      assertArrayEquals(expected, kept, "p = " + p);
    }
  }

  @Test
  void maskedTokensAreNeverDrawn() {
    float inf = Float.NEGATIVE_INFINITY;
    float[] logits = {inf, 0f, inf, 0f};
    int[] counts = histogram(new Sampler(SamplingParams.sampled(1, 9, 1)), logits, 2000);
    assertEquals(0, counts[0] + counts[2]);
    assertTrue(counts[1] > 800 && counts[3] > 800);
  }

  @Test
  void aNaNLogitIsReportedWithItsTokenId() {
    float[] logits = {0f, Float.NaN, 1f};
    var greedy = assertThrows(IllegalStateException.class, () -> new Sampler(SamplingParams.greedy(1)).sample(logits));
    assertTrue(greedy.getMessage().contains("token id 1"), greedy.getMessage());
    var sampled = assertThrows(IllegalStateException.class, () -> new Sampler(SamplingParams.sampled(1, 0, 1)).sample(logits));
    assertTrue(sampled.getMessage().contains("token id 1"), sampled.getMessage());
  }

  @Test
  void rankKeysOrderByLogitThenByLowerId() {
    float[] logits = {-3f, Float.NEGATIVE_INFINITY, 2.5f, -0.0f, 0.0f, 2.5f, -1e-30f, 1e30f};
    int[] ranked = IntStream.range(0, logits.length).boxed()
        .sorted((x, y) -> Long.compare(Sampler.rankKey(logits[y], y), Sampler.rankKey(logits[x], x)))
        .mapToInt(Integer::intValue).toArray();
    assertArrayEquals(new int[] {7, 2, 5, 3, 4, 6, 0, 1}, ranked);
    for (int id : new int[] {0, 1, 5, 151_935, Integer.MAX_VALUE}) {
      assertEquals(id, Sampler.idOf(Sampler.rankKey(-7.25f, id)));
    }
  }

  @Test
  void badParametersAreRejectedWithTheirName() {
    var t = assertThrows(IllegalArgumentException.class, () -> SamplingParams.sampled(-1, 0, 1));
    assertTrue(t.getMessage().contains("temperature"), t.getMessage());
    var p = assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(1).withTopP(0));
    assertTrue(p.getMessage().contains("top-p"), p.getMessage());
    var k = assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(1).withTopK(-2));
    assertTrue(k.getMessage().contains("top-k"), k.getMessage());
    var n = assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(0));
    assertTrue(n.getMessage().contains("max tokens"), n.getMessage());
    var s = assertThrows(IllegalArgumentException.class, () -> SamplingParams.greedy(1).withStopStrings(java.util.List.of("")));
    assertTrue(s.getMessage().contains("stop strings"), s.getMessage());
  }
}
