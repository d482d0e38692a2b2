package dev.kvrag.gateway.testing;

import dev.kvrag.common.events.InferenceRequest;
import dev.kvrag.common.events.InferenceResult;
import dev.kvrag.common.events.Topics;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The inference worker's side of the contract, played on real Kafka and Redis: consumes {@code inference-requests}
 * in a consumer group, claims each request id ({@code SET kvrag:request:<id> <owner> NX PX 30000}; it answers at once,
 * so it never renews), and writes token entries then a {@code done} entry to {@code kvrag:results:<id>} (MAXLEN ~
 * 10000, EXPIRE 600). It "caches" every chunk it has seen under a mode, so a repeated question reports local hits and
 * a shorter TTFT. A question containing {@code refuse} gets a 422 error entry; one containing {@code never answered}
 * gets nothing; one containing {@code worker dies} gets {@link #DEAD_TOKENS} from an attempt 1 that stops there, then
 * the whole answer from attempt 2 (a worker that took the request over), as the stream holds it after a crash.
 */
public final class ContractWorker implements AutoCloseable {

    /** What every answer streams, token by token. */
    public static final List<String> TOKENS = List.of(" The", " Oslo", " team", ".");
    /** What the attempt that dies streams before it stops. */
    public static final int DEAD_TOKENS = 2;

    /** A request as it arrived: its Kafka key and value. */
    public record Received(String key, InferenceRequest request) {
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();

    private final KafkaConsumer<String, byte[]> consumer;
    private final RedisClient redisClient;
    private final RedisCommands<String, String> redis;
    private final Set<String> cached = new HashSet<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ContractWorker(String bootstrap, String redisUrl) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-worker-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.redisClient = RedisClient.create(redisUrl);
        this.redis = redisClient.connect().sync();
        this.thread = Thread.ofPlatform().daemon().name("contract-worker").unstarted(this::run);
    }

    public static ContractWorker start(String bootstrap, String redisUrl) {
        ContractWorker worker = new ContractWorker(bootstrap, redisUrl);
        worker.consumer.subscribe(List.of(Topics.INFERENCE_REQUESTS));
        worker.thread.start();
        return worker;
    }

    /** The request with this id, waiting for it to arrive. */
    public Received request(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : received) {
                if (r.request().requestId().equals(requestId)) {
                    return r;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("request " + requestId + " never reached the worker");
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    InferenceRequest request = InferenceRequest.fromJson(record.value());
                    received.add(new Received(record.key(), request));
                    if (request.deadlineMs() < System.currentTimeMillis()) {
                        continue;
                    }
                    String claim = redis.set("kvrag:request:" + request.requestId(), UUID.randomUUID().toString(),
                            SetArgs.Builder.nx().px(30_000));
                    if (claim != null) {
                        answer(request);
                        redis.set("kvrag:request:" + request.requestId(), "done", SetArgs.Builder.ex(600));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    private void answer(InferenceRequest request) {
        String stream = InferenceResult.streamKey(request.requestId());
        if (request.question().contains("never answered")) {
            return;
        }
        if (request.question().contains("refuse")) {
            add(stream, new InferenceResult.Failure(1, 422, "Unprocessable request", "tokenizer "
                    + request.tokenizerId() + " is not the served model's"));
            return;
        }
        int attempt = 1;
        if (request.question().contains("worker dies")) {
            for (int i = 0; i < DEAD_TOKENS; i++) {
                add(stream, new InferenceResult.Token(attempt, i, TOKENS.get(i)));
            }
            attempt = 2;
        }
        int promptTokens = 8;
        int cachedTokens = 0;
        long hits = 0;
        long misses = 0;
        for (int i = 0; i < request.chunkCount(); i++) {
            int n = request.chunkTokenIds(i).length;
            promptTokens += n;
            // Keyed by mode too, so that a test owning a mode sees its own first miss whatever ran before.
            if (cached.add(request.chunkIds().get(i) + "|" + request.mode())) {
                misses++;
            } else {
                hits++;
                cachedTokens += n;
            }
        }
        for (int i = 0; i < TOKENS.size(); i++) {
            add(stream, new InferenceResult.Token(attempt, i, TOKENS.get(i)));
        }
        double recompute = 1.0 - (double) cachedTokens / promptTokens;
        double ttft = misses > 0 ? 40 : 8;
        add(stream, new InferenceResult.Done(request.requestId(), attempt, String.join("", TOKENS), "eos",
                request.mode() == null ? "cacheblend:ratio=0.15,check_layer=1" : request.mode(), promptTokens,
                TOKENS.size(), cachedTokens, new InferenceResult.Timings(0.5, 1.0, ttft - 2, ttft, 6.0, ttft + 6),
                new InferenceResult.CacheUse(Map.of("local", hits, "redis", 0L), misses, recompute)));
    }

    private void add(String stream, InferenceResult entry) {
        redis.xadd(stream, XAddArgs.Builder.maxlen(InferenceResult.STREAM_MAX_LENGTH).approximateTrimming(),
                Map.of("type", entry.type(), "data", new String(entry.toJson(), StandardCharsets.UTF_8)));
        redis.expire(stream, InferenceResult.STREAM_TTL_SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5000);
        redisClient.shutdown();
    }
}
