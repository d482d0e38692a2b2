package dev.kvrag.inference.infra;

import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.kvstore.events.KvEventJson;
import dev.kvrag.kvstore.events.KvEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The worker's kv-events to Kafka, keyed by {@link KvEvent#key()}, in the kv-store's JSON. Does not wait for the
 * broker (the store calls it on the request path); a lost event is logged, and the residency report repairs what
 * the cache-service believes this worker holds.
 */
final class KafkaKvEventSink implements KvEventSink {

    private static final Logger log = LoggerFactory.getLogger(KafkaKvEventSink.class);

    private final KafkaTemplate<String, byte[]> kafka;

    KafkaKvEventSink(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    @Override
    public void publish(KvEvent event) {
        try {
            kafka.send(Topics.KV_EVENTS, event.key(), KvEventJson.encode(event)).whenComplete((sent, failure) -> {
                if (failure != null) {
                    lost(event, failure);
                }
            });
        } catch (RuntimeException e) {
            lost(event, e);
        }
    }

    private static void lost(KvEvent event, Throwable failure) {
        log.warn("could not publish kv-event {} {} of {}: {}", event.type().wireName(), event.eventId(), event.key(),
                failure.getMessage());
    }
}
