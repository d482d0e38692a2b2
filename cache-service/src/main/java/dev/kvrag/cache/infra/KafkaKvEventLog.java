package dev.kvrag.cache.infra;

import dev.kvrag.cache.CacheProperties;
import dev.kvrag.cache.domain.KvEventLog;
import dev.kvrag.cache.domain.KvEventsNotPublishedException;
import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.kvstore.events.KvEventJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** kv-events to Kafka, keyed by {@link KvEvent#key()}, JSON by {@link KvEventJson}; waits for the broker's ack. */
@Component
class KafkaKvEventLog implements KvEventLog {

    private final KafkaTemplate<String, byte[]> kafka;
    private final Duration timeout;

    KafkaKvEventLog(KafkaTemplate<String, byte[]> kafka, CacheProperties properties) {
        this.kafka = kafka;
        this.timeout = properties.eventPublishTimeout();
    }

    @Override
    public void append(List<KvEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sent = new ArrayList<>(events.size());
        try {
            for (KvEvent e : events) {
                sent.add(kafka.send(Topics.KV_EVENTS, e.key(), KvEventJson.encode(e)));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KvEventsNotPublishedException(events.size(), "interrupted", e);
        } catch (ExecutionException e) {
            throw new KvEventsNotPublishedException(events.size(), String.valueOf(e.getCause().getMessage()), e);
        } catch (TimeoutException e) {
            throw new KvEventsNotPublishedException(events.size(), "the broker did not acknowledge them within "
                    + timeout.toMillis() + " ms", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KvEventsNotPublishedException(events.size(), String.valueOf(e.getMessage()), e);
        }
    }
}
