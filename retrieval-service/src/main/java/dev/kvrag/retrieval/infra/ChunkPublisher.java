package dev.kvrag.retrieval.infra;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.retrieval.domain.ingest.ChunkChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Writes a document's chunk changes to the {@code chunks} topic, keyed by chunk id (a tombstone is a null value),
 * and returns once the broker has acknowledged all of them: only then may the document event count as handled.
 * Writing the same changes twice is harmless: the log is compacted by chunk id and the records are the same.
 */
public final class ChunkPublisher {

    private final KafkaTemplate<String, byte[]> template;
    private final Duration timeout;

    public ChunkPublisher(KafkaTemplate<String, byte[]> template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    public void publish(ChunkChanges changes) throws InterruptedException {
        List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>();
        for (ChunkEvent chunk : changes.chunks()) {
            sends.add(template.send(Topics.CHUNKS, chunk.chunkId(), chunk.toJson()));
        }
        for (String chunkId : changes.tombstones()) {
            sends.add(template.send(Topics.CHUNKS, chunkId, null));
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing the chunks of document " + changes.documentId() + " failed: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("publishing the chunks of document " + changes.documentId()
                    + " was not acknowledged within " + timeout.toSeconds() + " s", e);
        }
    }
}
