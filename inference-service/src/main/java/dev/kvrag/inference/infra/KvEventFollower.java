package dev.kvrag.inference.infra;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.kvstore.events.KvEventJson;
import dev.kvrag.kvstore.tiered.TieredChunkKvStore;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this worker's local tier in step with removals announced elsewhere (the cache-service deleting an entry or
 * a document, another worker dropping a stale version): every partition of {@code kv-events} assigned by hand (no
 * consumer group: every worker needs every event), read from the end, each event from another source handed to
 * {@link TieredChunkKvStore#apply}. What happened before the worker started does not matter: its tier starts empty.
 */
final class KvEventFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KvEventFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final TieredChunkKvStore store;
    private volatile boolean running;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;

    /** @param consumers makes a consumer with String keys, byte[] values, no group and auto-commit off */
    KvEventFollower(Supplier<Consumer<String, byte[]>> consumers, TieredChunkKvStore store) {
        this.consumers = consumers;
        this.store = store;
    }

    synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name("kv-event-follower").daemon().start(this::run);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(Duration.ofSeconds(10));
        }
    }

    private void run() {
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("kv-events follower failed ({}); starting again in {} s", e.toString(), RETRY.toSeconds());
                sleep();
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(Consumer<String, byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(Topics.KV_EVENTS);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.KV_EVENTS + " does not exist");
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        c.assign(partitions);
        c.seekToEnd(partitions);
        while (running) {
            for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
                apply(r);
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        KvEvent event;
        try {
            event = KvEventJson.decode(r.value());
        } catch (IllegalArgumentException e) {
            log.warn("skipped an unreadable kv-event at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return;
        }
        if (!event.source().equals(store.workerId())) {
            store.apply(event);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
