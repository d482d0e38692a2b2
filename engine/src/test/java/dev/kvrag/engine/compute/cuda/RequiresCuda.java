package dev.kvrag.engine.compute.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips each test of a class that needs a GPU where {@link CudaProbe} finds none, with the probe's reason, so the
 * build's test report lists the CUDA tests as skipped and says why (they run on the GPU machine,
 * {@code bench/device/gpu-check.sh}).
 */
public final class RequiresCuda implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String missing = CudaProbe.unavailable();
    if (missing == null) {
      return ConditionEvaluationResult.enabled("a CUDA device is present");
    }
    if (context.getTestMethod().isEmpty()) {
      return ConditionEvaluationResult.enabled("the tests skip one by one");
    }
    return ConditionEvaluationResult.disabled("no CUDA here: " + missing + " (CUDA tests run on the GPU machine, "
        + "bench/device/gpu-check.sh)");
  }
}
