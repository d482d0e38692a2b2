package dev.kvrag.inference.domain;

import dev.kvrag.common.events.InferenceResult;
import java.time.Duration;
import java.util.List;

/** What handling one delivery of a request did; the listener logs it and counts it. */
public sealed interface Outcome {

    /**
     * The answer is on the result stream.
     *
     * @param modeName the fusion mode's name ({@code cacheblend}), a bounded metric label
     * @param warnings what went wrong without costing the answer (a chunk that could not be stored)
     */
    record Answered(InferenceResult.Done done, String modeName, KvTraffic traffic, List<String> warnings)
            implements Outcome {
    }

    /** An {@code error} entry is on the result stream instead, written by {@code attempt}. */
    record Failed(String requestId, int attempt, RequestProblem problem, List<String> warnings) implements Outcome {
    }

    /**
     * This delivery's claim lapsed while it answered (the worker stalled past the lease), so another delivery may be
     * answering the request as a later attempt: this one stopped without a final entry.
     */
    record Superseded(String requestId, int attempt, List<String> warnings) implements Outcome {
    }

    /** Another delivery answered the request; nothing was done. */
    record Duplicate(String requestId) implements Outcome {
    }

    /**
     * Another delivery holds a live claim on the request; nothing was done. If that delivery's worker dies, nobody
     * renews the claim and it lapses after {@code lease}, so this delivery is to be looked at again then (until
     * {@code deadlineMs}, when the gateway stops waiting): a redelivery that arrived during the lease is not lost.
     */
    record Held(String requestId, Duration lease, long deadlineMs) implements Outcome {
    }

    /** The value names no request id, so there is no stream to answer on; it was dropped. */
    record Unreadable(String reason) implements Outcome {
    }
}
