package dev.kvrag.inference.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link RequestLedger} keeps: {@link InMemoryLedgerTest} holds the in-memory ledger of the worker's
 * unit tests to them, {@code RedisRequestLedgerIT} the Redis one, so the two cannot drift apart. Time moves in
 * steps of two thirds of a lease: one step leaves a claim live, two let it lapse.
 */
public abstract class RequestLedgerContract {

    /** The ledger under test; the same instance on every call. */
    protected abstract RequestLedger ledger();

    /** Lets {@code time} pass for the ledger's claims. */
    protected abstract void pass(Duration time);

    private final String id = "r-" + UUID.randomUUID();

    private void step() {
        pass(ledger().lease().multipliedBy(2).dividedBy(3));
    }

    private RequestLedger.Claim claim() {
        return ledger().claim(id).orElseThrow(() -> new AssertionError("request " + id + " could not be claimed"));
    }

    private boolean taken() {
        return ledger().claim(id).isEmpty();
    }

    @Test
    public void onlyACompletedRequestCountsAsAnsweredNotAClaimedOrAReleasedOne() {
        assertFalse(ledger().answered(id));
        RequestLedger.Claim first = claim();
        assertFalse(ledger().answered(id), "claimed is not answered");
        assertTrue(ledger().release(first));
        assertFalse(ledger().answered(id), "released is not answered");
        RequestLedger.Claim second = claim();
        step();
        step();
        assertFalse(ledger().answered(id), "lapsed is not answered");
        RequestLedger.Claim third = claim();
        assertTrue(ledger().complete(third));
        assertTrue(ledger().answered(id));
        assertFalse(ledger().complete(second), "the lapsed claim cannot mark it again");
    }

    @Test
    public void oneDeliveryClaimsARequestAndTheOthersFindItTaken() {
        RequestLedger.Claim first = claim();
        assertEquals(id, first.requestId());
        assertEquals(1, first.attempt());
        assertTrue(taken());
        step();
        assertTrue(taken(), "a claim lasts its lease");
    }

    @Test
    public void aClaimNobodyRenewsLapsesAfterItsLeaseAndTheNextDeliveryTakesTheRequestOverAsTheNextAttempt() {
        RequestLedger.Claim dead = claim();
        step();
        step();
        RequestLedger.Claim next = claim();
        assertEquals(2, next.attempt());
        assertNotEquals(dead.owner(), next.owner());
        assertTrue(taken());
    }

    @Test
    public void renewingWithinTheLeaseKeepsTheClaimPastIt() {
        RequestLedger.Claim held = claim();
        for (int i = 0; i < 3; i++) {
            step();
            assertTrue(ledger().renew(held), "renewal " + i);
        }
        assertTrue(taken(), "two leases after the claim, renewed");
        assertTrue(ledger().complete(held));
    }

    @Test
    public void aStaleOwnerCanNeitherRenewNorCompleteNorReleaseTheClaimThatTookItsRequestOver() {
        RequestLedger.Claim stale = claim();
        step();
        step();
        RequestLedger.Claim current = claim();
        assertFalse(ledger().renew(stale));
        assertFalse(ledger().complete(stale));
        assertFalse(ledger().release(stale));
        assertTrue(taken(), "the current claim is untouched");
        step();
        assertTrue(ledger().renew(current), "and still live a step later: the stale renewal did not extend it");
        assertTrue(ledger().complete(current));
        assertFalse(ledger().renew(stale));
    }

    @Test
    public void anAnsweredRequestStaysMarkedLongAfterTheLease() {
        RequestLedger.Claim claim = claim();
        assertTrue(ledger().complete(claim));
        step();
        step();
        assertTrue(taken(), "a redelivery of an answered request is skipped");
        assertFalse(ledger().renew(claim), "an answered request's mark is no claim");
        assertFalse(ledger().release(claim));
    }

    @Test
    public void aReleasedClaimIsFreeAtOnceForTheNextDelivery() {
        RequestLedger.Claim given = claim();
        assertTrue(ledger().release(given));
        assertFalse(ledger().release(given));
        assertEquals(2, claim().attempt());
    }

    @Test
    public void aClaimThatLapsedUntakenStillMarksItsRequestAnswered() {
        RequestLedger.Claim slow = claim();
        step();
        step();
        assertFalse(ledger().renew(slow));
        assertTrue(ledger().complete(slow), "its answer is on the stream: nobody needs to take it over");
        assertTrue(taken());
    }
}
