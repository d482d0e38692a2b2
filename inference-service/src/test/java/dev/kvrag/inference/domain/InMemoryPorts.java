package dev.kvrag.inference.domain;

import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.kvstore.ChunkKvId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The worker's ports as plain collections, for the domain's unit tests (the Redis ones run in the ITs). */
final class InMemoryPorts {

    private InMemoryPorts() {
    }

    static final class Streams implements Results {
        final Map<String, List<InferenceResult>> entries = new HashMap<>();

        @Override
        public void token(String requestId, InferenceResult.Token token) {
            of(requestId).add(token);
        }

        @Override
        public void done(InferenceResult.Done done) {
            of(done.requestId()).add(done);
        }

        @Override
        public void failed(String requestId, InferenceResult.Failure failure) {
            of(requestId).add(failure);
        }

        List<InferenceResult> of(String requestId) {
            return entries.computeIfAbsent(requestId, id -> new ArrayList<>());
        }

        InferenceResult last(String requestId) {
            return of(requestId).getLast();
        }

        String tokenText(String requestId) {
            StringBuilder out = new StringBuilder();
            for (InferenceResult r : of(requestId)) {
                if (r instanceof InferenceResult.Token t) {
                    out.append(t.text());
                }
            }
            return out.toString();
        }
    }

    static final class Ledger implements RequestLedger {
        final Set<String> claimed = new HashSet<>();
        final Set<String> completed = new HashSet<>();

        @Override
        public boolean claim(String requestId) {
            return claimed.add(requestId);
        }

        @Override
        public void complete(String requestId) {
            completed.add(requestId);
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
