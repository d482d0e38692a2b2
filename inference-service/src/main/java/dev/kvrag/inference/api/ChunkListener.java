package dev.kvrag.inference.api;

import dev.kvrag.common.events.Topics;
import dev.kvrag.inference.domain.Precompute;
import dev.kvrag.inference.infra.WorkerMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The precompute consumer group on the compacted {@code chunks} topic: the workers share its partitions, so each
 * chunk is encoded by one worker and stored for all. A new group starts from the beginning of the log and so
 * precomputes every live chunk; tombstones (null values) remove KV.
 */
@Component
class ChunkListener {

    static final String GROUP = "inference-precompute";

    private static final Logger log = LoggerFactory.getLogger(ChunkListener.class);

    private final Precompute precompute;
    private final WorkerMetrics metrics;
    private final Set<String> reportedForeign = ConcurrentHashMap.newKeySet();

    ChunkListener(Precompute precompute, WorkerMetrics metrics) {
        this.precompute = precompute;
        this.metrics = metrics;
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.CHUNKS, properties = {"max.poll.records=50"})
    void onChunk(ConsumerRecord<String, byte[]> record) {
        Precompute.Outcome outcome = precompute.apply(record.key(), record.value());
        metrics.record(outcome);
        switch (outcome.result()) {
            case STORED, PRESENT, REMOVED, ABSENT -> log.debug("chunk {}: {}", outcome.chunkId(),
                    outcome.result().label());
            case FOREIGN -> {
                if (reportedForeign.add(outcome.detail())) {
                    log.info("not precomputing chunks of {} (first: {})", outcome.detail(), outcome.chunkId());
                }
            }
            case REJECTED -> log.warn("chunk record {}-{}@{} ({}) rejected: {}", record.topic(), record.partition(),
                    record.offset(), outcome.chunkId(), outcome.detail());
            case FAILED -> log.warn("could not precompute chunk {}: {}; it is computed when a request first needs "
                    + "it", outcome.chunkId(), outcome.detail());
        }
    }
}
