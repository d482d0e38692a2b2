package dev.kvrag.inference.domain;

import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.common.events.InferenceResult;

/**
 * Why a request gets an {@code error} entry instead of an answer, as the RFC 9457 problem the gateway passes on.
 * {@link #of} is the one mapping from what went wrong to a status: the request's fault is 4xx and logged as one
 * line; anything else is the worker's fault, 500, logged with its stack trace.
 */
public final class RequestProblem extends RuntimeException {

    private final int status;
    private final String title;

    private RequestProblem(int status, String title, String detail, Throwable cause) {
        // No stack trace of its own: a 4xx is the request's fault, and a 500 keeps its cause's.
        super(detail, cause, false, false);
        this.status = status;
        this.title = title;
    }

    /** The request cannot be read: not JSON, a missing or mistyped field, an invalid value. */
    public static RequestProblem malformed(String detail) {
        return new RequestProblem(400, "Malformed request", detail, null);
    }

    /** The request reads but cannot be answered here: another model or tokenizer, an unknown mode, bad ids. */
    public static RequestProblem unprocessable(String detail) {
        return new RequestProblem(422, "Unprocessable request", detail, null);
    }

    /** Nobody waits for the answer any more. */
    public static RequestProblem deadlineExceeded(String detail) {
        return new RequestProblem(504, "Deadline exceeded", detail, null);
    }

    /**
     * The problem {@code failure} amounts to: itself; an unreadable event 400; an {@link IllegalArgumentException}
     * 422 (the engine refuses inputs by name with one: a check layer past the last layer, a prompt past a sliding
     * window); anything else 500.
     */
    public static RequestProblem of(Throwable failure) {
        return switch (failure) {
            case RequestProblem p -> p;
            case EventFormatException e -> malformed(e.getMessage());
            case IllegalArgumentException e -> unprocessable(e.getMessage());
            default -> new RequestProblem(500, "Inference failed", failure.getClass().getSimpleName() + ": "
                    + failure.getMessage(), failure);
        };
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The request's fault (4xx), as opposed to the worker's. */
    public boolean isClientError() {
        return status < 500;
    }

    /** The {@code error} entry of the attempt that met this problem. */
    public InferenceResult.Failure toFailure(int attempt) {
        return new InferenceResult.Failure(attempt, status, title, String.valueOf(getMessage()));
    }
}
