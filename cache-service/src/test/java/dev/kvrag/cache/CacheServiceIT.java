package dev.kvrag.cache;

import static dev.kvrag.cache.TestBlobs.blob;
import static dev.kvrag.cache.TestBlobs.id;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.KvRemovalReason;
import dev.kvrag.common.events.Topics;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.events.KvEventJson;
import dev.kvrag.kvstore.events.KvEventSource;
import dev.kvrag.kvstore.local.LocalKvTier;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.kvstore.tiered.TieredChunkKvStore;
import dev.kvrag.testsupport.RealInfra;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/**
 * The cache-service on real Redis and Kafka, with workers as the inference-service runs them: tiered stores on the
 * same Redis whose kv-events go to the real topic.
 */
class CacheServiceIT extends RealInfraSpringTest {

    private static final int BLOB = blob(0).length;
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private static RedisClient redisClient;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void connect() {
        redisClient = RedisClient.create(RealInfra.redisUrl());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.kafkaBootstrap()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void disconnect() {
        producer.close();
        redisClient.shutdown();
    }

    /** An inference worker's store: local tier in front of the service's Redis, kv-events to the real topic. */
    private static TieredChunkKvStore worker(String workerId) {
        return new TieredChunkKvStore(new LocalKvTier(8L * BLOB), RedisChunkKvStore.connect(redisClient, NAMESPACE),
                new KvEventSource(workerId),
                e -> producer.send(new ProducerRecord<>(Topics.KV_EVENTS, e.key(), KvEventJson.encode(e))),
                Duration.ofHours(1));
    }

    private RestClient http() {
        return RestClient.create("http://127.0.0.1:" + port);
    }

    private ResponseEntity<Map<String, Object>> put(ChunkKvId id, byte[] blob, String query) {
        return http().put().uri("/v1/cache/entries/" + id.modelId() + "/" + id.chunkKey().hex() + "/blob" + query)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(blob).retrieve()
                .onStatus(s -> true, (q, r) -> { }).toEntity(JSON);
    }

    private ResponseEntity<Map<String, Object>> send(String method, String path) {
        return http().method(org.springframework.http.HttpMethod.valueOf(method)).uri(path).retrieve()
                .onStatus(s -> true, (q, r) -> { }).toEntity(JSON);
    }

    private Map<String, Object> stats() {
        return send("GET", "/v1/cache/stats").getBody();
    }

    @SuppressWarnings("unchecked")
    private static long tierStat(Map<String, Object> stats, String tier, String field) {
        return ((Number) ((Map<String, Object>) ((Map<String, Object>) stats.get("tiers")).get(tier)).get(field))
                .longValue();
    }

    private static long stat(Map<String, Object> stats, String field) {
        return ((Number) stats.get(field)).longValue();
    }

    private static <T> T eventually(Supplier<T> read, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            value = read.get();
        }
        return value;
    }

    @Test
    void aBlobPutOverRestComesBackByteForByteWithItsMetadataAndIsAnnounced() {
        ChunkKvId id = id(1);
        try (KvEventsTap tap = new KvEventsTap()) {
            ResponseEntity<Map<String, Object>> created = put(id, blob(1), "?documentId=doc-rest");
            assertThat(created.getStatusCode().value()).isEqualTo(201);
            assertThat(created.getBody()).containsEntry("tokens", TestBlobs.TOKENS)
                    .containsEntry("replaced", false).containsEntry("documentIds", List.of("doc-rest"));

            byte[] back = http().get().uri("/v1/cache/entries/{m}/{k}/blob", id.modelId(), id.chunkKey().hex())
                    .accept(MediaType.APPLICATION_OCTET_STREAM).retrieve().body(byte[].class);
            assertThat(back).isEqualTo(blob(1));

            Map<String, Object> entry = send("GET", "/v1/cache/entries/" + id.modelId() + "/" + id.chunkKey().hex())
                    .getBody();
            assertThat(entry).containsEntry("bytes", BLOB).containsEntry("tokens", TestBlobs.TOKENS)
                    .containsEntry("documentIds", List.of("doc-rest")).containsEntry("segment", "probation")
                    .containsEntry("hits", 0).containsEntry("heldByWorkers", List.of());
            assertThat((String) entry.get("created")).as("ISO-8601").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            assertThat(put(id, blob(1), "?documentId=doc-other").getStatusCode().value())
                    .as("a second put replaces").isEqualTo(200);

            List<KvEvent> stored = tap.await(2, e -> e.type() == KvEventType.STORED
                    && e.chunkKey().equals(id.chunkKey().hex()));
            assertThat(stored).hasSize(2);
            assertThat(stored.getFirst().source()).isEqualTo("cache-service-it");
            assertThat(stored.getFirst().bytes()).isEqualTo(BLOB);
            assertThat(stored.getLast().documentIds()).containsExactly("doc-rest", "doc-other");
        }
    }

