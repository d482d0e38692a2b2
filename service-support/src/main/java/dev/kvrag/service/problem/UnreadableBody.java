package dev.kvrag.service.problem;

import java.util.List;
import java.util.stream.Collectors;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * The {@code detail} of a problem+json answering a body Jackson could not read, in the client's terms: the field
 * and the type it needs, or where parsing broke. Each service wraps it in its own problem type and title.
 */
public final class UnreadableBody {

    private UnreadableBody() {
    }

    public static String describe(HttpMessageNotReadableException e) {
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
