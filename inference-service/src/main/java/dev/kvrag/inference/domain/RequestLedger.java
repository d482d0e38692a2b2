package dev.kvrag.inference.domain;

import java.time.Duration;
import java.util.Optional;

/**
 * Which delivery answers which request, so that a redelivered request is answered once and a request whose worker
 * died is still answered. Kafka delivers at least once (a rebalance, or a crash before the offset commit,
 * redelivers). A claim is a lease: its worker renews it while it answers ({@link HeldClaims}); a claim nobody
 * renews lapses after {@link #lease()}, and the next delivery takes the request over as the next attempt, whose
 * entries void the earlier attempt's on the result stream ({@code InferenceResult.attempt()}). An answered request
 * stays marked for much longer, so later deliveries skip it.
 *
 * <p>Renew, complete and release act only while the claim is the caller's own, so a worker that stalled past its
 * lease cannot extend, finish or drop the claim of the worker that took its request over.
 */
public interface RequestLedger {

    /**
     * A claim on a request, held by one delivery.
     *
     * @param owner tells this claim from every other claim on the request, earlier or later
     * @param attempt 1 for the request's first claim, one more for each that took the request over
     */
    record Claim(String requestId, String owner, int attempt) {

        public Claim {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
            }
        }
    }

    /** How long a claim lasts unless renewed. */
    Duration lease();

    /** Claims the request for this delivery; empty while another claim on it is live or once it was answered. */
    Optional<Claim> claim(String requestId);

    /** Extends the claim by another lease; false, changing nothing, when the claim is no longer live. */
    boolean renew(Claim claim);

    /**
     * Marks the request answered (or failed): while this claim is live, or when it lapsed and nobody took the
     * request over (the answer is on the stream all the same). False, changing nothing, when another claim holds it.
     */
    boolean complete(Claim claim);

    /** Ends the claim now, so the next delivery need not wait out the lease; false when it was no longer live. */
    boolean release(Claim claim);

    /** Whether the request was marked answered (or failed), as opposed to unclaimed or held by a live claim. */
    boolean answered(String requestId);
}