    @Test
    void pastTheBudgetTheLeastRecentlyUsedChunkIsEvictedAndTheEvictionAnnounced() {
        int fit = (int) (16 * 1024 / BLOB);
        try (KvEventsTap tap = new KvEventsTap()) {
            for (int n = 100; n < 100 + fit; n++) {
                assertThat(put(id(n), blob(n), "?documentId=flood").getStatusCode().value()).isIn(200, 201);
            }
            ResponseEntity<Map<String, Object>> over = put(id(100 + fit), blob(100 + fit), "?documentId=flood");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> evicted = (List<Map<String, Object>>) over.getBody().get("evicted");
            assertThat(evicted).extracting(e -> e.get("chunkKey")).contains(id(100).chunkKey().hex());
            assertThat(evicted).allSatisfy(e -> assertThat(e).containsEntry("reason", "budget"));
            assertThat(tierStat(stats(), "redis", "bytes")).isLessThanOrEqualTo(16 * 1024);

            List<KvEvent> announced = tap.await(1, e -> e.type() == KvEventType.EVICTED
                    && e.chunkKey().equals(id(100).chunkKey().hex()));
            assertThat(announced).hasSize(1);
            assertThat(announced.getFirst().reason()).isEqualTo(KvRemovalReason.BUDGET);
        }
    }

