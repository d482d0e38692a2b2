package dev.kvrag.inference.domain;

/**
 * This worker's claim on the request it is answering lapsed: the worker stalled (or could not reach Redis) for
 * longer than the lease, so another delivery may already answer the request as the next attempt. The attempt stops
 * where it is, without a final entry; the gateway follows the later attempt.
 */
final class ClaimLost extends RuntimeException {

    ClaimLost(RequestLedger.Claim claim) {
        super("the claim of attempt " + claim.attempt() + " on request " + claim.requestId() + " lapsed", null, false,
                false);
    }
}
