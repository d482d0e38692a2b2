package dev.kvrag.inference.infra;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.KvTier;
import dev.kvrag.engine.fusion.FusionModes;
import dev.kvrag.inference.domain.KvTraffic;
import dev.kvrag.inference.domain.Outcome;
import dev.kvrag.inference.domain.Precompute;
import dev.kvrag.kvstore.local.LocalKvTier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * This worker's series on {@code /actuator/prometheus}, every one registered at start-up (zero until something
 * happens, so dashboards and alerts see them before the first request):
 *
 * <pre>
 * kvrag_ttft_seconds{mode}                     histogram: pick-up to first token, per fusion mode
 * kvrag_recompute_ratio                        histogram: share of the context computed per request
 * kvrag_cache_hits_total{tier}                 chunk lookups answered by the local tier / Redis
 * kvrag_cache_misses_total                     chunk lookups no tier answered (computed, then stored)
 * kvrag_kv_bytes_moved_total{tier,direction}   blob bytes read from / written to each tier
 * kvrag_inference_requests_total{outcome}      answered, rejected (4xx), expired, failed (5xx), duplicate,
 *                                              superseded (claim lapsed mid-answer), unreadable
 * kvrag_inference_takeovers_total              requests answered (or failed) by a later attempt than the first
 * kvrag_precompute_chunks_total{outcome}       stored, present, removed, absent, foreign, rejected, failed
 * kvrag_kv_bytes{tier="local"}, kvrag_kv_entries{tier="local"}   what this worker's hot tier holds
 * </pre>
 * Chunk hit rate = {@code sum(rate(kvrag_cache_hits_total)) / (sum(rate(kvrag_cache_hits_total)) +
 * rate(kvrag_cache_misses_total))}.
 */
@Component
public class WorkerMetrics {

    static final List<String> REQUEST_OUTCOMES = List.of("answered", "rejected", "expired", "failed", "duplicate",
            "held", "superseded", "unreadable");

    private final Map<String, Timer> ttft = new HashMap<>();
    private final DistributionSummary recompute;
    private final Map<KvTier, Counter> hits = new EnumMap<>(KvTier.class);
    private final Counter misses;
    private final Map<KvTier, Counter> bytesRead = new EnumMap<>(KvTier.class);
    private final Map<KvTier, Counter> bytesWritten = new EnumMap<>(KvTier.class);
    private final Map<String, Counter> requests = new HashMap<>();
    private final Counter takeovers;
    private final Map<Precompute.Result, Counter> precomputed = new EnumMap<>(Precompute.Result.class);

    WorkerMetrics(MeterRegistry registry, LocalKvTier local) {
        for (String mode : FusionModes.NAMES) {
            ttft.put(mode, Timer.builder("kvrag.ttft").description("Time to first token, from pick-up, per fusion mode")
                    .tag("mode", mode).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60)).register(registry));
        }
        recompute = DistributionSummary.builder("kvrag.recompute.ratio")
                .description("Share of the context (prefix and chunks) whose KV a request computed")
                .serviceLevelObjectives(0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1).register(registry);
        for (KvTier tier : KvTier.values()) {
            hits.put(tier, Counter.builder("kvrag.cache.hits").description("Chunk lookups answered by the tier")
                    .tag("tier", tier.wireName()).register(registry));
            bytesRead.put(tier, moved(registry, tier, "read"));
            bytesWritten.put(tier, moved(registry, tier, "write"));
        }
        misses = Counter.builder("kvrag.cache.misses").description("Chunk lookups no tier answered")
                .register(registry);
        for (String outcome : REQUEST_OUTCOMES) {
            requests.put(outcome, Counter.builder("kvrag.inference.requests")
                    .description("Inference request deliveries, by outcome").tag("outcome", outcome)
                    .register(registry));
        }
        takeovers = Counter.builder("kvrag.inference.takeovers").description("Requests taken over from a worker whose "
                + "claim lapsed (it crashed or stalled), and answered or failed by this one").register(registry);
        for (Precompute.Result r : Precompute.Result.values()) {
            precomputed.put(r, Counter.builder("kvrag.precompute.chunks")
                    .description("Records of the chunks topic, by what precomputing them did")
                    .tag("outcome", r.label()).register(registry));
        }
        Gauge.builder("kvrag.kv.bytes", local, l -> l.stats().tier(KvTier.LOCAL).bytes())
                .description("Blob bytes held by the tier").tag("tier", KvTier.LOCAL.wireName()).register(registry);
        Gauge.builder("kvrag.kv.entries", local, l -> l.stats().tier(KvTier.LOCAL).entries())
                .description("Chunk entries held by the tier").tag("tier", KvTier.LOCAL.wireName())
                .register(registry);
    }

    public void record(Outcome outcome) {
        switch (outcome) {
            case Outcome.Answered a -> {
                requests.get("answered").increment();
                tookOver(a.done().attempt());
                InferenceResult.Done done = a.done();
                Timer timer = ttft.get(a.modeName());
                if (timer != null) {
                    timer.record(Duration.ofNanos((long) (done.timings().ttftMs() * 1e6)));
                }
                recompute.record(done.cache().recomputeFraction());
                done.cache().hitsByTier().forEach((tier, n) -> hits.get(KvTier.ofWireName(tier)).increment(n));
                misses.increment(done.cache().misses());
                traffic(a.traffic());
            }
            case Outcome.Failed f -> {
                requests.get(f.problem().status() == 504 ? "expired" : f.problem().isClientError() ? "rejected"
                        : "failed").increment();
                tookOver(f.attempt());
            }
            case Outcome.Duplicate d -> requests.get("duplicate").increment();
            case Outcome.Held h -> requests.get("held").increment();
            case Outcome.Superseded s -> requests.get("superseded").increment();
            case Outcome.Unreadable u -> requests.get("unreadable").increment();
        }
    }

    private void tookOver(int attempt) {
        if (attempt > InferenceResult.FIRST_ATTEMPT) {
            takeovers.increment();
        }
    }

    public void record(Precompute.Outcome outcome) {
        precomputed.get(outcome.result()).increment();
        traffic(outcome.traffic());
    }

    private void traffic(KvTraffic t) {
        for (KvTier tier : KvTier.values()) {
            bytesRead.get(tier).increment(t.read(tier));
            bytesWritten.get(tier).increment(t.written(tier));
        }
    }

    private static Counter moved(MeterRegistry registry, KvTier tier, String direction) {
        // No base unit: Micrometer would append it to the name (kvrag_kv_bytes_moved_bytes_total).
        return Counter.builder("kvrag.kv.bytes.moved").description("Chunk-KV blob bytes moved between this worker and "
                + "the tier").tag("tier", tier.wireName()).tag("direction", direction).register(registry);
    }
}
