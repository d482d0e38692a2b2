package dev.kvrag.inference.api;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.Topics;
import dev.kvrag.inference.domain.InferenceWorker;
import dev.kvrag.inference.domain.Outcome;
import dev.kvrag.inference.infra.HeldRequestRequeue;
import dev.kvrag.inference.infra.WorkerMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The workers' consumer group on {@code inference-requests}: one request at a time per worker (the engine uses every
 * core for one), one record per poll so that a rebalance moves at most one request that has not started. Every
 * request gets an entry on its result stream; the log gets one line per refused request and a stack trace only for
 * the worker's own failures.
 */
@Component
class InferenceRequestListener {

    static final String GROUP = "inference-workers";

    private static final Logger log = LoggerFactory.getLogger(InferenceRequestListener.class);

    private final InferenceWorker worker;
    private final WorkerMetrics metrics;
    private final HeldRequestRequeue requeue;

    InferenceRequestListener(InferenceWorker worker, WorkerMetrics metrics, HeldRequestRequeue requeue) {
        this.worker = worker;
        this.metrics = metrics;
        this.requeue = requeue;
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.INFERENCE_REQUESTS,
            properties = {"max.poll.records=1"})
    void onRequest(ConsumerRecord<String, byte[]> record) {
        Outcome outcome = worker.handle(record.value(), System.currentTimeMillis());
        metrics.record(outcome);
        switch (outcome) {
            case Outcome.Answered a -> {
                a.warnings().forEach(w -> log.warn("request {}: {}", a.done().requestId(), w));
                if (a.done().attempt() > InferenceResult.FIRST_ATTEMPT) {
                    log.info("request {} answered as attempt {}: an earlier worker's claim lapsed before it finished",
                            a.done().requestId(), a.done().attempt());
                }
                log.debug("request {} answered: {} tokens, ttft {} ms, hits {}, misses {}", a.done().requestId(),
                        a.done().completionTokens(), a.done().timings().ttftMs(), a.done().cache().hitsByTier(),
                        a.done().cache().misses());
            }
            case Outcome.Failed f -> {
                f.warnings().forEach(w -> log.warn("request {}: {}", f.requestId(), w));
                if (f.problem().status() >= 500 && f.problem().status() != 504) {
                    log.error("request {} failed ({} {}): {}", f.requestId(), f.problem().status(), f.problem().title(),
                            f.problem().getMessage(), f.problem().getCause());
                } else {
                    log.warn("request {} refused ({} {}): {}", f.requestId(), f.problem().status(),
                            f.problem().title(), f.problem().getMessage());
                }
            }
            case Outcome.Duplicate d -> log.info("request {} was answered already; skipped ({}-{}@{})", d.requestId(),
                    record.topic(), record.partition(), record.offset());
            case Outcome.Held h -> {
                boolean back = requeue.later(h, record.value());
                log.info("request {} is held by another delivery's live claim ({}-{}@{}); {}", h.requestId(),
                        record.topic(), record.partition(), record.offset(), back ? "looked at again in "
                                + h.lease().toSeconds() + " s, in case its worker died" : "its deadline comes first");
            }
            case Outcome.Superseded s -> {
                s.warnings().forEach(w -> log.warn("request {}: {}", s.requestId(), w));
                log.warn("request {}: the claim of attempt {} lapsed while answering (this worker stalled, or lost "
                        + "Redis, for longer than kvrag.inference.claim-lease); stopped without a final entry, a later "
                        + "attempt answers it", s.requestId(), s.attempt());
            }
            case Outcome.Unreadable u -> log.warn("dropped an inference request with no readable request id "
                    + "({}-{}@{}): {}", record.topic(), record.partition(), record.offset(), u.reason());
        }
    }
}
