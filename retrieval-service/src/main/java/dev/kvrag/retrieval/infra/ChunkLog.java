package dev.kvrag.retrieval.infra;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.common.events.Topics;
import dev.kvrag.retrieval.domain.embedding.Embedder;
import dev.kvrag.retrieval.domain.index.ChunkIndex;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this replica's {@link ChunkIndex} from the compacted {@code chunks} topic: every partition assigned by
 * hand (no consumer group, so every replica reads all of it) and read from the beginning, a record indexed, a
 * tombstone deleted. No index is ever copied; a replica that starts reads the log.
 *
 * <p>It also answers "has the index applied everything on the log?" ({@link #awaitCaughtUp}): the chunker asks
 * before it reads a document's current chunks, so that chunks another replica (or this one) just published are seen
 * and tombstoned when they go stale. {@link #caughtUpAtStart()} drives readiness: a replica takes searches only
 * once it has read the log as it stood when it started.
 */
public final class ChunkLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChunkLog.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Admin admin;
    private final ChunkIndex index;
    private final Embedder embedder;
    private final String tokenizerId;
    private final RetrievalMetrics metrics;

    private final Object lock = new Object();
    private Map<TopicPartition, Long> applied = Map.of(); // guarded by lock: next offset to apply, per partition
    private volatile boolean caughtUpAtStart;
    private volatile boolean running;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;
    private final Set<String> reportedTokenizers = ConcurrentHashMap.newKeySet();

    /**
     * @param admin closed with this log
     * @param consumers makes a consumer with String keys and byte[] values, no group and auto-commit off
     * @param tokenizerId the served tokenizer; chunks made with another are not indexed
     */
    public ChunkLog(Supplier<Consumer<String, byte[]>> consumers, Admin admin, ChunkIndex index, Embedder embedder,
                    String tokenizerId, RetrievalMetrics metrics) {
        this.consumers = consumers;
        this.admin = admin;
        this.index = index;
        this.embedder = embedder;
        this.tokenizerId = tokenizerId;
        this.metrics = metrics;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("chunk-log").daemon().start(this::run);
    }

    @Override
    public synchronized void close() {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        admin.close(Duration.ofSeconds(2));
    }

    /** True once the index holds everything the log held when this replica started. */
    public boolean caughtUpAtStart() {
        return caughtUpAtStart;
    }

    public ChunkIndex index() {
        return index;
    }

    /**
     * Waits until every record now on the log is applied to the index (and visible to searches).
     *
     * @return false when that took longer than {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<TopicPartition> partitions;
        synchronized (lock) {
            while (applied.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            partitions = applied.keySet();
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            admin.listOffsets(latest).all().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
        synchronized (lock) {
            while (!covers(applied, ends)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        return true;
    }

    private void run() {
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return; // close() asked us to stop
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("chunk log consumer failed ({}); starting over from the beginning in {} s",
                        e.toString(), RETRY.toSeconds());
                sleep(RETRY);
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(Consumer<String, byte[]> c) {
        List<TopicPartition> partitions = partitions(c);
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> endAtStart = c.endOffsets(partitions);
        while (running) {
            ConsumerRecords<String, byte[]> records = c.poll(POLL);
            for (ConsumerRecord<String, byte[]> r : records) {
                apply(r);
            }
            if (!records.isEmpty()) {
                index.refresh();
            }
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (TopicPartition tp : partitions) {
                positions.put(tp, c.position(tp));
            }
            synchronized (lock) {
                applied = Map.copyOf(positions);
                if (!caughtUpAtStart && covers(applied, endAtStart)) {
                    caughtUpAtStart = true;
                    log.info("chunk index caught up with the chunk log: {} chunks", index.size());
                }
                lock.notifyAll();
            }
        }
    }

    private List<TopicPartition> partitions(Consumer<String, byte[]> c) {
        while (true) {
            List<PartitionInfo> infos = c.partitionsFor(Topics.CHUNKS);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            log.warn("topic {} does not exist yet; retrying in {} s", Topics.CHUNKS, RETRY.toSeconds());
            sleep(RETRY);
            if (!running) {
                throw new WakeupException();
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null) {
            skip(r, "no-key", "it has no key");
            return;
        }
        if (r.value() == null) {
            index.delete(key);
            metrics.chunkDeleted();
            return;
        }
        ChunkEvent chunk;
        try {
            chunk = ChunkEvent.fromJson(r.value());
        } catch (EventFormatException e) {
            skip(r, "unreadable", e.getMessage());
            return;
        }
        if (!chunk.chunkId().equals(key)) {
            skip(r, "key-mismatch", "its key '" + key + "' is not its chunk id '" + chunk.chunkId() + "'");
            return;
        }
        if (!chunk.tokenizerId().equals(tokenizerId)) {
            // Its ids mean nothing to the served model; an older version of the chunk must not stay searchable.
            index.delete(key);
            metrics.chunkSkipped("other-tokenizer");
            if (reportedTokenizers.add(chunk.tokenizerId())) {
                log.warn("chunk {} was made with tokenizer {} but this service serves {}; such chunks are not indexed"
                        + " (re-ingest their documents)", key, chunk.tokenizerId(), tokenizerId);
            }
            return;
        }
        float[] vector = chunk.embeddingModel().equals(embedder.modelId()) && chunk.embedding().length == index.dimensions()
                ? chunk.embedding()
                : embedder.embed(chunk.text());
        index.put(chunk, vector);
        metrics.chunkIndexed();
    }

    private void skip(ConsumerRecord<?, ?> r, String reason, String why) {
        metrics.chunkSkipped(reason);
        log.warn("skipping chunk record at {}-{} offset {}: {}", r.topic(), r.partition(), r.offset(), why);
    }

    private static boolean covers(Map<TopicPartition, Long> applied, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (applied.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
