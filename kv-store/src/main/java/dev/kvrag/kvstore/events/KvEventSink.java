package dev.kvrag.kvstore.events;

import dev.kvrag.common.events.KvEvent;

/** Where a store's kv-events go: a Kafka producer in a service, a list in a test. */
@FunctionalInterface
public interface KvEventSink {

    void publish(KvEvent event);

    KvEventSink NONE = event -> { };
}