    @Test
    void workersLookupsAreCountedPerTierInTokensInStatsAndPrometheus() throws Exception {
        Map<String, Object> before = stats();
        try (TieredChunkKvStore a = worker("worker-a"); TieredChunkKvStore b = worker("worker-b")) {
            a.put(id(200), blob(200), List.of("doc-stats"));
            assertThat(b.lookup(id(200), TestBlobs.TOKENS).hit().tier().wireName()).isEqualTo("redis");
            assertThat(b.lookup(id(200), TestBlobs.TOKENS).hit().tier().wireName()).isEqualTo("local");
            assertThat(b.lookup(id(201), 40).isHit()).isFalse();
            b.flushCounters().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        Map<String, Object> after = stats();
        assertThat(stat(after, "lookups") - stat(before, "lookups")).isEqualTo(3);
        assertThat(stat(after, "lookupTokens") - stat(before, "lookupTokens")).isEqualTo(2L * TestBlobs.TOKENS + 40);
        assertThat(tierStat(after, "redis", "hits") - tierStat(before, "redis", "hits")).isEqualTo(1);
        assertThat(tierStat(after, "local", "hits") - tierStat(before, "local", "hits")).isEqualTo(1);
        assertThat(tierStat(after, "local", "hitTokens") - tierStat(before, "local", "hitTokens"))
                .isEqualTo(TestBlobs.TOKENS);
        assertThat(stat(after, "misses") - stat(before, "misses")).isEqualTo(1);
        assertThat(stat(after, "missTokens") - stat(before, "missTokens")).isEqualTo(40);
        @SuppressWarnings("unchecked")
        Map<String, Object> hitRate = (Map<String, Object>) after.get("hitRate");
        assertThat(((Number) hitRate.get("tokens")).doubleValue())
                .isEqualTo((double) stat(after, "hitTokens") / stat(after, "lookupTokens"));

        String expected = "kvrag_cache_hits_total{tier=\"local\"} " + (double) tierStat(after, "local", "hits");
        String scrape = eventually(this::prometheus, s -> s.contains(expected));
        assertThat(scrape).contains(expected);
        assertThat(scrape).contains("kvrag_cache_lookup_tokens_total " + (double) stat(after, "lookupTokens"));
    }

    @Test
    void everyCacheSeriesIsExportedWithItsLabels() {
        String scrape = prometheus();
        for (String series : List.of("kvrag_cache_hits_total{tier=\"local\"}", "kvrag_cache_hits_total{tier=\"redis\"}",
                "kvrag_cache_misses_total ", "kvrag_cache_lookups_total ", "kvrag_cache_lookup_tokens_total ",
                "kvrag_cache_hit_tokens_total{tier=\"local\"}", "kvrag_cache_hit_tokens_total{tier=\"redis\"}",
                "kvrag_cache_miss_tokens_total ", "kvrag_kv_bytes{tier=\"local\"}", "kvrag_kv_bytes{tier=\"redis\"}",
                "kvrag_kv_entries{tier=\"redis\"}", "kvrag_kv_budget_bytes ", "kvrag_kv_bytes_read_total{tier=\"redis\"}",
                "kvrag_kv_bytes_written_total ", "kvrag_cache_corrupt_total ",
                "kvrag_cache_evictions_total{reason=\"budget\"}", "kvrag_cache_evictions_total{reason=\"ttl\"}",
                "kvrag_cache_evictions_total{reason=\"document-deleted\"}",
                "kvrag_cache_evictions_total{reason=\"corrupt\"}", "kvrag_cache_evictions_total{reason=\"explicit\"}")) {
            assertThat(scrape).as(series).contains(series);
        }
        assertThat(scrape).contains("kvrag_kv_budget_bytes " + 16 * 1024.0);
    }

    @Test
    void deletingADocumentClearsRedisAndEveryWorkersLocalCopy() throws Exception {
        try (KvEventsTap tap = new KvEventsTap(); TieredChunkKvStore w = worker("worker-c")) {
            w.put(id(300), blob(300), List.of("doc-del"));
            w.put(id(301), blob(301), List.of("doc-keep"));
            Map<String, Object> holders = eventually(
                    () -> send("GET", "/v1/cache/residency/" + TestBlobs.MODEL + "/" + id(300).chunkKey().hex())
                            .getBody(), h -> !((List<?>) h.get("workers")).isEmpty());
            assertThat(holders.get("workers")).isEqualTo(List.of("worker-c"));

            ResponseEntity<Map<String, Object>> deleted = send("DELETE", "/v1/cache/documents/doc-del");
            assertThat(deleted.getStatusCode().value()).isEqualTo(200);
            assertThat(deleted.getBody()).containsEntry("entries", 1).containsEntry("bytes", BLOB);
            assertThat(send("GET", "/v1/cache/entries/" + TestBlobs.MODEL + "/" + id(300).chunkKey().hex())
                    .getStatusCode().value()).isEqualTo(404);

            List<KvEvent> removed = tap.await(2, e -> e.type() == KvEventType.REMOVED
                    && e.documentIds().contains("doc-del"));
            assertThat(removed).hasSize(2);
            assertThat(removed).anyMatch(KvEvent::isDocumentWide);
            // The worker follows the topic: its local copy goes too, and the service sees it go.
            removed.forEach(w::apply);
            assertThat(w.lookup(id(300), TestBlobs.TOKENS).isHit()).isFalse();
            assertThat(w.lookup(id(301), TestBlobs.TOKENS).hit().tier().wireName()).isEqualTo("local");
            Map<String, Object> after = eventually(
                    () -> send("GET", "/v1/cache/residency/" + TestBlobs.MODEL + "/" + id(300).chunkKey().hex())
                            .getBody(), h -> ((List<?>) h.get("workers")).isEmpty());
            assertThat(after.get("workers")).isEqualTo(List.of());

            assertThat(send("DELETE", "/v1/cache/documents/doc-del").getBody()).containsEntry("entries", 0);
            assertThat(tap.await(2, KvEvent::isDocumentWide)).as("a repeat re-announces").hasSize(2);
        }
    }

    @Test
    void badRequestsGetAPreciseProblemAndLoseNothingStored() {
        ChunkKvId kept = id(400);
        assertThat(put(kept, blob(400), "?documentId=doc-kept").getStatusCode().value()).isEqualTo(201);
        String base = "/v1/cache/entries/" + TestBlobs.MODEL + "/";

        assertProblem(http().put().uri(base + "xyz/blob?documentId=d").contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(blob(1)), 400, "invalid-chunk-id", "64 lowercase hex digits");
        assertProblem(http().put().uri("/v1/cache/entries/{m}/{k}/blob?documentId=d", "bad model", kept.chunkKey().hex())
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(blob(1)), 400, "invalid-chunk-id",
                "invalid model id");
        byte[] damaged = blob(401);
        damaged[damaged.length / 2] ^= 0x40;
        assertProblem(http().put().uri(base + id(401).chunkKey().hex() + "/blob?documentId=d")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(damaged), 422, "invalid-blob", "CRC32C");
        assertProblem(http().put().uri(base + id(402).chunkKey().hex() + "/blob?documentId=d")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(blob(401)), 422, "invalid-blob", "filed under");
        assertProblem(http().put().uri(base + id(403).chunkKey().hex() + "/blob?documentId=d")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(new byte[10 * 1024]), 413, "blob-too-large",
                "8192 bytes");
        assertProblem(http().put().uri(base + id(403).chunkKey().hex() + "/blob?documentId={d}", "two words")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(blob(403)), 400, "invalid-document-id",
                "no spaces");
        assertProblem(http().put().uri(base + id(403).chunkKey().hex() + "/blob")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(blob(403)), 400, null, "documentId");
        assertProblem(http().put().uri(base + id(403).chunkKey().hex() + "/blob?documentId=d")
                .contentType(MediaType.TEXT_PLAIN).body("not a blob"), 415, null, null);
        assertProblem(http().get().uri(base + id(404).chunkKey().hex()), 404, "entry-not-found", id(404).member());
        assertProblem(http().get().uri(base + id(404).chunkKey().hex() + "/blob"), 404, "entry-not-found",
                id(404).member());
        assertProblem(http().delete().uri(base + id(404).chunkKey().hex()), 404, "entry-not-found", null);
        assertProblem(http().delete().uri("/v1/cache/documents/{d}", "two words"), 400, "invalid-document-id", null);

        Map<String, Object> entry = send("GET", base + kept.chunkKey().hex()).getBody();
        assertThat(entry).containsEntry("documentIds", List.of("doc-kept"));
        assertThat(http().get().uri(base + kept.chunkKey().hex() + "/blob").retrieve().body(byte[].class))
                .isEqualTo(blob(400));
    }

    private static void assertProblem(RestClient.RequestHeadersSpec<?> request, int status, String type,
                                      String detailPart) {
        ResponseEntity<Map<String, Object>> r = request.retrieve().onStatus(s -> true, (q, x) -> { }).toEntity(JSON);
        assertThat(r.getStatusCode().value()).as("status").isEqualTo(status);
        assertThat(r.getHeaders().getContentType()).as("content type")
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(r.getBody()).containsEntry("status", status);
        if (type != null) {
            assertThat(r.getBody()).containsEntry("type", "urn:kvrag:problem:" + type);
        }
        if (detailPart != null) {
            assertThat((String) r.getBody().get("detail")).contains(detailPart);
        }
    }

    private String prometheus() {
        return http().get().uri("/actuator/prometheus").retrieve().body(String.class);
    }
}
