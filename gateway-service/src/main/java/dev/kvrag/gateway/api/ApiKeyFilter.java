package dev.kvrag.gateway.api;

import dev.kvrag.gateway.GatewayProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every request but the public paths (health and its probes) carries one of {@code kvrag.gateway.api-keys}, as
 * {@code Authorization: Bearer <key>} (what OpenAI clients send) or {@code X-API-Key: <key>}; else 401 problem+json.
 * Keys are compared as SHA-256 digests in constant time, so timing tells nothing about a key's prefix.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 100)
public final class ApiKeyFilter extends OncePerRequestFilter {

    /** The key application.yml falls back to without {@code KVRAG_API_KEYS}: fine on a laptop, never in production. */
    static final String DEVELOPMENT_KEY = "kvrag-dev-key";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);
    private static final String BEARER = "Bearer ";

    private final List<byte[]> keyDigests;
    private final List<String> publicPaths;
    private final AntPathMatcher paths = new AntPathMatcher();
    private final JsonMapper json;

    ApiKeyFilter(GatewayProperties properties, JsonMapper json) {
        if (properties.apiKeys().isEmpty()) {
            throw new IllegalStateException("kvrag.gateway.api-keys is empty: set KVRAG_API_KEYS to one or more "
                    + "comma-separated keys");
        }
        if (properties.apiKeys().contains(DEVELOPMENT_KEY)) {
            log.warn("API key '{}' (the development default) is accepted; set KVRAG_API_KEYS for anything but a "
                    + "local demo", DEVELOPMENT_KEY);
        }
        this.keyDigests = properties.apiKeys().stream().map(ApiKeyFilter::sha256).toList();
        this.publicPaths = properties.publicPaths();
        this.json = json;
    }

    /**
     * Public paths are matched on the container's decoded and normalized path, never on the raw request URI, where
     * {@code /actuator/health/../../v1/models} would look public.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return publicPaths.stream().anyMatch(p -> paths.match(p, path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = presented(request);
        if (key == null) {
            refuse(request, response, "missing-api-key", "API key required", "send an API key as 'Authorization: "
                    + "Bearer <key>' or 'X-API-Key: <key>'");
            return;
        }
        byte[] digest = sha256(key);
        boolean known = false;
        for (byte[] k : keyDigests) {
            known |= MessageDigest.isEqual(k, digest);
        }
        if (!known) {
            refuse(request, response, "invalid-api-key", "Invalid API key", "the API key sent is not one of this "
                    + "gateway's keys");
            return;
        }
        chain.doFilter(request, response);
    }

    private static String presented(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String key = authorization.substring(BEARER.length()).strip();
            return key.isEmpty() ? null : key;
        }
        String header = request.getHeader("X-API-Key");
        return header == null || header.isBlank() ? null : header.strip();
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String type, String title,
                        String detail) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kvrag\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(ProblemBody.map(401, type, title, detail,
                request.getRequestURI())));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
