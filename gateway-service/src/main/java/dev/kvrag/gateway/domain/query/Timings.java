package dev.kvrag.gateway.domain.query;

/**
 * Where an answer's time went, in milliseconds. The gateway measures {@code retrievalMs}, {@code firstTokenMs},
 * {@code totalMs} and so {@code overheadMs}; the others are the worker's ({@code InferenceResult.Timings}).
 *
 * @param queueMs from the request's creation to a worker taking it
 * @param ttftMs the engine's time to first token, from a worker taking the request
 * @param firstTokenMs the client's time to first token: from the query reaching the gateway to the first token
 *     reaching it
 * @param totalMs the query in the gateway, end to end
 * @param overheadMs {@code totalMs} less the worker's own time ({@code totalMs} of the worker, which starts when it
 *     takes the request): retrieval, Kafka, queueing, Redis, the gateway itself
 */
public record Timings(double retrievalMs, double queueMs, double kvLoadMs, double recomputeMs, double ttftMs,
                      double decodeMs, double firstTokenMs, double totalMs, double overheadMs) {
}
