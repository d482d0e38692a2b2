package dev.kvrag.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.gateway.GatewaySpringTest;
import dev.kvrag.gateway.testing.ContractWorker;
import dev.kvrag.gateway.testing.GatewayClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Questions answered end to end through real Kafka and Redis: JSON, SSE, and the OpenAI-compatible surface. */
class QueryApiIT extends GatewaySpringTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ANSWER = String.join("", ContractWorker.TOKENS);

    @Test
    void aQueryIsAnsweredWithItsSourcesTimingsAndCacheReport() {
        ResponseEntity<Map<String, Object>> r = client().post("/v1/query",
                "{\"question\": \"Which team owns nago-feed?\", \"k\": 3, \"mode\": \"cacheblend:ratio=0.2\"}");
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(200);
        Map<String, Object> body = r.getBody();
        assertThat(body).containsEntry("answer", ANSWER).containsEntry("mode", "cacheblend:ratio=0.2")
                .containsEntry("finishReason", "eos");
        List<Map<String, Object>> sources = list(body.get("sources"));
        assertThat(sources).hasSize(3);
        assertThat(sources.getFirst()).containsEntry("chunkId", "d1#0").containsEntry("documentId", "d1")
                .containsKeys("snippet", "score");
        assertThat((String) sources.getFirst().get("snippet")).startsWith("Nago-feed is the feed service");
        assertThat(map(body.get("timings"))).containsKeys("retrievalMs", "queueMs", "kvLoadMs", "recomputeMs",
                "ttftMs", "decodeMs", "firstTokenMs", "totalMs", "overheadMs");
        assertThat(map(body.get("cache"))).containsKeys("hitsByTier", "misses", "recomputeFraction");

        // What the worker received: the contract, exactly.
        ContractWorker.Received received = worker().request((String) body.get("requestId"));
        assertThat(received.request().chunkIds()).containsExactlyElementsOf(
                sources.stream().map(s -> (String) s.get("chunkId")).toList());
        assertThat(received.request().chunkTokenIds()[0]).containsExactly(101, 102, 103, 104);
        assertThat(received.request().modelId()).isEqualTo("test-model");
        assertThat(received.request().tokenizerId()).isEqualTo(TokenizerId.of(MODEL_DIR));
        assertThat(received.request().question()).isEqualTo("Which team owns nago-feed?");
        assertThat(received.request().maxTokens()).isEqualTo(64);
        assertThat(received.key()).isEqualTo(received.request().affinityKey()).isEqualTo("d1#0");
        assertThat(RETRIEVAL.searchBodies.getLast().get("k").asInt()).isEqualTo(3);
    }

    @Test
    void theSameQuestionAgainReportsCacheHitsAndAShorterEngineTtft() {
        String q = "{\"question\": \"When did billing move to Bergen?\", \"k\": 2, \"documentIds\": [\"d7\"],"
                + " \"mode\": \"naive\"}";
        Map<String, Object> first = client().post("/v1/query", q).getBody();
        Map<String, Object> second = client().post("/v1/query", q).getBody();
        assertThat(map(first.get("cache"))).containsEntry("misses", 2);
        assertThat(map(map(second.get("cache")).get("hitsByTier"))).containsEntry("local", 2);
        assertThat(map(second.get("cache"))).containsEntry("misses", 0);
        assertThat(((Number) map(second.get("timings")).get("ttftMs")).doubleValue())
                .isLessThan(((Number) map(first.get("timings")).get("ttftMs")).doubleValue());
        assertThat(map(second.get("usage"))).containsEntry("cachedTokens", 7);
        assertThat(list(second.get("sources"))).extracting(s -> s.get("documentId")).containsOnly("d7");
    }

    @Test
    void aStreamedQuerySendsEveryTokenInOrderThenTheSummary() {
        GatewayClient.Stream s = client().stream("/v1/query",
                "{\"question\": \"Who runs billing?\", \"stream\": true}");
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.contentType()).startsWith("text/event-stream");
        List<GatewayClient.Event> events = s.events();
        assertThat(events).hasSize(ContractWorker.TOKENS.size() + 1);
        for (int i = 0; i < ContractWorker.TOKENS.size(); i++) {
            assertThat(events.get(i).name()).isEqualTo("token");
            JsonNode token = JSON.readTree(events.get(i).data());
            assertThat(token.get("index").asInt()).isEqualTo(i);
            assertThat(token.get("text").asString()).isEqualTo(ContractWorker.TOKENS.get(i));
        }
        GatewayClient.Event summary = events.getLast();
        assertThat(summary.name()).isEqualTo("summary");
        JsonNode body = JSON.readTree(summary.data());
        assertThat(body.get("answer").asString()).isEqualTo(ANSWER);
        assertThat(body.get("sources").size()).isEqualTo(4);
        assertThat(body.get("timings").get("firstTokenMs").asDouble())
                .isLessThanOrEqualTo(body.get("timings").get("totalMs").asDouble());
    }

    @Test
    void aStreamedAnswerWhoseWorkerDiedRestartsWithAnEventThatVoidsTheTokensSent() {
        GatewayClient.Stream s = client().stream("/v1/query",
                "{\"question\": \"What if the worker dies mid-answer?\", \"stream\": true}");
        assertThat(s.status()).isEqualTo(200);
        List<GatewayClient.Event> events = s.events();
        int dead = ContractWorker.DEAD_TOKENS;
        assertThat(events).extracting(GatewayClient.Event::name).containsExactly("token", "token", "restart", "token",
                "token", "token", "token", "summary");
        JsonNode restart = JSON.readTree(events.get(dead).data());
        assertThat(restart.get("attempt").asInt()).isEqualTo(2);
        assertThat(restart.get("discarded").asInt()).isEqualTo(dead);
        List<GatewayClient.Event> restarted = events.subList(dead + 1, events.size() - 1);
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < restarted.size(); i++) {
            JsonNode token = JSON.readTree(restarted.get(i).data());
            assertThat(token.get("index").asInt()).as("indexes start again at 0").isEqualTo(i);
            shown.append(token.get("text").asString());
        }
        assertThat(shown).hasToString(ANSWER);
        assertThat(JSON.readTree(events.getLast().data()).get("answer").asString()).isEqualTo(ANSWER);
    }

    @Test
    void aStreamedChatWhoseWorkerDiedSaysSoInAKvragRestartChunk() {
        GatewayClient.Stream s = client().stream("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\","
                + " \"content\": \"What if the worker dies?\"}], \"stream\": true}");
        List<GatewayClient.Event> events = s.events();
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> JSON.readTree(e.data()))
                .toList();
        JsonNode restart = chunks.get(1 + ContractWorker.DEAD_TOKENS);
        assertThat(restart.get("choices").isEmpty()).isTrue();
        assertThat(restart.get("kvrag_restart").get("attempt").asInt()).isEqualTo(2);
        assertThat(restart.get("kvrag_restart").get("discarded").asInt()).isEqualTo(ContractWorker.DEAD_TOKENS);
        StringBuilder content = new StringBuilder();
        for (JsonNode c : chunks.subList(2 + ContractWorker.DEAD_TOKENS, chunks.size() - 1)) {
            content.append(c.get("choices").get(0).get("delta").get("content").asString());
        }
        assertThat(content).hasToString(ANSWER);
        assertThat(chunks.getLast().get("kvrag").get("answer").asString()).isEqualTo(ANSWER);
        assertThat(chunks).filteredOn(c -> c.has("kvrag_restart")).hasSize(1);
    }

    @Test
    void aQueryWhoseWorkerDiedIsAnsweredByTheAttemptThatTookOver() {
        ResponseEntity<Map<String, Object>> r = client().post("/v1/query",
                "{\"question\": \"What if the worker dies before the end?\"}");
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(200);
        assertThat(r.getBody()).containsEntry("answer", ANSWER);
    }

    @Test
    void chatCompletionsAnswerLikeOpenAiWithCachedTokens() {
        String chat = "{\"model\": \"test-model\", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                + " {\"role\": \"user\", \"content\": \"Who owns nago-feed?\"}], \"max_tokens\": 12}";
        client().post("/v1/chat/completions", chat);
        ResponseEntity<Map<String, Object>> r = client().post("/v1/chat/completions", chat);
        assertThat(r.getStatusCode().value()).as("%s", r.getBody()).isEqualTo(200);
        Map<String, Object> body = r.getBody();
        assertThat(body).containsEntry("object", "chat.completion").containsEntry("model", "test-model");
        assertThat((String) body.get("id")).startsWith("chatcmpl-");
        Map<String, Object> choice = list(body.get("choices")).getFirst();
        assertThat(choice).containsEntry("index", 0).containsEntry("finish_reason", "stop");
        assertThat(map(choice.get("message"))).containsEntry("role", "assistant").containsEntry("content", ANSWER);
        Map<String, Object> usage = map(body.get("usage"));
        int prompt = (Integer) usage.get("prompt_tokens");
        assertThat(usage).containsEntry("completion_tokens", 4).containsEntry("total_tokens", prompt + 4);
        assertThat((Integer) map(usage.get("prompt_tokens_details")).get("cached_tokens")).isPositive();
        assertThat(map(body.get("kvrag"))).containsKeys("sources", "timings", "cache");
        String requestId = (String) map(body.get("kvrag")).get("requestId");
        assertThat(worker().request(requestId).request().maxTokens()).isEqualTo(12);
        assertThat(worker().request(requestId).request().question()).isEqualTo("Who owns nago-feed?");
    }

    @Test
    void streamedChatCompletionsEndWithUsageAndDone() {
        GatewayClient.Stream s = client().stream("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", "
                + "\"content\": [{\"type\": \"text\", \"text\": \"Where is the Oslo team?\"}]}], \"stream\": true,"
                + " \"stream_options\": {\"include_usage\": true}}");
        assertThat(s.status()).isEqualTo(200);
        List<GatewayClient.Event> events = s.events();
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> JSON.readTree(e.data()))
                .toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asString()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asString()).isEqualTo(chunks.getFirst().get("id").asString());
        });
        assertThat(chunks.getFirst().get("choices").get(0).get("delta").get("role").asString()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        for (JsonNode c : chunks.subList(1, 1 + ContractWorker.TOKENS.size())) {
            JsonNode choice = c.get("choices").get(0);
            assertThat(choice.get("finish_reason").isNull()).isTrue();
            content.append(choice.get("delta").get("content").asString());
        }
        assertThat(content).hasToString(ANSWER);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
        assertThat(finish.get("choices").get(0).get("delta").isEmpty()).isTrue();
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices").isEmpty()).isTrue();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(usage.get("usage").get("prompt_tokens_details").has("cached_tokens")).isTrue();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.has("usage")).isFalse());
    }

    @Test
    void streamedChatWithoutIncludeUsageHasNoUsageChunk() {
        GatewayClient.Stream s = client().stream("/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Billing?\"}], \"stream\": true}");
        List<GatewayClient.Event> events = s.events();
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        JsonNode last = JSON.readTree(events.get(events.size() - 2).data());
        assertThat(last.get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
        assertThat(events.subList(0, events.size() - 1)).noneMatch(e -> JSON.readTree(e.data()).has("usage"));
    }

    @Test
    void modelsListTheServedModel() {
        Map<String, Object> models = client().get("/v1/models").getBody();
        assertThat(models).containsEntry("object", "list");
        assertThat(list(models.get("data")).getFirst()).containsEntry("id", "test-model")
                .containsEntry("object", "model").containsEntry("owned_by", "kvrag");
        assertThat(client().get("/v1/models/{id}", "test-model").getBody()).containsEntry("id", "test-model");
    }

    @Test
    void aWorkersRefusalIsPassedOnWithItsStatus() {
        ResponseEntity<Map<String, Object>> r = client().post("/v1/query",
                "{\"question\": \"please refuse this one\"}");
        assertThat(r.getStatusCode().value()).isEqualTo(422);
        assertThat(r.getBody()).containsEntry("type", "urn:kvrag:problem:inference-refused")
                .containsEntry("title", "Unprocessable request");
        assertThat((String) r.getBody().get("detail")).contains("is not the served model's");
    }

    @Test
    void aQuestionNoWorkerAnswersTimesOutWith504() {
        ResponseEntity<Map<String, Object>> r = client().post("/v1/query",
                "{\"question\": \"this is never answered\"}");
        assertThat(r.getStatusCode().value()).isEqualTo(504);
        assertThat(r.getBody()).containsEntry("type", "urn:kvrag:problem:inference-timeout");
        assertThat((String) r.getBody().get("detail")).contains("before its deadline");
    }

    @Test
    void prometheusHasTtftPerModeOverheadAndCacheSeries() {
        client().post("/v1/query", "{\"question\": \"Who owns nago-feed?\", \"mode\": \"full\"}");
        ResponseEntity<String> metrics = client().getText("/actuator/prometheus");
        assertThat(metrics.getStatusCode().value()).isEqualTo(200);
        assertThat(metrics.getBody())
                .contains("kvrag_gateway_ttft_seconds_bucket{mode=\"full\"")
                .contains("kvrag_gateway_ttft_seconds_count{mode=\"ape\"}")
                .contains("kvrag_gateway_overhead_seconds_bucket")
                .contains("kvrag_gateway_cache_hits_total{tier=\"local\"}")
                .contains("kvrag_gateway_cache_hits_total{tier=\"redis\"}")
                .contains("kvrag_gateway_cache_misses_total")
                .contains("kvrag_gateway_recompute_fraction_count{mode=\"full\"}")
                .contains("http_server_requests_seconds_bucket")
                .contains("uri=\"/v1/query\"")
                .contains("resilience4j_circuitbreaker_state");
    }

    @Test
    void theOpenApiDescriptionIsServed() {
        ResponseEntity<Map<String, Object>> api = client().get("/v3/api-docs");
        assertThat(api.getStatusCode().value()).isEqualTo(200);
        assertThat(map(api.getBody().get("paths"))).containsKeys("/v1/query", "/v1/documents", "/v1/documents/{id}",
                "/v1/chat/completions", "/v1/models");
        assertThat(map(map(api.getBody().get("components")).get("securitySchemes"))).containsKeys("bearer", "apiKey");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }
}
