package dev.kvrag.gateway.infra.documents;

import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.gateway.domain.documents.DocumentLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/** The {@code documents} topic, keyed by document id (so a document's upserts and deletion stay in order). */
public final class KafkaDocumentLog implements DocumentLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaDocumentLog.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration sendTimeout;

    public KafkaDocumentLog(KafkaTemplate<String, byte[]> kafka, Duration sendTimeout) {
        this.kafka = kafka;
        this.sendTimeout = sendTimeout;
    }

    @Override
    public int publish(List<DocumentEvent> events) {
        List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>(events.size());
        try {
            for (DocumentEvent e : events) {
                sends.add(kafka.send(Topics.DOCUMENTS, e.documentId(), e.toJson()));
            }
        } catch (RuntimeException e) {
            log.warn("documents not published: {}", e.getMessage());
        }
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return i;
            } catch (ExecutionException | TimeoutException e) {
                log.warn("document {} not published: {}", events.get(i).documentId(),
                        e instanceof ExecutionException ? e.getCause().getMessage() : "no acknowledgement in time");
                return i;
            }
        }
        return sends.size();
    }
}
