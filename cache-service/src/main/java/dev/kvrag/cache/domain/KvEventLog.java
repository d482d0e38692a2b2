package dev.kvrag.cache.domain;

import dev.kvrag.common.events.KvEvent;
import java.util.List;

/** The kv-events topic as the cache-service writes it: in order, returning once the broker has every event. */
public interface KvEventLog {

    /** @throws KvEventsNotPublishedException when the broker did not take them all in time */
    void append(List<KvEvent> events);
}
