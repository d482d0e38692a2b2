package dev.kvrag.engine.generate;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-token passes over a whole logit vector (150k entries for Qwen), vectorized: a scalar
 * {@code Math.exp} over the vocabulary costs about a millisecond per token, the vector EXP a
 * twentieth of that.
 */
final class LogitKernels {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  private LogitKernels() {}

  /** The largest logit; NaN if any is NaN (lanewise MAX propagates NaN as Math.max does). */
  static float max(float[] logits) {
    int i = 0;
    FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    for (int bound = F.loopBound(logits.length); i < bound; i += F.length()) {
      acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, logits, i));
    }
    float max = acc.reduceLanes(VectorOperators.MAX);
    for (; i < logits.length; i++) {
      max = Math.max(max, logits[i]);
    }
    return max;
  }

  /** The first index holding {@code value} (not NaN), or -1. */
  static int firstIndexOf(float[] logits, float value) {
    int i = 0;
    for (int bound = F.loopBound(logits.length); i < bound; i += F.length()) {
      VectorMask<Float> hit = FloatVector.fromArray(F, logits, i).eq(value);
      if (hit.anyTrue()) {
        return i + hit.firstTrue();
      }
    }
    for (; i < logits.length; i++) {
      if (logits[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** The first NaN or +infinity, or -1. */
  static int firstInvalid(float[] logits) {
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i]) || logits[i] == Float.POSITIVE_INFINITY) {
        return i;
      }
    }
    return -1;
  }

  /**
   * weights[i] = exp((logits[i] - max) * inverseTemperature), each in [0, 1]; returns their sum.
   * The sum is carried in double: one vector's lanes are added in float, then accumulated.
   */
  static double scaledExp(float[] logits, float max, float inverseTemperature, float[] weights) {
    int i = 0;
    double sum = 0;
    for (int bound = F.loopBound(logits.length); i < bound; i += F.length()) {
      FloatVector w = FloatVector.fromArray(F, logits, i).sub(max).mul(inverseTemperature)
          .lanewise(VectorOperators.EXP);
      w.intoArray(weights, i);
      sum += w.reduceLanes(VectorOperators.ADD);
    }
    for (; i < logits.length; i++) {
      weights[i] = (float) Math.exp((logits[i] - max) * inverseTemperature);
      sum += weights[i];
    }
    return sum;
  }
}
