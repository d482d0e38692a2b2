package dev.kvrag.engine.compute;

/**
 * Which key slots a query may attend to: a contiguous slot range {@code [from, to)} per query slot.
 *
 * <p>Contiguous ranges are enough for every mode we plan: a mode that needs a union of ranges (APE's
 * "prefix + question" part) attends to each range separately and merges the partial outputs by their
 * log-sum-exp, which is exactly softmax over the union.
 */
public interface AttentionRule {

  /** First visible key slot for a query at {@code querySlot}. */
  int from(int querySlot);

  /** One past the last visible key slot for a query at {@code querySlot}. */
  int to(int querySlot);

  /** Causal by slot: a query sees every filled slot up to and including its own. */
  static AttentionRule causal() {
    return Causal.INSTANCE;
  }

  /**
   * Causal by slot within a window of {@code window} slots, the query's own included — HF's
   * {@code kv_idx > q_idx - sliding_window} overlay on the causal mask.
   */
  static AttentionRule slidingWindow(int window) {
    if (window <= 0) {
      throw new IllegalArgumentException("sliding window must be positive: " + window);
    }
    return new AttentionRule() {
      @Override
      public int from(int querySlot) {
        return Math.max(0, querySlot - window + 1);
      }

      @Override
      public int to(int querySlot) {
        return querySlot + 1;
      }
    };
  }

  /** Causal rule singleton. */
  enum Causal implements AttentionRule {
    INSTANCE;

    @Override
    public int from(int querySlot) {
      return 0;
    }

    @Override
    public int to(int querySlot) {
      return querySlot + 1;
    }
  }
}
