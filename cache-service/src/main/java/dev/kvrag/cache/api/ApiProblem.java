package dev.kvrag.cache.api;

import org.springframework.http.HttpStatus;

/**
 * A request this API refuses, with everything its problem+json says: the status, a stable type
 * ({@code urn:kvrag:problem:<type>}), a title per type and a detail naming what was wrong.
 */
final class ApiProblem extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;

    ApiProblem(HttpStatus status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    static ApiProblem invalidChunk(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-chunk-id", "Invalid model id or chunk key", detail);
    }

    static ApiProblem invalidDocument(String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-document-id", "Invalid document id", detail);
    }

    static ApiProblem entryNotFound(String member) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "entry-not-found", "No such chunk-KV entry",
                "the store holds no entry for " + member);
    }

    static ApiProblem tooLarge(String detail) {
        return new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "blob-too-large", "Blob too large", detail);
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    String title() {
        return title;
    }
}
