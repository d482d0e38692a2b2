package dev.kvrag.gateway.domain.documents;

import dev.kvrag.common.events.DocumentEvent;
import java.util.List;

/** The {@code documents} topic, where the retrieval-service's chunker picks documents up. */
public interface DocumentLog {

    /**
     * Publishes the events and waits until the broker has them all.
     *
     * @return how many of {@code events}, in order, the broker acknowledged before the first failure; all of them
     *     when none failed
     */
    int publish(List<DocumentEvent> events);
}
