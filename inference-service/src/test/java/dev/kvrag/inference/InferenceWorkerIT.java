package dev.kvrag.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.KvEventType;
import dev.kvrag.common.events.Topics;
import dev.kvrag.inference.domain.ServedModel;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.events.KvEventJson;
import dev.kvrag.kvstore.redis.RedisChunkKvStore;
import dev.kvrag.testsupport.RealInfra;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The worker end to end on real Kafka and Redis: chunk events in, precomputed KV in Redis; requests in, token and
 * done entries on their Redis streams, done summaries on {@code inference-results}, kv-events on {@code kv-events}.
 * The model is small and random, so answers are noise, but every path is the one production runs.
 */
@ExtendWith(OutputCaptureExtension.class)
class InferenceWorkerIT extends RealInfraSpringTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    static RedisClient client;
    static StatefulRedisConnection<String, String> redis;
    static StatefulRedisConnection<byte[], byte[]> binary;
    static RedisChunkKvStore store;

    @Autowired
    ServedModel model;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    MeterRegistry metrics;

    @BeforeAll
    static void connect() {
        client = RedisClient.create(RealInfra.redisUrl());
        redis = client.connect();
        binary = client.connect(ByteArrayCodec.INSTANCE);
        store = RedisChunkKvStore.connect(client, NAMESPACE);
    }

    @AfterAll
    static void disconnect() {
        store.close();
        binary.close();
        redis.close();
        client.shutdown();
    }

    @Test
    void aPublishedChunkIsPrecomputedSoTheFirstQuestionHitsAndARedeliveryIsNotComputedAgain() throws Exception {
        String doc = "pre-" + UUID.randomUUID();
        ChunkEvent c0 = chunk(doc, 0, "Nago-feed is owned by the Athuv team.");
        ChunkEvent c1 = chunk(doc, 1, "The team behind it moved to Oslo in 2019.");
        publish(c0);
        publish(c1);
        await("both chunks precomputed into Redis", () -> inRedis(c0) && inRedis(c1));
        assertThat(store.metadata(id(c0)).orElseThrow().documentIds()).containsExactly(doc);
        assertThat(kvEvents(e -> e.type() == KvEventType.STORED && e.chunkKey().equals(id(c1).chunkKey().hex())))
                .as("a stored kv-event for the precomputed chunk").isNotEmpty();

        InferenceRequest request = request(null, c1, c0);
        send(request);
        List<InferenceResult> entries = awaitFinal(request.requestId());
        InferenceResult.Done done = (InferenceResult.Done) entries.getLast();
        assertThat(done.cache().hits()).as("both chunks were precomputed").isEqualTo(2);
        assertThat(done.cache().misses()).isZero();
        assertThat(done.mode()).isEqualTo("cacheblend:ratio=0.15,check_layer=1");
        assertThat(tokenText(entries)).isEqualTo(done.answer());
        assertThat(entries).hasSize(1 + (int) entries.stream().filter(e -> e instanceof InferenceResult.Token).count());
        assertThat(redis.sync().ttl(InferenceResult.streamKey(request.requestId()))).isBetween(1L, 600L);
        assertThat(redis.sync().get("kvrag:request:" + request.requestId())).isEqualTo("done");
        assertThat(auditedDone(request.requestId())).isEqualTo(done);

        double duplicates = counter("kvrag.inference.requests", "outcome", "duplicate");
        send(request);
        await("the redelivery seen", () -> counter("kvrag.inference.requests", "outcome", "duplicate")
                > duplicates);
        assertThat(entries(request.requestId())).as("nothing computed or written again").isEqualTo(entries);
    }

    @Test
    void aChunkNeverPrecomputedIsComputedForTheRequestStoredAndHitByTheNext() {
        String doc = "cold-" + UUID.randomUUID();
        ChunkEvent cold = chunk(doc, 3, "Orvel-cache is a storage service run from Bergen.");
        assertThat(inRedis(cold)).isFalse();

        InferenceResult.Done first = awaitDone(request("naive", cold));
        assertThat(first.cache().misses()).isEqualTo(1);
        assertThat(first.cache().hits()).isZero();
        await("the computed chunk stored in Redis", () -> inRedis(cold));

        InferenceResult.Done second = awaitDone(request("naive", cold));
        assertThat(second.cache().hits()).isEqualTo(1);
        assertThat(second.cache().misses()).isZero();
        assertThat(second.answer()).as("the chunk computed then is the chunk loaded now").isEqualTo(first.answer());
        assertThat(second.cachedTokens()).isGreaterThan(first.cachedTokens());
    }

    @Test
    void aCorruptedBlobInRedisIsDetectedAndRecomputedNeverServed() {
        String doc = "corrupt-" + UUID.randomUUID();
        ChunkEvent chunk = chunk(doc, 0, "Kestrel-queue is maintained by the Vimba team in Lagos.");
        ChunkKvId id = id(chunk);
        // Stored in Redis only (not through the worker, whose local tier would answer first), then damaged.
        store.put(id, model.encodeChunk(id, chunk.tokenIds()), List.of(doc));
        byte[] blobKey = (NAMESPACE + "kv:" + id.member()).getBytes(StandardCharsets.UTF_8);
        long length = binary.sync().strlen(blobKey);
        binary.sync().setrange(blobKey, length / 2, new byte[] {0x5a, 0x5a, 0x5a});
        long corruptBefore = store.stats().corrupt();

        InferenceResult.Done done = awaitDone(request("naive", chunk));
        assertThat(done.cache().hits()).as("the damaged blob is not a hit").isZero();
        assertThat(done.cache().misses()).isEqualTo(1);
        assertThat(store.stats().corrupt()).isEqualTo(corruptBefore + 1);
        await("a sound blob stored in its place", () -> store.peek(id).isHit());
    }

    @Test
    void badRequestsGetAnErrorEntryWithoutAStackTraceAndTheWorkerServesTheNext(CapturedOutput output) {
        ChunkEvent chunk = chunk("bad-" + UUID.randomUUID(), 0, "Some text about nothing in particular.");
        InferenceRequest unknownMode = request("warp", chunk);
        send(unknownMode);
        InferenceRequest otherTokenizer = new InferenceRequest(UUID.randomUUID().toString(), now(), now() + 60_000,
                model.id(), "sha256:0000000000000000", "Who?", List.of(chunk.chunkId()), List.of(chunk.documentId()),
                new int[][] {chunk.tokenIds()}, null, 4, 0, 0, true);
        send(otherTokenizer);
        String blank = UUID.randomUUID().toString();
        String json = new String(request(null, chunk).toJson(), StandardCharsets.UTF_8)
                .replaceFirst("\"requestId\":\"[^\"]+\"", "\"requestId\":\"" + blank + "\"")
                .replace("\"question\":\"Which team owns nago-feed?\"", "\"question\":\"  \"");
        sendRaw(chunk.chunkId(), json.getBytes(StandardCharsets.UTF_8));

        assertThat(failure(unknownMode.requestId())).isEqualTo(new InferenceResult.Failure(1, 422,
                "Unprocessable request", "mode 'warp': unknown fusion mode 'warp' (modes: full, prefix, naive, "
                + "cacheblend, ape)"));
        InferenceResult.Failure tokenizer = failure(otherTokenizer.requestId());
        assertThat(tokenizer.status()).isEqualTo(422);
        assertThat(tokenizer.detail()).startsWith("tokenizer sha256:0000000000000000 is not the served model's");
        InferenceResult.Failure malformed = failure(blank);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.detail()).endsWith("the question is blank");

        assertThat(awaitDone(request(null, chunk)).answer()).isNotNull();
        assertThat(output.getAll()).contains("request " + unknownMode.requestId() + " refused (422 Unprocessable "
                + "request): mode 'warp'");
        assertThat(output.getAll()).doesNotContain("RequestProblem").doesNotContain("EventFormatException");
    }

    @Test
    void aTombstoneRemovesTheChunksKvAndAnnouncesIt() throws Exception {
        ChunkEvent chunk = chunk("gone-" + UUID.randomUUID(), 0, "This document will be deleted.");
        publish(chunk);
        await("precomputed", () -> inRedis(chunk));
        kafka.send(Topics.CHUNKS, chunk.chunkId(), null).get();
        await("removed from Redis", () -> !inRedis(chunk));
        String key = id(chunk).chunkKey().hex();
        assertThat(kvEvents(e -> e.type() == KvEventType.REMOVED && key.equals(e.chunkKey())))
                .as("a removed kv-event").isNotEmpty();
    }

    // --- helpers ---

    ChunkEvent chunk(String doc, int ordinal, String text) {
        return new ChunkEvent(doc + "#" + ordinal, doc, ordinal, text, TestModel.chunkIds(model, text), model.id(),
                model.tokenizerId(), "sentences-v1/256/0", "all-minilm-l6-v2-q", new float[] {0.5f});
    }

    ChunkKvId id(ChunkEvent chunk) {
        return model.chunkKvId(chunk.tokenIds());
    }

    boolean inRedis(ChunkEvent chunk) {
        return store.metadata(id(chunk)).isPresent();
    }

    InferenceRequest request(String mode, ChunkEvent... chunks) {
        List<String> chunkIds = new ArrayList<>();
        List<String> docs = new ArrayList<>();
        int[][] ids = new int[chunks.length][];
        for (int i = 0; i < chunks.length; i++) {
            chunkIds.add(chunks[i].chunkId());
            docs.add(chunks[i].documentId());
            ids[i] = chunks[i].tokenIds();
        }
        return new InferenceRequest(UUID.randomUUID().toString(), now(), now() + 60_000, model.id(),
                model.tokenizerId(), "Which team owns nago-feed?", chunkIds, docs, ids, mode, 6, 0, 0, true);
    }

    void publish(ChunkEvent chunk) throws Exception {
        kafka.send(Topics.CHUNKS, chunk.chunkId(), chunk.toJson()).get();
    }

    void send(InferenceRequest r) {
        sendRaw(r.affinityKey(), r.toJson());
    }

    void sendRaw(String key, byte[] value) {
        kafka.send(Topics.INFERENCE_REQUESTS, key, value).join();
    }

    InferenceResult.Done awaitDone(InferenceRequest r) {
        send(r);
        InferenceResult last = awaitFinal(r.requestId()).getLast();
        assertThat(last).as("request " + r.requestId()).isInstanceOf(InferenceResult.Done.class);
        return (InferenceResult.Done) last;
    }

    InferenceResult.Failure failure(String requestId) {
        List<InferenceResult> entries = awaitFinal(requestId);
        assertThat(entries).as("one error entry, no tokens").hasSize(1);
        return (InferenceResult.Failure) entries.getFirst();
    }

    List<InferenceResult> awaitFinal(String requestId) {
        await("a final entry for request " + requestId, () -> {
            List<InferenceResult> e = entries(requestId);
            return !e.isEmpty() && e.getLast().isFinal();
        });
        return entries(requestId);
    }

    List<InferenceResult> entries(String requestId) {
        List<InferenceResult> out = new ArrayList<>();
        for (StreamMessage<String, String> m : redis.sync().xrange(InferenceResult.streamKey(requestId),
                Range.create("-", "+"))) {
            Map<String, String> body = m.getBody();
            out.add(InferenceResult.fromEntry(body.get("type"), body.get("data")));
        }
        return out;
    }

    static String tokenText(List<InferenceResult> entries) {
        StringBuilder out = new StringBuilder();
        entries.stream().filter(e -> e instanceof InferenceResult.Token)
                .forEach(e -> out.append(((InferenceResult.Token) e).text()));
        return out.toString();
    }

    double counter(String name, String tag, String value) {
        return metrics.get(name).tag(tag, value).counter().count();
    }

    InferenceResult.Done auditedDone(String requestId) {
        List<InferenceResult.Done> found = new ArrayList<>();
        await("the done summary on " + Topics.INFERENCE_RESULTS, () -> {
            for (ConsumerRecord<String, byte[]> r : readAll(Topics.INFERENCE_RESULTS)) {
                if (requestId.equals(r.key())) {
                    found.add(InferenceResult.Done.fromJson(r.value()));
                }
            }
            return !found.isEmpty();
        });
        return found.getFirst();
    }

    List<KvEvent> kvEvents(Predicate<KvEvent> wanted) {
        List<KvEvent> found = new ArrayList<>();
        await("a matching kv-event", () -> {
            for (ConsumerRecord<String, byte[]> r : readAll(Topics.KV_EVENTS)) {
                KvEvent e = KvEventJson.decode(r.value());
                if ("inference-it".equals(e.source()) && wanted.test(e)) {
                    found.add(e);
                }
            }
            return !found.isEmpty();
        });
        return found;
    }

    /** Everything on the topic now, read without a consumer group. */
    static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.kafkaBootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + " after " + WAIT.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static long now() {
        return System.currentTimeMillis();
    }
}
