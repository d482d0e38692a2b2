package dev.kvrag.inference.infra;

import dev.kvrag.inference.domain.HeldClaims;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renews the claims this worker holds every third of {@code kvrag.inference.claim-lease}, on a thread of its own: the
 * listener thread is busy in the engine for the whole answer, prefill included, when no token callback runs.
 */
final class ClaimRenewer implements AutoCloseable {

    private final HeldClaims claims;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("claim-renewal").daemon().factory());

    ClaimRenewer(HeldClaims claims) {
        this.claims = claims;
    }

    void start() {
        long every = Math.max(1, claims.renewalInterval().toMillis());
        // HeldClaims.renew never throws: a task that threw would never run again.
        timer.scheduleAtFixedRate(claims::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
