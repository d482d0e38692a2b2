package dev.kvrag.inference.domain;

/**
 * Which requests some worker has taken on, so that a redelivered request is answered once. Kafka delivers at least
 * once (a rebalance or a crash before the offset commit redelivers); the first delivery's stream already holds, or
 * will hold, the answer, so a later delivery does nothing.
 */
public interface RequestLedger {

    /** Claims the request for this delivery: true exactly once per request id (while the claim lasts). */
    boolean claim(String requestId);

    /** Marks a claimed request as answered (or failed); its claim stays, so later deliveries still skip it. */
    void complete(String requestId);
}
