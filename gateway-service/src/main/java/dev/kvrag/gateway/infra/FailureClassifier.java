package dev.kvrag.gateway.infra;

import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.query.ClientGone;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.util.function.Predicate;

/**
 * Which exceptions count against a dependency's circuit breaker ({@code record-failure-predicate} in
 * application.yml): its own failures (unreachable, 5xx, no answer in time), not a request it refused as invalid
 * (4xx), a client that went away, or our own bulkhead being full.
 */
public final class FailureClassifier implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable t) {
        if (t instanceof Problem p) {
            return p.status() >= 500;
        }
        return !(t instanceof ClientGone) && !(t instanceof BulkheadFullException);
    }
}
