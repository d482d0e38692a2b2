package dev.kvrag.gateway.domain;

import java.time.Duration;

/**
 * A request the gateway refuses or cannot serve, with everything its RFC 9457 answer says: an HTTP status, a stable
 * type ({@code urn:kvrag:problem:<type>}), a title per type and a detail that names what was wrong. Unavailable
 * dependencies carry how long to wait ({@code Retry-After}). No stack trace: a client's mistake is not an incident.
 */
public final class Problem extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Duration retryAfter;

    public Problem(int status, String type, String title, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    public static Problem invalid(String detail) {
        return new Problem(400, "invalid-request", "Invalid request", detail, null);
    }

    public static Problem invalidMode(String detail) {
        return new Problem(400, "invalid-mode", "Invalid fusion mode", detail, null);
    }

    public static Problem tooLarge(String detail) {
        return new Problem(413, "too-large", "Content too large", detail, null);
    }

    public static Problem invalidDocument(String detail) {
        return new Problem(422, "invalid-document", "Invalid document", detail, null);
    }

    public static Problem unknownDocument(String documentId) {
        return new Problem(404, "unknown-document", "Unknown document", "document '" + documentId
                + "' is not known: never ingested, deleted, or rejected by the chunker", null);
    }

    public static Problem unknownModel(String model, String served) {
        return new Problem(404, "unknown-model", "Unknown model", "model '" + model + "' is not served here; this "
                + "gateway serves '" + served + "' (GET /v1/models)", null);
    }

    public static Problem unavailable(String type, String title, String detail, Duration retryAfter) {
        return new Problem(503, type, title, detail, retryAfter);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** null when waiting would not help. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
