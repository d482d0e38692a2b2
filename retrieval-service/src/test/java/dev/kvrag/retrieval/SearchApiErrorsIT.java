package dev.kvrag.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** Bad requests get a precise RFC 9457 problem, and the service logs no stack trace for them. */
@ExtendWith(OutputCaptureExtension.class)
class SearchApiErrorsIT extends RealInfraSpringTest {

    @LocalServerPort
    int port;

    @Test
    void badSearchRequestsAreAnsweredWithAPreciseProblem(CapturedOutput output) {
        assertProblem(post("{\"query\": \"ferry\", \"k\": 3"), 400,
                "request body is not valid JSON: Unexpected end-of-input");
        assertProblem(post("not json"), 400, "request body is not valid JSON: Unrecognized token 'not'");
        assertProblem(post(""), 400, "request body is missing or unreadable; send a JSON object");
        assertProblem(post("{}"), 400, "query is missing or blank");
        assertProblem(post("{\"query\": \"   \"}"), 400, "query is missing or blank");
        assertProblem(post("{\"query\": \"" + "a".repeat(2001) + "\"}"), 400,
                "query has 2001 characters; at most 2000 are allowed");
        assertProblem(post("{\"query\": \"ferry\", \"k\": 0}"), 400, "k must be between 1 and 100, got 0");
        assertProblem(post("{\"query\": \"ferry\", \"k\": 101}"), 400, "k must be between 1 and 100, got 101");
        assertProblem(post("{\"query\": \"ferry\", \"k\": \"ten\"}"), 400, "field 'k' must be an integer");
        assertProblem(post("{\"query\": \"ferry\", \"documentIds\": \"d1\"}"), 400,
                "field 'documentIds' must be an array");
        assertProblem(post("{\"query\": \"ferry\", \"mode\": \"fuzzy\"}"), 400,
                "unknown search mode 'fuzzy'; expected one of hybrid, bm25, vector");
        assertProblem(post("{\"query\": \"ferry\", \"documentIds\": [\"ok\", \"a b\"]}"), 400,
                "documentIds: document id 'a b' is invalid");
        assertProblem(get("/internal/documents/{id}", "never-ingested"), 404,
                "document 'never-ingested' has no chunks in the index");
        assertProblem(get("/internal/documents/{id}", "bad id"), 400, "document id: document id 'bad id' is invalid");

        ResponseEntity<Map<String, Object>> wrongType = RestClient.create("http://127.0.0.1:" + port).post()
                .uri("/internal/search").contentType(MediaType.TEXT_PLAIN).body("ferry").retrieve()
                .onStatus(s -> true, (q, r) -> { }).toEntity(new ParameterizedTypeReference<>() { });
        assertThat(wrongType.getStatusCode().value()).isEqualTo(415);
        assertThat(wrongType.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

        assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    @Test
    void aGoodRequestWithDefaultsIsAnswered() {
        ResponseEntity<Map<String, Object>> ok = post("{\"query\": \"anything at all\"}");
        assertThat(ok.getStatusCode().value()).isEqualTo(200);
        assertThat(ok.getBody()).containsKeys("hits", "tookMs");
    }

    private void assertProblem(ResponseEntity<Map<String, Object>> response, int status, String detail) {
        assertThat(response.getStatusCode().value()).as("status of %s", response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody()).containsEntry("status", status);
        assertThat(response.getBody().get("detail").toString()).startsWith(detail);
    }

    private ResponseEntity<Map<String, Object>> post(String json) {
        return RestClient.create("http://127.0.0.1:" + port).post().uri("/internal/search")
                .contentType(MediaType.APPLICATION_JSON).body(json).retrieve()
                .onStatus(s -> true, (q, r) -> { }).toEntity(new ParameterizedTypeReference<>() { });
    }

    private ResponseEntity<Map<String, Object>> get(String template, Object... variables) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(template, variables).retrieve()
                .onStatus(s -> true, (q, r) -> { }).toEntity(new ParameterizedTypeReference<>() { });
    }
}
