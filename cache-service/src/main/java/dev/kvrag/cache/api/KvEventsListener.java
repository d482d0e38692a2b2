package dev.kvrag.cache.api;

import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.common.events.KvEvent;
import dev.kvrag.common.events.Topics;
import dev.kvrag.kvstore.events.KvEventJson;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads every kv-event to keep {@link WorkerResidency}. Each instance has a consumer group of its own and starts
 * from the earliest retained event, so a restarted (or an added) instance rebuilds who holds what from the log.
 * A record that is not a valid kv-event is skipped with one warning line.
 */
@Component
class KvEventsListener {

    private static final Logger log = LoggerFactory.getLogger(KvEventsListener.class);

    private final WorkerResidency residency;
    private final Clock clock = Clock.systemUTC();

    KvEventsListener(WorkerResidency residency) {
        this.residency = residency;
    }

    @KafkaListener(topics = Topics.KV_EVENTS, groupId = "cache-service-residency-${random.uuid}",
            properties = "auto.offset.reset=earliest")
    void onEvent(ConsumerRecord<String, byte[]> record) {
        KvEvent event;
        try {
            event = KvEventJson.decode(record.value() == null ? new byte[0] : record.value());
        } catch (IllegalArgumentException e) {
            log.warn("skipped {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        residency.apply(event, clock.instant());
    }
}
