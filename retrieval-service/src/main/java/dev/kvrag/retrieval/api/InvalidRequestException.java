package dev.kvrag.retrieval.api;

/** A request the service cannot answer as sent; the message says what to change. Answered with 400. */
final class InvalidRequestException extends RuntimeException {

    InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
