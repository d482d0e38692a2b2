package dev.kvrag.gateway.api;

import dev.kvrag.gateway.GatewayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies larger than {@code kvrag.gateway.documents.max-request-size} are refused with 413 before they are
 * parsed: at once when {@code Content-Length} says so, else (chunked) when the stream passes the limit, which the
 * exception handler turns into the same 413.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 200)
public final class BodySizeLimit extends OncePerRequestFilter {

    private final long maxBytes;
    private final JsonMapper json;

    BodySizeLimit(GatewayProperties properties, JsonMapper json) {
        this.maxBytes = properties.documents().maxRequestSize().toBytes();
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            response.setStatus(413);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getOutputStream().write(json.writeValueAsBytes(ProblemBody.map(413, "too-large",
                    "Content too large", tooLarge(maxBytes), request.getRequestURI())));
            return;
        }
        chain.doFilter(declared >= 0 ? request : new Limited(request, maxBytes), response);
    }

    static String tooLarge(long maxBytes) {
        return "the request body is larger than " + maxBytes + " bytes, the most this gateway accepts";
    }

    /** Thrown from the body stream once it passes the limit. */
    static final class BodyTooLarge extends IOException {
        BodyTooLarge(long maxBytes) {
            super(tooLarge(maxBytes), null);
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long maxBytes;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), maxBytes);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        CountingStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLarge {
            read += n;
            if (read > maxBytes) {
                throw new BodyTooLarge(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
