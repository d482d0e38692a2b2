package dev.kvrag.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.common.events.TokenizerId;
import dev.kvrag.common.events.Topics;
import dev.kvrag.engine.prompt.PromptEncoder;
import dev.kvrag.engine.prompt.PromptLayout;
import dev.kvrag.retrieval.domain.index.ChunkIndex;
import dev.kvrag.retrieval.domain.index.Retriever;
import dev.kvrag.retrieval.domain.index.SearchHit;
import dev.kvrag.retrieval.domain.index.SearchMode;
import dev.kvrag.retrieval.domain.index.SearchQuery;
import dev.kvrag.retrieval.infra.ChunkLog;
import dev.kvrag.retrieval.infra.RetrievalMetrics;
import dev.kvrag.retrieval.infra.ServedModel;
import dev.kvrag.retrieval.testing.CountingEmbedder;
import dev.kvrag.testsupport.RealInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.client.RestClient;

/**
 * Documents in, searchable chunks out, on real Kafka and Redis with the real tokenizer and embedding model: a
 * document event becomes chunk records on the log and hits in the index; BM25, vector and hybrid search find the
 * right chunks; a shorter re-ingest and a delete leave tombstones and vanish from search; a second index built
 * from the log alone ranks the same way without running the embedding model.
 */
