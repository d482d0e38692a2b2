package dev.kvrag.inference.infra;

import dev.kvrag.inference.domain.Outcome;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a delivery that found its request held by another delivery's live claim back on the request topic once that
 * claim's lease has run out, so that the delivery is not lost with its offset: if the holder's worker died, nobody
 * renewed the claim and the copy takes the request over as the next attempt; if the holder is alive, the copy finds it
 * held again (and comes back a lease later) or answered (and stops). Nothing is put back once the request's deadline
 * has passed, when the gateway has stopped waiting. Kafka's own redelivery after a crash usually comes after the
 * lease (its 45 s session timeout against the 30 s lease); this covers one that came before.
 */
public final class HeldRequestRequeue implements AutoCloseable {

    /** Publishes a request's record value (keyed by its request id) on the request topic; completes when sent. */
    @FunctionalInterface
    public interface Publisher {
        CompletionStage<?> publish(String requestId, byte[] value);
    }

    /** Added to the lease, so that the copy arrives after the claim's key expired rather than just before. */
    static final long MARGIN_MS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(HeldRequestRequeue.class);

    private final Publisher publisher;
    private final LongSupplier clockMs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("held-request-requeue").daemon().factory());

    public HeldRequestRequeue(Publisher publisher, LongSupplier clockMs) {
        this.publisher = publisher;
        this.clockMs = clockMs;
    }

    /** Schedules {@code value}'s return for when {@code held}'s lease has run out; false when its deadline is past. */
    public boolean later(Outcome.Held held, byte[] value) {
        long delayMs = held.lease().toMillis() + MARGIN_MS;
        if (clockMs.getAsLong() + delayMs >= held.deadlineMs()) {
            return false;
        }
        timer.schedule(() -> {
            if (clockMs.getAsLong() >= held.deadlineMs()) {
                return;
            }
            try {
                publisher.publish(held.requestId(), value).whenComplete((sent, e) -> {
                    if (e != null) {
                        couldNotPublish(held, e);
                    }
                });
            } catch (RuntimeException e) {
                couldNotPublish(held, e);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
        return true;
    }

    private static void couldNotPublish(Outcome.Held held, Throwable e) {
        log.warn("request {}: could not put the held delivery back on the request topic: {}", held.requestId(),
                e.toString());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
