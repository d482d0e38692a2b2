package dev.kvrag.gateway.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.query.ClientGone;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

/** The guard with real resilience4j parts, configured as application.yml configures them. */
class DependencyGuardTest {

    private final CircuitBreaker breaker = breaker(2);
    private final Bulkhead bulkhead = Bulkhead.of("dep", BulkheadConfig.custom().maxConcurrentCalls(1)
            .maxWaitDuration(Duration.ZERO).build());
    private final Retry retry = Retry.of("dep", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1))
            .retryExceptions(ResourceAccessException.class, HttpServerErrorException.class).build());
    private final AtomicInteger calls = new AtomicInteger();

    private static CircuitBreaker breaker(int minimumCalls) {
        return CircuitBreaker.of("dep", CircuitBreakerConfig.custom().slidingWindowSize(20)
                .minimumNumberOfCalls(minimumCalls).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(7)).recordException(new FailureClassifier()).build());
    }

    @Test
    void readsAreRetriedOnUnreachableOr5xxThenSucceed() {
        DependencyGuard guard = new DependencyGuard("retrieval", breaker(10), bulkhead, retry);
        String result = guard.call(() -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                throw new ResourceAccessException("connection refused", new IOException("refused"));
            }
            if (n == 2) {
                throw HttpServerErrorException.create(HttpStatus.BAD_GATEWAY, "bad", null, null, null);
            }
            return "hits";
        });
        assertThat(result).isEqualTo("hits");
        assertThat(calls).hasValue(3);
    }

    @Test
    void aRefusedRequestIsNeitherRetriedNorCountedAsAFailure() {
        DependencyGuard guard = new DependencyGuard("retrieval", breaker, bulkhead, retry);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> guard.call(() -> {
                calls.incrementAndGet();
                throw Problem.invalid("k must be between 1 and 32");
            })).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(400));
        }
        assertThat(calls).hasValue(5);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void repeatedFailuresOpenTheCircuitAndLaterCallsAre503WithRetryAfterWithoutCallingIt() {
        DependencyGuard guard = new DependencyGuard("inference", breaker, bulkhead, null);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> guard.call(() -> {
                calls.incrementAndGet();
                throw new Problem(504, "inference-timeout", "No answer in time", "no worker", null);
            })).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(504));
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> guard.call(calls::incrementAndGet)).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.status()).isEqualTo(503);
            assertThat(p.type()).isEqualTo("inference-unavailable");
            assertThat(p.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(p.getMessage()).contains("stopped calling it for 7 s");
        });
        assertThatThrownBy(guard::ensureAvailable).isInstanceOf(Problem.class);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFullBulkheadIs503BusyAndAClientThatLeftIsNoFailure() throws Exception {
        DependencyGuard guard = new DependencyGuard("inference", breaker, bulkhead, null);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofVirtual().start(() -> guard.call(() -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        inside.await();
        assertThatThrownBy(guard::ensureAvailable).isInstanceOfSatisfying(Problem.class,
                p -> assertThat(p.type()).isEqualTo("inference-busy"));
        assertThatThrownBy(() -> guard.call(() -> "second")).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.status()).isEqualTo(503);
            assertThat(p.getMessage()).contains("all 1 concurrent inference calls");
            assertThat(p.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
        release.countDown();
        holder.join();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> guard.call(() -> {
                throw new ClientGone(new IOException("broken pipe"));
            })).isInstanceOf(ClientGone.class);
        }
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        guard.ensureAvailable();
    }
}