class RetrievalFlowIT extends RealInfraSpringTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static final String FERRY = "The Fjordline ferry company was founded in Bergen in 1961. "
            + "It moved its headquarters to Oslo in 2019, after a long dispute with the harbour authority. "
            + "Today it runs twelve vessels between Norway and Denmark. "
            + "Its newest ship, the Nordlys, carries six hundred passengers and two hundred cars.";
    private static final String BAKERY = "The Crumb and Co bakery bakes sourdough bread every morning at four. "
            + "Its rye loaf won the regional baking prize in 2021. "
            + "The owner learned to bake from her grandmother in Lyon.";
    private static final String VOLCANO = "Mount Kelvar erupted in 1883, covering the valley in ash for three weeks. "
            + "Geologists still measure its magma chamber with seismic sensors. "
            + "The last minor eruption, in 1952, destroyed the observatory road.";

    private static KafkaProducer<String, byte[]> producer;

    @LocalServerPort
    int port;
    @Autowired
    ChunkLog chunkLog;
    @Autowired
    Retriever retriever;
    @Autowired
    ServedModel model;
    @Autowired
    ConsumerFactory<String, byte[]> consumerFactory;
    @Autowired
    KafkaAdmin kafkaAdmin;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String ferry = "ferry-" + run;
    private final String bakery = "bakery-" + run;
    private final String volcano = "volcano-" + run;

    @BeforeAll
    static void producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.kafkaBootstrap());
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducer() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    void documentsBecomeSearchableChunksAndDeletionsPropagateAsTombstones() throws Exception {
        send(ferry, upsert(ferry, FERRY));
        send(bakery, upsert(bakery, BAKERY));
        send(volcano, upsert(volcano, VOLCANO));

        // Chunks appear on the log, keyed by chunk id, with the ids of their prompt segments under our tokenizer.
        Map<String, ChunkEvent> log = awaitLog(l -> chunksOf(l, ferry) >= 2 && chunksOf(l, bakery) >= 1
                && chunksOf(l, volcano) >= 1);
        PromptEncoder encoder = new PromptEncoder(model.tokenizer()::encode, model.tokenizer().bosId(),
                OptionalInt.empty());
        for (String doc : List.of(ferry, bakery, volcano)) {
            List<ChunkEvent> chunks = chunks(log, doc);
            for (int i = 0; i < chunks.size(); i++) {
                ChunkEvent c = chunks.get(i);
                assertThat(c.chunkId()).isEqualTo(doc + "#" + i);
                assertThat(c.tokenIds()).containsExactly(encoder.encode(PromptLayout.DEFAULT.chunk(c.text())).ids());
                assertThat(c.tokenIds().length).isLessThanOrEqualTo(40);
                assertThat(c.tokenizerId()).isEqualTo(TokenizerId.of(model.dir()));
                assertThat(c.embedding()).hasSize(384);
            }
        }
        int ferryChunks = chunksOf(log, ferry);

        // ... and in the index, behind the HTTP API.
        await().atMost(PATIENCE).until(() -> get("/internal/documents/" + ferry).getStatusCode().value() == 200
                && get("/internal/documents/" + volcano).getStatusCode().value() == 200
                && get("/internal/documents/" + bakery).getStatusCode().value() == 200);
        Map<String, Object> document = get("/internal/documents/" + ferry).getBody();
        assertThat(document).containsEntry("chunkCount", ferryChunks);
        assertThat(document.get("chunkIds")).isEqualTo(chunks(log, ferry).stream().map(ChunkEvent::chunkId).toList());

        List<String> ours = List.of(ferry, bakery, volcano);
        // BM25 finds the exact words; the vector ranking finds meaning without them; hybrid agrees with both.
        List<Map<String, Object>> bm25 = search("Nordlys passengers cars", 3, "bm25", ours);
        assertThat(bm25.getFirst().get("documentId")).isEqualTo(ferry);
        assertThat(bm25.getFirst().get("text").toString()).contains("Nordlys");
        ChunkEvent top = log.get(bm25.getFirst().get("chunkId").toString());
        assertThat(tokenIds(bm25.getFirst())).containsExactly(top.tokenIds());
        assertThat(search("pastry shop that makes loaves", 1, "vector", ours).getFirst().get("documentId"))
                .isEqualTo(bakery);
        assertThat(search("volcanic eruption and ash", 1, "vector", ours).getFirst().get("documentId"))
                .isEqualTo(volcano);
        List<Map<String, Object>> hybrid = search("When did Mount Kelvar erupt?", 3, "hybrid", ours);
        assertThat(hybrid.getFirst().get("chunkId")).isEqualTo(volcano + "#0");
        assertThat(search("xylophone", 3, "bm25", ours)).isEmpty();

        // A shorter version of a document replaces its chunks; the ones past its end become tombstones.
        send(ferry, upsert(ferry, "The Fjordline ferry company closed in 2030."));
        Map<String, ChunkEvent> afterReingest = awaitLog(l -> chunksOf(l, ferry) == 1);
        assertThat(afterReingest.get(ferry + "#0").text()).isEqualTo("The Fjordline ferry company closed in 2030.");
        await().atMost(PATIENCE).until(() -> chunkIds(ferry).equals(List.of(ferry + "#0")));
        assertThat(search("Nordlys passengers Denmark", 5, "bm25", ours)).isEmpty();

        // A delete tombstones every chunk of the document; it is gone from search and from the document API.
        send(bakery, new DocumentEvent.Delete(bakery, Instant.now()).toJson());
        awaitLog(l -> chunksOf(l, bakery) == 0);
        await().atMost(PATIENCE).until(() -> get("/internal/documents/" + bakery).getStatusCode().value() == 404);
        assertThat(search("sourdough bread bakery", 5, "hybrid", List.of(bakery))).isEmpty();
        assertThat(search("sourdough bread bakery", 5, "hybrid", ours))
                .extracting(h -> h.get("documentId")).doesNotContain(bakery);

        // A second index, built from the chunk log alone, ranks the same way and never runs the embedding model.
        assertThat(chunkLog.awaitCaughtUp(PATIENCE)).isTrue();
        CountingEmbedder embedder = CountingEmbedder.overRealModel();
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (ChunkIndex index = ChunkIndex.inMemory(embedder.dimensions());
             ChunkLog second = new ChunkLog(() -> consumerFactory.createConsumer(null, "second-index", null, overrides),
                     Admin.create(kafkaAdmin.getConfigurationProperties()), index, embedder, model.tokenizerId(),
                     new RetrievalMetrics(new SimpleMeterRegistry()))) {
            second.start();
            assertThat(second.awaitCaughtUp(PATIENCE)).isTrue();
            assertThat(embedder.texts()).as("texts embedded while rebuilding").isZero();
            assertThat(index.size()).isEqualTo(chunkLog.index().size());
            assertThat(index.chunkIds(ferry)).containsExactly(ferry + "#0");
            assertThat(index.chunkIds(bakery)).isEmpty();
            Retriever rebuilt = new Retriever(index, embedder);
            for (String q : List.of("When did Mount Kelvar erupt?", "ferry company", "seismic sensors observatory")) {
                for (SearchMode mode : SearchMode.values()) {
                    SearchQuery query = new SearchQuery(q, 5, Set.of(), mode);
                    assertThat(ids(rebuilt.search(query))).as(mode + " " + q).isEqualTo(ids(retriever.search(query)));
                }
            }
        }
    }

    @Test
    void anUnreadableDocumentEventIsRejectedAndTheNextOneIsStillChunked() {
        String good = "good-" + run;
        send("broken-" + run, "{\"schemaVersion\":1,\"type\":\"upsert\"".getBytes(StandardCharsets.UTF_8));
        send("mismatch-" + run, upsert("other-" + run, "Keys must match."));
        send(good, upsert(good, "The lighthouse keeper counted forty ships in one night."));
        await().atMost(PATIENCE).until(() -> get("/internal/documents/" + good).getStatusCode().value() == 200);
        assertThat(get("/internal/documents/other-" + run).getStatusCode().value()).isEqualTo(404);
        String metrics = RestClient.create("http://127.0.0.1:" + port).get().uri("/actuator/prometheus")
                .retrieve().body(String.class);
        assertThat(metrics).containsPattern("kvrag_retrieval_documents_total\\{[^}]*outcome=\"rejected\"[^}]*} [1-9]");
        assertThat(metrics).contains("kvrag_retrieval_chunks_indexed_total", "kvrag_retrieval_index_chunks",
                "kvrag_retrieval_chunks_published_total", "kvrag_retrieval_embedding_seconds_count");
    }

    private static byte[] upsert(String id, String text) {
        return new DocumentEvent.Upsert(id, "Title of " + id, text, Map.of("source", "it"), Instant.now()).toJson();
    }

    private static void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.DOCUMENTS, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("cannot publish to " + Topics.DOCUMENTS, e);
        }
    }

    /** The chunk log read from the beginning until {@code done} holds: latest value per key, tombstones removed. */
    private Map<String, ChunkEvent> awaitLog(java.util.function.Predicate<Map<String, ChunkEvent>> done) {
        Properties overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (Consumer<String, byte[]> consumer = consumerFactory.createConsumer(null, "it-reader", null, overrides)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHUNKS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<String, ChunkEvent> latest = new HashMap<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        latest.remove(r.key());
                    } else {
                        latest.put(r.key(), ChunkEvent.fromJson(r.value()));
                    }
                }
                if (done.test(latest)) {
                    return latest;
                }
            }
            throw new AssertionError("the chunk log never reached the expected state; it holds " + latest.keySet());
        }
    }

    private static int chunksOf(Map<String, ChunkEvent> log, String doc) {
        return chunks(log, doc).size();
    }

    private static List<ChunkEvent> chunks(Map<String, ChunkEvent> log, String doc) {
        List<ChunkEvent> chunks = new ArrayList<>(log.values().stream().filter(c -> c.documentId().equals(doc)).toList());
        chunks.sort((a, b) -> Integer.compare(a.ordinal(), b.ordinal()));
        return chunks;
    }

    private List<String> chunkIds(String doc) {
        ResponseEntity<Map<String, Object>> r = get("/internal/documents/" + doc);
        return r.getStatusCode().value() == 200 ? ((List<?>) r.getBody().get("chunkIds")).stream().map(String::valueOf).toList()
                : List.of();
    }

    private List<Map<String, Object>> search(String query, int k, String mode, List<String> documentIds) {
        ResponseEntity<Map<String, Object>> r = RestClient.create("http://127.0.0.1:" + port).post()
                .uri("/internal/search").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("query", query, "k", k, "mode", mode, "documentIds", documentIds)).retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
        assertThat(r.getStatusCode().value()).as("search status, body %s", r.getBody()).isEqualTo(200);
        assertThat(((Number) r.getBody().get("tookMs")).doubleValue()).isPositive();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hits = (List<Map<String, Object>>) r.getBody().get("hits");
        return hits;
    }

    private static int[] tokenIds(Map<String, Object> hit) {
        return ((List<?>) hit.get("tokenIds")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static List<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::chunkId).toList();
    }

    private ResponseEntity<Map<String, Object>> get(String path) {
        return RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve()
                .onStatus(status -> true, (request, response) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
    }
}
