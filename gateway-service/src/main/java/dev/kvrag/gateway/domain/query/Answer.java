package dev.kvrag.gateway.domain.query;

import dev.kvrag.common.events.InferenceResult;
import java.util.List;

/**
 * A question's answer with its sources (best-ranked first), timings, the worker's cache report and token usage.
 *
 * @param finishReason {@code eos}, {@code stop} or {@code length} (the worker's)
 * @param mode the fusion plan the worker ran, as its spec
 * @param modeName the mode's name without parameters, for metrics
 */
public record Answer(String requestId, String text, String finishReason, String mode, String modeName,
                     List<Source> sources, Timings timings, InferenceResult.CacheUse cache, Usage usage) {

    public Answer {
        sources = List.copyOf(sources);
    }
}
