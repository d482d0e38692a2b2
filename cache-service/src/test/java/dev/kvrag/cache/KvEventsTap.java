package dev.kvrag.cache;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.kvstore.events.KvEventJson;
import dev.kvrag.testsupport.RealInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the real kv-events topic from the moment it is opened, as any consumer of the topic would. */
final class KvEventsTap implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    KvEventsTap() {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, RealInfra.kafkaBootstrap()),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.KV_EVENTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Polls until {@code count} events match (at most 20 s); returns the matching events, keys checked. */
    List<KvEvent> await(int count, Predicate<KvEvent> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<KvEvent> found = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : seen) {
                KvEvent e = KvEventJson.decode(r.value());
                if (match.test(e)) {
                    if (!e.key().equals(r.key())) {
                        throw new AssertionError("kv-event keyed " + r.key() + " instead of " + e.key());
                    }
                    found.add(e);
                }
            }
            if (found.size() >= count || System.nanoTime() > deadline) {
                return found;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
