package dev.kvrag.engine.generate;

import java.util.List;
import java.util.Objects;

/**
 * How the next token is chosen and when generation stops.
 *
 * <p>The warpers apply in Hugging Face's order: temperature, then top-k, then top-p (the nucleus is
 * taken over the distribution that top-k left, renormalised).
 *
 * @param temperature logits are divided by it; {@code 0} means greedy (argmax)
 * @param topK keep only the k most probable tokens; {@code 0} turns it off
 * @param topP keep the smallest set of most probable tokens whose mass is at least p; {@code 1} turns it off
 * @param seed seeds the random generator, so the same seed gives the same tokens
 * @param maxTokens the most tokens to generate, at least 1
 * @param stopStrings generation ends as soon as the decoded text contains one of these; the stop
 *     string itself is not part of the output
 */
public record SamplingParams(double temperature, int topK, double topP, long seed, int maxTokens,
                             List<String> stopStrings) {

  public SamplingParams {
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1] (1 = off), got " + topP);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
    }
    Objects.requireNonNull(stopStrings, "stop strings (use List.of() for none)");
    for (String stop : stopStrings) {
      if (stop == null || stop.isEmpty()) {
        throw new IllegalArgumentException("stop strings must be non-empty, got " + stopStrings);
      }
    }
    stopStrings = List.copyOf(stopStrings);
  }

  public static SamplingParams greedy(int maxTokens) {
    return new SamplingParams(0, 0, 1, 0, maxTokens, List.of());
  }

  /** Plain sampling from the temperature-scaled distribution, no top-k or top-p. */
  public static SamplingParams sampled(double temperature, long seed, int maxTokens) {
    return new SamplingParams(temperature, 0, 1, seed, maxTokens, List.of());
  }

  public SamplingParams withTopK(int k) {
    return new SamplingParams(temperature, k, topP, seed, maxTokens, stopStrings);
  }

  public SamplingParams withTopP(double p) {
    return new SamplingParams(temperature, topK, p, seed, maxTokens, stopStrings);
  }

  public SamplingParams withSeed(long s) {
    return new SamplingParams(temperature, topK, topP, s, maxTokens, stopStrings);
  }

  public SamplingParams withMaxTokens(int n) {
    return new SamplingParams(temperature, topK, topP, seed, n, stopStrings);
  }

  public SamplingParams withStopStrings(List<String> stops) {
    return new SamplingParams(temperature, topK, topP, seed, maxTokens, stops);
  }

  /** Temperature 0 and top-k 1 both leave only the most probable token. */
  public boolean isGreedy() {
    return temperature == 0 || topK == 1;
  }
}
