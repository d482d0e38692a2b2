package dev.kvrag.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the test asks of the running platform, over HTTP as any client would: the gateway's API and the cache admin. */
final class PlatformClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String gateway;
    private final String cache;
    private final String apiKey;

    PlatformClient(String gateway, String cache, String apiKey) {
        this.gateway = gateway;
        this.cache = cache;
        this.apiKey = apiKey;
    }

    /** {@code POST /v1/documents} with a body as `./kvrag up` posts it. */
    JsonNode postDocuments(String body) {
        return expect(202, send(authorized(gateway + "/v1/documents").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    /** {@code GET /v1/documents/{id}}: its status and, once indexed, its chunk ids. */
    JsonNode document(String id) {
        return expect(200, send(authorized(gateway + "/v1/documents/" + encode(id)).GET()));
    }

    /** {@code POST /v1/query} over everything ingested. */
    JsonNode query(String question, int maxTokens) {
        String body = json.writeValueAsString(json.createObjectNode().put("question", question)
                .put("maxTokens", maxTokens));
        return expect(200, send(authorized(gateway + "/v1/query").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(120))));
    }

    /** The cache-service's {@code DELETE /v1/cache/documents/{id}}: the document's KV out of every tier. */
    JsonNode deleteCachedKv(String documentId) {
        return expect(200, send(HttpRequest.newBuilder(URI.create(cache + "/v1/cache/documents/" + encode(documentId)))
                .DELETE()));
    }

    /** The workers whose local tier holds the entry, as the cache-service follows them. */
    List<String> holders(String modelId, String chunkKey) {
        JsonNode answer = expect(200, send(HttpRequest.newBuilder(URI.create(cache + "/v1/cache/residency/"
                + encode(modelId) + "/" + encode(chunkKey))).GET()));
        return answer.get("workers").valueStream().map(JsonNode::asString).toList();
    }

    /**
     * One sample of a service's {@code /actuator/prometheus} (with the API key, which only the gateway asks for), by
     * its exact name and labels as exposed, e.g. {@code kvrag_cache_hits_total{tier="local"}}.
     */
    double metric(String serviceUrl, String series) {
        HttpResponse<String> scrape = send(authorized(serviceUrl + "/actuator/prometheus").GET());
        if (scrape.statusCode() != 200) {
            throw new AssertionError(serviceUrl + "/actuator/prometheus answered " + scrape.statusCode());
        }
        return scrape.body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
                .orElseThrow(() -> new AssertionError(serviceUrl + "/actuator/prometheus has no series " + series));
    }

    private HttpRequest.Builder authorized(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey)
                .timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(r.method() + " " + r.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + r.method() + " " + r.uri(), e);
        }
    }

    private JsonNode expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new AssertionError(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ", expected " + status + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
