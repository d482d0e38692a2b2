package dev.kvrag.inference.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The claims this worker holds while it answers their requests. {@link #renew()} extends each by another lease; the
 * worker's scheduler calls it every third of the lease ({@link #renewalInterval()}), so two renewals in a row can
 * fail (Redis slow or briefly gone) before a claim lapses. A renewal that finds its claim no longer live marks it
 * lost, and the answer stops at its next token: another delivery may be answering the request by then.
 */
public final class HeldClaims {

    private final RequestLedger ledger;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();

    public HeldClaims(RequestLedger ledger) {
        this.ledger = ledger;
    }

    /** Whether the request was answered already (not merely claimed by another delivery). */
    public boolean answered(String requestId) {
        return ledger.answered(requestId);
    }

    /** How long a claim lasts unless renewed. */
    public Duration lease() {
        return ledger.lease();
    }

    /** How often {@link #renew()} must run. */
    public Duration renewalInterval() {
        return ledger.lease().dividedBy(3);
    }

    /** Claims the request and holds the claim (renewed until closed); empty when another delivery has it. */
    Optional<Held> claim(String requestId) {
        return ledger.claim(requestId).map(claim -> {
            Held h = new Held(claim);
            held.add(h);
            return h;
        });
    }

    /** Renews every held claim once. Never throws: a failed renewal is kept with its claim and reported with it. */
    public void renew() {
        for (Held h : held) {
            h.renew();
        }
    }

    /** One claim, held while its request is answered; closing stops renewing it. */
    final class Held implements AutoCloseable {

        private final RequestLedger.Claim claim;
        private volatile boolean lost;
        private final AtomicInteger failedRenewals = new AtomicInteger();
        private volatile String lastFailure;
        private final List<String> warnings = new ArrayList<>();

        private Held(RequestLedger.Claim claim) {
            this.claim = claim;
        }

        RequestLedger.Claim claim() {
            return claim;
        }

        int attempt() {
            return claim.attempt();
        }

        private void renew() {
            if (lost) {
                return;
            }
            try {
                if (!ledger.renew(claim)) {
                    lost = true;
                }
            } catch (RuntimeException e) {
                failedRenewals.incrementAndGet();
                lastFailure = e.toString();
            }
        }

        /** @throws ClaimLost when a renewal found the claim lapsed */
        void check() {
            if (lost) {
                throw new ClaimLost(claim);
            }
        }

        /**
         * Renews the claim now, before a final entry: the last scheduled renewal may be a third of a lease old.
         *
         * @throws ClaimLost when it is no longer live
         */
        void confirm() {
            check();
            if (!ledger.renew(claim)) {
                lost = true;
                throw new ClaimLost(claim);
            }
        }

        /**
         * Marks the request answered, once its final entry is written. Neither a takeover that came first nor a
         * failure costs the answer on the stream, so both are warnings: unmarked, the claim lapses within a lease.
         */
        void complete() {
            try {
                if (!ledger.complete(claim)) {
                    warnings.add("the claim of attempt " + claim.attempt() + " lapsed before its final entry was "
                            + "marked and another delivery took the request over: it is answered again");
                }
            } catch (RuntimeException e) {
                warnings.add("could not mark the request answered (its claim lapses within the lease instead): " + e);
            }
        }

        /** Gives the claim up after {@code cause} (Redis or Kafka failing), so that the retried delivery takes it. */
        void releaseAfter(RuntimeException cause) {
            try {
                ledger.release(claim);
            } catch (RuntimeException e) {
                // The lease ends it instead; the first failure is the one the caller acts on.
                cause.addSuppressed(e);
            }
        }

        /** What went wrong with the claim without costing the answer. */
        List<String> warnings() {
            List<String> out = new ArrayList<>(warnings);
            int failed = failedRenewals.get();
            if (failed > 0) {
                out.add("renewing the claim of attempt " + claim.attempt() + " failed " + failed + " time"
                        + (failed == 1 ? "" : "s") + ", last: " + lastFailure);
            }
            return out;
        }

        @Override
        public void close() {
            held.remove(this);
        }
    }
}
