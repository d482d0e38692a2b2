package dev.kvrag.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.gateway.GatewaySpringTest;
import dev.kvrag.gateway.testing.GatewayClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Every kind of bad input the issue names gets a precise 4xx problem+json; the gateway logs no stack trace for any of
 * it, and documents accepted before are still there after.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadInputIT extends GatewaySpringTest {

    @Test
    void everyBadInputIsAPrecise4xxProblemAndNothingIsLost(CapturedOutput output) throws Exception {
        GatewayClient api = client();
        assertThat(api.post("/v1/documents", "{\"documents\": [{\"id\": \"kept-1\", \"text\": \"Kept.\"}]}")
                .getStatusCode().value()).isEqualTo(202);

        // API keys
        ResponseEntity<Map<String, Object>> noKey = client(null).get("/v1/models");
        assertProblem(noKey, 401, "missing-api-key", "send an API key as 'Authorization: Bearer <key>'");
        assertThat(noKey.getHeaders().getFirst("WWW-Authenticate")).isEqualTo("Bearer realm=\"kvrag\"");
        assertProblem(client("wrong").post("/v1/query", "{\"question\": \"q\"}"), 401, "invalid-api-key",
                "the API key sent is not one of this gateway's keys");
        assertThat(xApiKey("/v1/models", "test-key-2")).isEqualTo(200);
        assertThat(xApiKey("/v1/models", "test-key-3")).isEqualTo(401);
        assertThat(rawGet("/actuator/health/../../v1/models")).as("a public prefix does not open other paths")
                .doesNotContain("test-model");

        // Questions
        assertProblem(api.post("/v1/query", "{\"question\": \"q\""), 400, "invalid-json",
                "request body is not valid JSON: Unexpected end-of-input");
        assertProblem(api.post("/v1/query", "{\"question\": \"q\", \"k\": \"six\"}"), 400, "invalid-json",
                "field 'k' must be an integer");
        assertProblem(api.post("/v1/query", "{}"), 400, "invalid-request", "question is missing or blank");
        assertProblem(api.post("/v1/query", "{\"question\": \"  \"}"), 400, "invalid-request",
                "question is missing or blank");
        assertProblem(api.post("/v1/query", "{\"question\": \"" + "why ".repeat(501) + "\"}"), 413, "too-large",
                "question has 2003 characters; at most 2000 are allowed");
        ResponseEntity<Map<String, Object>> mode = api.post("/v1/query", "{\"question\": \"q\", \"mode\": \"turbo\"}");
        assertProblem(mode, 400, "invalid-mode", "mode 'turbo': unknown fusion mode 'turbo'");
        assertThat((String) mode.getBody().get("detail")).contains("full, prefix, naive, cacheblend, ape");
        assertProblem(api.post("/v1/query", "{\"question\": \"q\", \"k\": 0}"), 400, "invalid-request",
                "k must be between 1 and 32, got 0");
        assertProblem(api.post("/v1/query", "{\"question\": \"q\", \"documentIds\": [\"ghost\", \"phantom\"]}"), 404,
                "unknown-document", "documentIds name 2 documents the index does not hold (never ingested, deleted,"
                        + " or not chunked yet): ghost, phantom");
        assertProblem(api.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"system\", \"content\": \"x\"}]}"),
                400, "invalid-request", "messages has no message with role 'user'");
        assertProblem(api.post("/v1/chat/completions", "{\"model\": \"gpt-4o\", \"messages\": []}"), 404,
                "unknown-model", "model 'gpt-4o' is not served here; this gateway serves 'test-model'");
        assertProblem(api.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], "
                + "\"n\": 2}"), 400, "invalid-request", "n must be 1, got 2");
        assertProblem(api.get("/v1/models/{id}", "gpt-4o"), 404, "unknown-model", "model 'gpt-4o' is not served");

        // Documents
        assertProblem(api.get("/v1/documents/{id}", "ghost"), 404, "unknown-document", "document 'ghost' is not known");
        assertProblem(api.delete("/v1/documents/{id}", "ghost"), 404, "unknown-document", "document 'ghost'");
        assertProblem(api.get("/v1/documents/{id}", "bad id"), 400, "invalid-request", "document id 'bad id' is invalid");
        assertProblem(api.post("/v1/documents", "{\"documents\": [{\"text\": \"" + "x".repeat(600_000) + "\"}]}"),
                413, "too-large", "has 600000 bytes of text; at most 524288 are allowed");
        assertProblem(api.post("/v1/documents", "{\"documents\": [{\"id\": \"e\", \"text\": \" \"}]}"), 422,
                "invalid-document", "documents[0] ('e') has no text");
        assertProblem(api.post("/v1/documents", "{\"documents\": [{\"id\": \"a b\", \"text\": \"t\"}]}"), 422,
                "invalid-document", "documents[0]: document id 'a b' is invalid");
        assertProblem(api.post("/v1/documents", "{\"documents\": " + "[{\"text\": \"t\"}".repeat(1)
                + ",{\"text\": \"t\"}".repeat(100) + "]}"), 413, "too-large", "101 documents in one request");
        assertProblem(api.post("/v1/documents", "{\"docs\": []}"), 400, "invalid-request",
                "documents is missing or empty");
        assertProblem(api.post("/v1/documents", "[1, 2]"), 400, "invalid-json", "request body does not fit");
        assertProblem(api.post("/v1/documents", "{\"documents\": [{\"text\": \"t\"}], \"x\": " + "1".repeat(1_100_000)
                + "}"), 413, "too-large", "the request body is larger than 1048576 bytes");
        assertThat(chunkedPost("/v1/documents", 1_200_000)).contains("\"status\":413")
                .contains("the request body is larger than 1048576 bytes");

        // The framework's own refusals are problems too
        assertThat(api.post("/v1/query", MediaType.APPLICATION_XML, "<q/>").getStatusCode().value()).isEqualTo(415);
        assertThat(api.post("/v1/query", MediaType.APPLICATION_XML, "<q/>").getHeaders().getContentType())
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(api.get("/v1/nothing-here").getStatusCode().value()).isEqualTo(404);
        assertThat(api.get("/v1/nothing-here").getHeaders().getContentType())
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

        // Nothing accepted before is lost, and the gateway still answers.
        assertThat(api.get("/v1/documents/{id}", "kept-1").getBody()).containsEntry("status", "pending");
        assertThat(api.post("/v1/query", "{\"question\": \"Who owns nago-feed?\"}").getStatusCode().value())
                .isEqualTo(200);

        assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain(" ERROR ");
    }

    @Test
    void anEmptyIndexIsA422AndAnUnreachableRetrievalA503WithRetryAfter(CapturedOutput output) {
        GatewayClient api = client();
        RETRIEVAL.empty.set(true);
        try {
            assertProblem(api.post("/v1/query", "{\"question\": \"anything\"}"), 422, "no-sources",
                    "retrieval found no chunk for this question");
        } finally {
            RETRIEVAL.empty.set(false);
        }
        RETRIEVAL.failing.set(true);
        int before = RETRIEVAL.searches.get();
        try {
            ResponseEntity<Map<String, Object>> r = api.post("/v1/query", "{\"question\": \"anything\"}");
            assertProblem(r, 503, "retrieval-unavailable", "the retrieval service at " + RETRIEVAL.baseUrl()
                    + " answered 500");
            assertThat(r.getHeaders().getFirst("Retry-After")).isEqualTo("2");
            assertThat(RETRIEVAL.searches.get() - before).as("attempts, with retries").isEqualTo(3);
        } finally {
            RETRIEVAL.failing.set(false);
        }
        assertThat(api.post("/v1/query", "{\"question\": \"anything\"}").getStatusCode().value()).isEqualTo(200);
        assertThat(output.getAll()).doesNotContain("\tat ");
    }

    private static void assertProblem(ResponseEntity<Map<String, Object>> r, int status, String type, String detail) {
        assertThat(r.getStatusCode().value()).as("status of %s", r.getBody()).isEqualTo(status);
        assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(r.getBody()).containsEntry("status", status).containsEntry("type", "urn:kvrag:problem:" + type);
        assertThat((String) r.getBody().get("detail")).contains(detail);
    }

    private int xApiKey(String path, String key) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    /** GET of a path exactly as written (no client-side normalization), without a key. */
    private String rawGet(String path) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A body of {@code size} bytes without Content-Length (chunked), so only counting can stop it. */
    private String chunkedPost(String path, int size) throws IOException, InterruptedException {
        byte[] body = ("{\"documents\": [{\"text\": \"" + "y".repeat(size) + "\"}]}").getBytes();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
