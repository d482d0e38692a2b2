package dev.kvrag.gateway.infra;

import dev.kvrag.gateway.domain.Problem;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The resilience around one dependency, configured under {@code resilience4j.*.instances.<name>}: a bulkhead bounds
 * concurrent calls, a circuit breaker stops calling a dependency that keeps failing, and for idempotent calls a retry
 * with backoff sits outside both (resilience4j's own order: Retry(CircuitBreaker(Bulkhead(call)))). Refusals become
 * 503 problems with {@code Retry-After}.
 */
public final class DependencyGuard {

    private final String name;
    private final CircuitBreaker circuitBreaker;
    private final Bulkhead bulkhead;
    private final Retry retry;

    /** @param retry null when calls are not idempotent and must not be repeated */
    public DependencyGuard(String name, CircuitBreaker circuitBreaker, Bulkhead bulkhead, Retry retry) {
        this.name = name;
        this.circuitBreaker = circuitBreaker;
        this.bulkhead = bulkhead;
        this.retry = retry;
    }

    public <T> T call(Supplier<T> work) {
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(circuitBreaker, Bulkhead.decorateSupplier(bulkhead, work));
        if (retry != null) {
            guarded = Retry.decorateSupplier(retry, guarded);
        }
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            throw circuitOpen();
        } catch (BulkheadFullException e) {
            throw busy();
        }
    }

    /** Refuses now when {@link #call} would refuse: an open circuit, or no free slot. */
    public void ensureAvailable() {
        if (circuitBreaker.getState() == CircuitBreaker.State.OPEN
                || circuitBreaker.getState() == CircuitBreaker.State.FORCED_OPEN) {
            throw circuitOpen();
        }
        if (bulkhead.getMetrics().getAvailableConcurrentCalls() == 0
                && bulkhead.getBulkheadConfig().getMaxWaitDuration().isZero()) {
            throw busy();
        }
    }

    public int maxConcurrentCalls() {
        return bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
    }

    private Problem circuitOpen() {
        Duration wait = Duration.ofMillis(circuitBreaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState()
                .apply(1));
        return Problem.unavailable(name + "-unavailable", "The " + name + " service is unavailable", "the " + name
                + " service failed repeatedly, so the gateway stopped calling it for " + wait.toSeconds()
                + " s (circuit breaker open); retry later", wait);
    }

    private Problem busy() {
        return Problem.unavailable(name + "-busy", "The " + name + " service is busy", "all "
                + maxConcurrentCalls() + " concurrent " + name + " calls of this gateway are in use; retry shortly",
                Duration.ofSeconds(1));
    }
}
