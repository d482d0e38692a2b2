package dev.kvrag.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The retrieval-service's internal HTTP API ({@code POST /internal/search}, {@code GET /internal/documents/{id}}) as
 * a real local HTTP server over a fixed corpus, ranking chunks by the words they share with the query. Tests can
 * make it fail (500) or look empty.
 */
public final class RetrievalStub implements AutoCloseable {

    /** One chunk of the fixed corpus; token ids are made up but distinct per chunk. */
    public record Chunk(String documentId, int ordinal, String text, int[] tokenIds) {
        public String chunkId() {
            return documentId + "#" + ordinal;
        }
    }

    public static final List<Chunk> CORPUS = List.of(
            new Chunk("d1", 0, "Nago-feed is the feed service of the platform.", new int[] {101, 102, 103, 104}),
            new Chunk("d1", 1, "It is owned by the Oslo team since 2019.", new int[] {111, 112, 113}),
            new Chunk("d7", 0, "The Oslo team also runs the billing service.", new int[] {121, 122}),
            new Chunk("d7", 1, "Billing moved to Bergen in 2021.", new int[] {131, 132, 133, 134, 135}));

    public final AtomicBoolean failing = new AtomicBoolean();
    public final AtomicBoolean empty = new AtomicBoolean();
    public final AtomicInteger searches = new AtomicInteger();
    public final List<JsonNode> searchBodies = new CopyOnWriteArrayList<>();

    private final HttpServer server;
    private final JsonMapper json = JsonMapper.builder().build();

    private RetrievalStub(HttpServer server) {
        this.server = server;
    }

    public static RetrievalStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            RetrievalStub stub = new RetrievalStub(server);
            server.createContext("/internal/search", stub::search);
            server.createContext("/internal/documents/", stub::document);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the retrieval stub", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public static Set<String> documentIds() {
        Set<String> ids = new HashSet<>();
        CORPUS.forEach(c -> ids.add(c.documentId()));
        return ids;
    }

    private void search(HttpExchange exchange) throws IOException {
        searches.incrementAndGet();
        if (failing.get()) {
            send(exchange, 500, "{\"status\":500,\"title\":\"Internal error\"}");
            return;
        }
        JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
        searchBodies.add(body);
        Set<String> words = words(body.get("query").asString());
        Set<String> only = new HashSet<>();
        if (body.has("documentIds") && body.get("documentIds").isArray()) {
            body.get("documentIds").forEach(id -> only.add(id.asString()));
        }
        int k = body.get("k").asInt();
        List<Map<String, Object>> hits = new ArrayList<>();
        if (!empty.get()) {
            CORPUS.stream().filter(c -> only.isEmpty() || only.contains(c.documentId()))
                    .sorted(Comparator.comparingDouble((Chunk c) -> -score(words, c)).thenComparing(Chunk::chunkId))
                    .limit(k).forEach(c -> {
                        Map<String, Object> hit = new LinkedHashMap<>();
                        hit.put("chunkId", c.chunkId());
                        hit.put("documentId", c.documentId());
                        hit.put("ordinal", c.ordinal());
                        hit.put("score", score(words, c));
                        hit.put("text", c.text());
                        hit.put("tokenIds", c.tokenIds());
                        hits.add(hit);
                    });
        }
        send(exchange, 200, json.writeValueAsString(Map.of("hits", hits, "tookMs", 0.4)));
    }

    private void document(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/internal/documents/".length());
        List<String> chunks = CORPUS.stream().filter(c -> c.documentId().equals(id)).map(Chunk::chunkId).toList();
        if (chunks.isEmpty()) {
            send(exchange, 404, "{\"status\":404,\"title\":\"Unknown document\",\"detail\":\"document '" + id
                    + "' has no chunks in the index\"}");
            return;
        }
        send(exchange, 200, json.writeValueAsString(Map.of("documentId", id, "chunkCount", chunks.size(),
                "chunkIds", chunks)));
    }

    private static double score(Set<String> query, Chunk c) {
        Set<String> shared = words(c.text());
        shared.retainAll(query);
        return shared.size() + 1.0 / (10 + c.ordinal());
    }

    private static Set<String> words(String text) {
        return new HashSet<>(Arrays.asList(text.toLowerCase(Locale.ROOT).split("[^a-z0-9-]+")));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json"
                : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
