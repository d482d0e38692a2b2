package dev.kvrag.gateway.api;

import dev.kvrag.gateway.domain.Problem;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 bodies in one shape: {@code type} is {@code urn:kvrag:problem:<type>}, {@code title} fixed per type,
 * {@code detail} says what to change. Used by the exception handler, by the servlet filters that answer before any
 * controller, and for the {@code error} event of a stream that already started.
 */
public final class ProblemBody {

    public static final String URN = "urn:kvrag:problem:";

    private ProblemBody() {
    }

    public static ProblemDetail detail(Problem p) {
        return detail(HttpStatusCode.valueOf(p.status()), p.type(), p.title(), p.getMessage());
    }

    public static ProblemDetail detail(HttpStatusCode status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(URN + type));
        problem.setTitle(title);
        return problem;
    }

    /** The same fields as a map, for writers that do not go through Spring's message converters. */
    public static Map<String, Object> map(int status, String type, String title, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", URN + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        return body;
    }
}
