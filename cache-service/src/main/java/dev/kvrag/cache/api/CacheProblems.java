package dev.kvrag.cache.api;

import dev.kvrag.cache.domain.KvEventsNotPublishedException;
import dev.kvrag.common.kv.ChunkKvFormatException;
import dev.kvrag.kvstore.ChunkKvTooLargeException;
import io.lettuce.core.RedisException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of this API as RFC 9457 problem+json: the framework's own (unsupported media type, missing
 * parameter, unknown path) through {@link ResponseEntityExceptionHandler}, ours with a type of
 * {@code urn:kvrag:problem:*}. Refused input is not logged; an unreachable Redis or broker is logged in one line.
 */
@RestControllerAdvice
class CacheProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(CacheProblems.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> refused(ApiProblem e) {
        return problem(e.status(), e.type(), e.title(), e.getMessage());
    }

    @ExceptionHandler(ChunkKvFormatException.class)
    ResponseEntity<ProblemDetail> invalidBlob(ChunkKvFormatException e) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "invalid-blob", "Not a sound chunk-KV blob of this chunk",
                e.getMessage());
    }

    @ExceptionHandler(ChunkKvTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(ChunkKvTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "blob-too-large", "Blob too large", e.getMessage());
    }

    @ExceptionHandler(KvEventsNotPublishedException.class)
    ResponseEntity<ProblemDetail> eventsNotPublished(KvEventsNotPublishedException e) {
        log.warn("kv-events not published: {}", e.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "events-not-published", "Change made, announcement failed",
                "the store changed, but " + e.getMessage() + "; workers may keep stale local copies until the change "
                        + "is announced again (repeat the request)");
    }

    @ExceptionHandler(RedisException.class)
    ResponseEntity<ProblemDetail> storeUnavailable(RedisException e) {
        log.warn("chunk-KV store unavailable: {}", e.getMessage());
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Chunk-KV store unavailable",
                "Redis did not answer: " + e.getMessage());
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, String type, String title,
                                                         String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("urn:kvrag:problem:" + type));
        p.setTitle(title);
        return ResponseEntity.status(status).body(p);
    }
}
