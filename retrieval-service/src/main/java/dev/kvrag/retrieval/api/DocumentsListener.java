package dev.kvrag.retrieval.api;

import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.common.events.EventFormatException;
import dev.kvrag.common.events.Topics;
import dev.kvrag.retrieval.RetrievalProperties;
import dev.kvrag.retrieval.domain.ingest.ChunkChanges;
import dev.kvrag.retrieval.domain.ingest.ChunkPlanner;
import dev.kvrag.retrieval.infra.ChunkLog;
import dev.kvrag.retrieval.infra.ChunkPublisher;
import dev.kvrag.retrieval.infra.RetrievalMetrics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The chunker: consumes {@code documents} in the consumer group {@code retrieval-chunker} (each document event is
 * handled by one replica) and publishes the document's chunks and tombstones on {@code chunks}. The indexes, on
 * every replica, are fed from {@code chunks} by {@link ChunkLog}, never from here.
 *
 * <p>An event that cannot be read, or whose document cannot be chunked, is rejected with one log line and
 * skipped: it can never succeed, and retrying it would block its partition. Anything else (Kafka, the index)
 * throws, and the container retries the event with backoff.
 */
@Component
class DocumentsListener {

    static final String GROUP = "retrieval-chunker";

    private static final Logger log = LoggerFactory.getLogger(DocumentsListener.class);

    private final ChunkLog chunkLog;
    private final ChunkPlanner planner;
    private final ChunkPublisher publisher;
    private final RetrievalMetrics metrics;
    private final Duration catchUpTimeout;

    DocumentsListener(ChunkLog chunkLog, ChunkPlanner planner, ChunkPublisher publisher, RetrievalMetrics metrics,
                      RetrievalProperties properties) {
        this.chunkLog = chunkLog;
        this.planner = planner;
        this.publisher = publisher;
        this.metrics = metrics;
        this.catchUpTimeout = properties.index().catchUpTimeout();
    }

    @KafkaListener(id = GROUP, groupId = GROUP, topics = Topics.DOCUMENTS, properties = "auto.offset.reset=earliest")
    void onDocument(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        DocumentEvent event;
        try {
            event = DocumentEvent.fromJson(record.value());
        } catch (EventFormatException e) {
            reject(record, e.getMessage());
            return;
        }
        if (!event.documentId().equals(record.key())) {
            reject(record, "its key '" + record.key() + "' is not its document id '" + event.documentId() + "'");
            return;
        }
        // The document's current chunks come from the index, so it must hold everything already on the log.
        if (!chunkLog.awaitCaughtUp(catchUpTimeout)) {
            throw new IllegalStateException("the chunk index did not catch up with the chunk log within "
                    + catchUpTimeout.toSeconds() + " s; document " + event.documentId() + " will be retried");
        }
        List<String> existing = chunkLog.index().chunkIds(event.documentId());
        ChunkChanges changes;
        try {
            changes = planner.plan(event, existing);
        } catch (IllegalArgumentException e) {
            reject(record, e.getMessage());
            return;
        }
        publisher.publish(changes);
        metrics.published(changes.chunks().size(), changes.tombstones().size());
        metrics.document(event instanceof DocumentEvent.Delete ? "deleted" : "chunked");
        log.info("document {}: published {} chunks and {} tombstones", event.documentId(), changes.chunks().size(),
                changes.tombstones().size());
    }

    private void reject(ConsumerRecord<String, byte[]> record, String why) {
        metrics.document("rejected");
        log.warn("rejected document event at {}-{} offset {}: {}", record.topic(), record.partition(), record.offset(),
                why);
    }
}
