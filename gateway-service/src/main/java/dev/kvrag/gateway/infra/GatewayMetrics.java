package dev.kvrag.gateway.infra;

import dev.kvrag.common.events.KvTier;
import dev.kvrag.engine.fusion.FusionModes;
import dev.kvrag.gateway.domain.query.Answer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;

/**
 * The gateway's own series on /actuator/prometheus (request latency per endpoint is Spring's
 * {@code http_server_requests_seconds}). Every series exists from start-up at zero, for each mode and tier, so a
 * rate or hit-ratio panel has data before the first query.
 *
 * <pre>
 * kvrag_gateway_ttft_seconds{mode}              client time to first token (query in, first token out)
 * kvrag_gateway_engine_ttft_seconds{mode}       the worker's time to first token
 * kvrag_gateway_overhead_seconds                everything but the worker: retrieval, Kafka, queue, Redis, HTTP
 * kvrag_gateway_retrieval_seconds               the retrieval call
 * kvrag_gateway_cache_hits_total{tier}          chunks whose KV a tier held, as workers report them
 * kvrag_gateway_cache_misses_total              chunks no tier held
 * kvrag_gateway_recompute_fraction{mode}        share of the context whose KV was computed, per answer
 * kvrag_gateway_prompt_tokens_total / _cached_tokens_total / _completion_tokens_total
 * kvrag_gateway_answers_total{mode,finish}      answers by mode and finish reason
 * kvrag_gateway_documents_total{outcome}        documents accepted or deleted
 * </pre>
 */
public final class GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter misses;
    private final Counter promptTokens;
    private final Counter cachedTokens;
    private final Counter completionTokens;
    private final Timer overhead;
    private final Timer retrieval;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String mode : FusionModes.NAMES) {
            ttft(mode);
            engineTtft(mode);
            recomputeFraction(mode);
        }
        for (KvTier tier : KvTier.values()) {
            hits(tier.wireName());
        }
        for (String outcome : new String[] {"accepted", "deleted"}) {
            documents(outcome);
        }
        this.misses = Counter.builder("kvrag.gateway.cache.misses").description("Chunks no KV tier held")
                .register(registry);
        this.promptTokens = Counter.builder("kvrag.gateway.prompt.tokens").register(registry);
        this.cachedTokens = Counter.builder("kvrag.gateway.cached.tokens")
                .description("Prompt tokens whose KV came from a cache tier").register(registry);
        this.completionTokens = Counter.builder("kvrag.gateway.completion.tokens").register(registry);
        this.overhead = latency("kvrag.gateway.overhead", "Query time outside the worker: retrieval, Kafka, queue,"
                + " Redis, HTTP").register(registry);
        this.retrieval = latency("kvrag.gateway.retrieval", "The retrieval call of a query").register(registry);
    }

    public void answered(Answer a) {
        String mode = a.modeName();
        ttft(mode).record(millis(a.timings().firstTokenMs()));
        engineTtft(mode).record(millis(a.timings().ttftMs()));
        overhead.record(millis(a.timings().overheadMs()));
        retrieval.record(millis(a.timings().retrievalMs()));
        recomputeFraction(mode).record(a.cache().recomputeFraction());
        for (Map.Entry<String, Long> e : a.cache().hitsByTier().entrySet()) {
            hits(e.getKey()).increment(e.getValue());
        }
        misses.increment(a.cache().misses());
        promptTokens.increment(a.usage().promptTokens());
        cachedTokens.increment(a.usage().cachedTokens());
        completionTokens.increment(a.usage().completionTokens());
        Counter.builder("kvrag.gateway.answers").tag("mode", mode).tag("finish", a.finishReason()).register(registry)
                .increment();
    }

    public void documents(String outcome, int count) {
        documents(outcome).increment(count);
    }

    private Timer ttft(String mode) {
        return latency("kvrag.gateway.ttft", "Client time to first token: query in, first token out")
                .tag("mode", mode).register(registry);
    }

    private Timer engineTtft(String mode) {
        return latency("kvrag.gateway.engine.ttft", "The worker's time to first token").tag("mode", mode)
                .register(registry);
    }

    private DistributionSummary recomputeFraction(String mode) {
        return DistributionSummary.builder("kvrag.gateway.recompute.fraction")
                .description("Share of the context whose KV was computed for the answer").tag("mode", mode)
                .register(registry);
    }

    private Counter hits(String tier) {
        return Counter.builder("kvrag.gateway.cache.hits").description("Chunks whose KV a tier held")
                .tag("tier", tier).register(registry);
    }

    private Counter documents(String outcome) {
        return Counter.builder("kvrag.gateway.documents").tag("outcome", outcome).register(registry);
    }

    private static Timer.Builder latency(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2));
    }

    private static Duration millis(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }
}
