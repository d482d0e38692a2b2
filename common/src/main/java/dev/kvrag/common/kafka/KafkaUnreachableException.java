package dev.kvrag.common.kafka;

/** The cluster did not answer a probe in time; the message says how it failed. */
public final class KafkaUnreachableException extends RuntimeException {

    public KafkaUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
