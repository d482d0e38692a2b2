package dev.kvrag.gateway.infra.inference;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.Topics;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.query.Inference;
import dev.kvrag.gateway.domain.query.PartialAnswer;
import dev.kvrag.gateway.infra.DependencyGuard;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Inference as the contract has it: the request on {@code inference-requests} (key: the affinity key), the answer
 * from the request's Redis stream. The whole exchange runs inside the guard's bulkhead and circuit breaker; it is
 * never retried here (the broker's idempotent producer already retries a send, and a worker answers a request id
 * once).
 */
public final class KafkaInference implements Inference {

    private final KafkaTemplate<String, byte[]> kafka;
    private final ResultStreamReader results;
    private final DependencyGuard guard;
    private final Duration sendTimeout;

    public KafkaInference(KafkaTemplate<String, byte[]> kafka, ResultStreamReader results, DependencyGuard guard,
                          Duration sendTimeout) {
        this.kafka = kafka;
        this.results = results;
        this.guard = guard;
        this.sendTimeout = sendTimeout;
    }

    @Override
    public void ensureAvailable() {
        guard.ensureAvailable();
    }

    @Override
    public InferenceResult.Done run(InferenceRequest request, Consumer<PartialAnswer> onPartial) {
        return guard.call(() -> {
            send(request);
            return results.await(request.requestId(), request.deadlineMs(), onPartial);
        });
    }

    private void send(InferenceRequest request) {
        try {
            kafka.send(Topics.INFERENCE_REQUESTS, request.affinityKey(), request.toJson())
                    .get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notSent(e);
        } catch (ExecutionException e) {
            throw notSent(e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            throw notSent(e);
        }
    }

    private static Problem notSent(Throwable cause) {
        return Problem.unavailable("inference-unavailable", "Inference is unavailable", "the question could not be "
                + "handed to the inference workers (Kafka " + Topics.INFERENCE_REQUESTS + "): " + cause.getMessage(),
                Duration.ofSeconds(5));
    }
}
