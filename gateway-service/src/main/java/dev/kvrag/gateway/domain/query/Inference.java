package dev.kvrag.gateway.domain.query;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import java.util.function.Consumer;

/**
 * The inference workers as the gateway uses them: a request goes out on Kafka, tokens and a summary come back on
 * the request's result stream (from one attempt or, when a worker stopped part-way, from the one that took over).
 *
 * <p>Failures are {@link dev.kvrag.gateway.domain.Problem}s: the worker's own refusal with its status, 503 when no
 * request can be sent or too many are in flight, 504 when no answer came before the deadline.
 */
public interface Inference {

    /**
     * Refuses at once (503) when a request would be refused anyway: the circuit is open or every slot is taken.
     * A streaming response calls it before it commits to 200.
     */
    void ensureAvailable();

    /**
     * Sends {@code request} and blocks until its answer is complete.
     *
     * @param onPartial called in order, on the calling thread, for each piece of the answer and each restart (the
     *     returned answer is the last attempt's); an exception it throws (the client went away) ends the wait and is
     *     rethrown
     */
    InferenceResult.Done run(InferenceRequest request, Consumer<PartialAnswer> onPartial);
}
