package dev.kvrag.bench.quality;

import java.util.List;
import java.util.function.Predicate;

/**
 * Two modes' exact match on the same questions, paired: the questions the baseline answers and the other mode
 * misses ({@code lost}), the reverse ({@code gained}), and the exact two-sided McNemar p-value (a binomial test on
 * the discordant questions), over {@code questions} compared. A gap of a few points on ~150 multi-hop questions can
 * be noise or a property of the mode; the pairing says which, where two unpaired accuracies cannot.
 */
public record PairedComparison(int questions, int lost, int gained, double p) {

  /** The other mode's exact match minus the baseline's, as a fraction of the questions compared. */
  public double difference() {
    return questions == 0 ? 0.0 : (gained - lost) / (double) questions;
  }

  /**
   * Half the width of the 95 % interval of {@link #difference} (normal approximation over the per-question
   * differences −1, 0, +1, sample variance): how far another draw of as many questions may move the gap.
   */
  public double halfWidth95() {
    if (questions < 2) {
      return Double.NaN;
    }
    double d = difference();
    double variance = ((lost + gained) / (double) questions - d * d) * questions / (questions - 1.0);
    return 1.959964 * Math.sqrt(Math.max(0.0, variance) / questions);
  }

  /** Compares {@code other} with {@code baseline}, answer by answer (the same questions, in the same order). */
  public static PairedComparison of(List<QualityRun.Answer> baseline, List<QualityRun.Answer> other,
                                    Predicate<QualityRun.Answer> which) {
    if (baseline.size() != other.size()) {
      throw new IllegalArgumentException("paired comparison of " + baseline.size() + " and " + other.size()
          + " answers");
    }
    int compared = 0;
    int lost = 0;
    int gained = 0;
    for (int i = 0; i < baseline.size(); i++) {
      QualityRun.Answer b = baseline.get(i);
      QualityRun.Answer o = other.get(i);
      if (!b.questionId().equals(o.questionId())) {
        throw new IllegalArgumentException("answers " + i + " are to different questions: " + b.questionId()
            + " and " + o.questionId());
      }
      if (!which.test(b)) {
        continue;
      }
      compared++;
      boolean right = AnswerScore.exactMatch(b.text(), b.gold());
      boolean otherRight = AnswerScore.exactMatch(o.text(), o.gold());
      if (right && !otherRight) {
        lost++;
      } else if (!right && otherRight) {
        gained++;
      }
    }
    return new PairedComparison(compared, lost, gained, mcNemarExact(lost, gained));
  }

  /** {@code min(1, 2 P(X ≤ min(a, b)))} for X ~ Binomial(a + b, 1/2). */
  static double mcNemarExact(int a, int b) {
    int n = a + b;
    int k = Math.min(a, b);
    double tail = 0;
    for (int i = 0; i <= k; i++) {
      tail += Math.exp(logChoose(n, i) - n * Math.log(2));
    }
    return Math.min(1.0, 2 * tail);
  }

  private static double logChoose(int n, int k) {
    double s = 0;
    for (int i = 1; i <= k; i++) {
      s += Math.log(n - k + i) - Math.log(i);
    }
    return s;
  }
}
