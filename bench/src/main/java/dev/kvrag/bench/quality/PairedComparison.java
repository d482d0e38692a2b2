package dev.kvrag.bench.quality;

import java.util.List;
import java.util.function.Predicate;

/**
 * Two modes' exact match on the same questions, paired: the questions the baseline answers and the other mode
 * misses ({@code lost}), the reverse ({@code gained}), and the exact two-sided McNemar p-value (a binomial test on
 * the discordant questions). A gap of a few points on ~150 multi-hop questions can be noise or a property of the
 * mode; the pairing says which, where two unpaired accuracies cannot.
 */
public record PairedComparison(int lost, int gained, double p) {

  /** Compares {@code other} with {@code baseline}, answer by answer (the same questions, in the same order). */
  public static PairedComparison of(List<QualityRun.Answer> baseline, List<QualityRun.Answer> other,
                                    Predicate<QualityRun.Answer> which) {
    if (baseline.size() != other.size()) {
      throw new IllegalArgumentException("paired comparison of " + baseline.size() + " and " + other.size()
          + " answers");
    }
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
      boolean right = AnswerScore.exactMatch(b.text(), b.gold());
      boolean otherRight = AnswerScore.exactMatch(o.text(), o.gold());
      if (right && !otherRight) {
        lost++;
      } else if (!right && otherRight) {
        gained++;
      }
    }
    return new PairedComparison(lost, gained, mcNemarExact(lost, gained));
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
