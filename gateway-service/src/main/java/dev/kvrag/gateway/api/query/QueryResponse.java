package dev.kvrag.gateway.api.query;

import dev.kvrag.gateway.domain.query.Answer;
import dev.kvrag.gateway.domain.query.Source;
import dev.kvrag.gateway.domain.query.Timings;
import java.util.List;
import java.util.Map;

/**
 * Answer of {@code POST /v1/query} (and the {@code summary} event of a streamed one): the answer, its sources (best
 * first), where the time went, how the chunks' KV was found, and the mode that ran.
 */
public record QueryResponse(String requestId, String answer, String finishReason, String mode, List<Source> sources,
                            Timings timings, Cache cache, Usage usage) {

    /**
     * @param hitsByTier chunks whose stored KV a tier held ({@code local}: the worker's process; {@code redis})
     * @param misses chunks no tier held: computed now, and stored for the next question
     * @param recomputeFraction share of the context whose KV was computed for this answer
     */
    public record Cache(Map<String, Long> hitsByTier, long misses, double recomputeFraction) {
    }

    /** @param cachedTokens prompt tokens whose KV came from a cache tier */
    public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    }

    public static QueryResponse of(Answer a) {
        return new QueryResponse(a.requestId(), a.text(), a.finishReason(), a.mode(), a.sources(), a.timings(),
                new Cache(a.cache().hitsByTier(), a.cache().misses(), a.cache().recomputeFraction()),
                new Usage(a.usage().promptTokens(), a.usage().completionTokens(), a.usage().cachedTokens()));
    }
}
