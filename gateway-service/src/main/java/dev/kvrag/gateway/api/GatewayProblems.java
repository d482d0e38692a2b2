package dev.kvrag.gateway.api;

import dev.kvrag.gateway.domain.Problem;
import java.util.List;
import java.util.stream.Collectors;
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
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

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
                : ProblemBody.detail(HttpStatus.BAD_REQUEST, "invalid-json", "Invalid request body", unreadable(e));
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

    /** What is wrong with the body, in the client's terms: the field and the type it needs, or where parsing broke. */
    static String unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return "field '" + path(m.getPath()) + "' must be " + expected(m.getTargetType());
        }
        if (cause instanceof StreamReadException s) {
            return "request body is not valid JSON: " + s.getOriginalMessage() + at(s.getLocation());
        }
        if (cause instanceof JacksonException j) {
            return "request body does not fit the request: " + j.getOriginalMessage() + at(j.getLocation());
        }
        return "request body is missing or unreadable; send a JSON object";
    }

    private static String path(List<JacksonException.Reference> path) {
        return path.stream().map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }

    private static String at(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
