package dev.kvrag.gateway.api;

import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.service.problem.UnreadableBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 problem+json: ours ({@link Problem}, type {@code urn:kvrag:problem:*}, with
 * {@code Retry-After} when waiting helps) and the framework's (unknown path, wrong method or media type) through
 * {@link ResponseEntityExceptionHandler}. A client's mistake is not logged beyond Spring's debug line; a dependency
 * that fails is one warning line; only an unexpected failure is a 500 with its stack trace in the log.
 */
@RestControllerAdvice
public final class GatewayProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayProblems.class);

    @ExceptionHandler(Problem.class)
    ResponseEntity<ProblemDetail> problem(Problem p) {
        if (p.status() >= 500) {
            log.warn("{} {}: {}", p.status(), p.type(), p.getMessage());
        }
        HttpHeaders headers = new HttpHeaders();
        if (p.retryAfter() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, p.retryAfter().toSeconds())));
        }
        return ResponseEntity.status(p.status()).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemBody.detail(p));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("request failed", e);
        return ResponseEntity.internalServerError().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemBody.detail(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                        "the gateway failed on this request; its log has the cause"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = tooLarge(e) != null
                ? ProblemBody.detail(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Content too large",
                tooLarge(e).getMessage())
                : ProblemBody.detail(HttpStatus.BAD_REQUEST, "invalid-json", "Invalid request body",
                UnreadableBody.describe(e));
        return handleExceptionInternal(e, body, headers, HttpStatusCode.valueOf(body.getStatus()), request);
    }

    private static BodySizeLimit.BodyTooLarge tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodySizeLimit.BodyTooLarge tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }
}
