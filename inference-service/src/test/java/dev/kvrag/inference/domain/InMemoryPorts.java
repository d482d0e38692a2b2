package dev.kvrag.inference.domain;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.kvstore.ChunkKvId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The worker's ports as plain collections, for the domain's unit tests (the Redis ones run in the ITs). */
final class InMemoryPorts {

    private InMemoryPorts() {
    }

    static final class Streams implements Results {
        final Map<String, List<InferenceResult>> entries = new HashMap<>();
        final List<String> abandoned = new ArrayList<>();
        /** Told of each token entry once it is written: where a test lets time pass mid-answer. */
        Consumer<InferenceResult.Token> afterToken = token -> { };
        /** Thrown by a final entry's write while set: Redis unreachable. */
        RuntimeException finalFailure;

        @Override
        public void token(String requestId, InferenceResult.Token token) {
            of(requestId).add(token);
            afterToken.accept(token);
        }

        @Override
        public void done(InferenceResult.Done done) {
            failIfSet();
            of(done.requestId()).add(done);
        }

        @Override
        public void failed(String requestId, InferenceResult.Failure failure) {
            failIfSet();
            of(requestId).add(failure);
        }

        @Override
        public void abandon(String requestId) {
            abandoned.add(requestId);
        }

        private void failIfSet() {
            if (finalFailure != null) {
                throw finalFailure;
            }
        }

        /** The entries {@code attempt} wrote. */
        List<InferenceResult> of(String requestId, int attempt) {
            return of(requestId).stream().filter(e -> e.attempt() == attempt).toList();
        }

        List<InferenceResult> of(String requestId) {
            return entries.computeIfAbsent(requestId, id -> new ArrayList<>());
        }

        InferenceResult last(String requestId) {
            return of(requestId).getLast();
        }

        String tokenText(String requestId) {
            return tokenText(of(requestId));
        }

        static String tokenText(List<InferenceResult> entries) {
            StringBuilder out = new StringBuilder();
            for (InferenceResult r : entries) {
                if (r instanceof InferenceResult.Token t) {
                    out.append(t.text());
                }
            }
            return out.toString();
        }
    }

    /**
     * The ledger on a clock the test moves ({@link #pass}): a claim lapses {@link #LEASE} after it was taken or last
     * renewed, as RedisRequestLedger's key TTLs do ({@link RequestLedgerContract} holds both to the same rules).
     */
    static final class Ledger implements RequestLedger {
        static final Duration LEASE = Duration.ofSeconds(30);
        static final Duration DONE_TTL = Duration.ofMinutes(10);

        final Set<String> completed = new HashSet<>();
        /** Thrown by {@link #renew} while set: Redis unreachable. */
        RuntimeException renewalFailure;
        private final Map<String, Key> keys = new HashMap<>();
        private final Map<String, Integer> attempts = new HashMap<>();
        private long nowMs;

        /** A claim's owner, or {@code done}, and when it expires. */
        private record Key(String value, long expiresAtMs) {
        }

        synchronized void pass(Duration d) {
            nowMs += d.toMillis();
        }

        @Override
        public Duration lease() {
            return LEASE;
        }

        @Override
        public synchronized Optional<Claim> claim(String requestId) {
            if (live(requestId) != null) {
                return Optional.empty();
            }
            Claim claim = new Claim(requestId, UUID.randomUUID().toString(),
                    attempts.merge(requestId, 1, Integer::sum));
            keys.put(requestId, new Key(claim.owner(), nowMs + LEASE.toMillis()));
            return Optional.of(claim);
        }

        @Override
        public synchronized boolean renew(Claim claim) {
            if (renewalFailure != null) {
                throw renewalFailure;
            }
            if (!ours(claim)) {
                return false;
            }
            keys.put(claim.requestId(), new Key(claim.owner(), nowMs + LEASE.toMillis()));
            return true;
        }

        @Override
        public synchronized boolean complete(Claim claim) {
            Key key = live(claim.requestId());
            if (key != null && !key.value().equals(claim.owner())) {
                return false;
            }
            keys.put(claim.requestId(), new Key("done", nowMs + DONE_TTL.toMillis()));
            completed.add(claim.requestId());
            return true;
        }

        @Override
        public synchronized boolean release(Claim claim) {
            if (!ours(claim)) {
                return false;
            }
            keys.remove(claim.requestId());
            return true;
        }

        @Override
        public synchronized boolean answered(String requestId) {
            Key key = live(requestId);
            return key != null && key.value().equals("done");
        }

        private boolean ours(Claim claim) {
            Key key = live(claim.requestId());
            return key != null && key.value().equals(claim.owner());
        }

        private Key live(String requestId) {
            Key key = keys.get(requestId);
            return key != null && key.expiresAtMs() > nowMs ? key : null;
        }
    }

    static final class Keys implements ChunkKeys {
        final Map<String, ChunkKvId> byChunkId = new HashMap<>();

        @Override
        public Optional<ChunkKvId> put(String chunkId, ChunkKvId id) {
            return Optional.ofNullable(byChunkId.put(chunkId, id));
        }

        @Override
        public Optional<ChunkKvId> remove(String chunkId) {
            return Optional.ofNullable(byChunkId.remove(chunkId));
        }
    }
}
