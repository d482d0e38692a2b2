package dev.kvrag.retrieval.domain.ingest;

import dev.kvrag.common.events.ChunkEvent;
import java.util.List;

/**
 * What one document event does to the chunk log.
 *
 * @param chunks records to publish, keyed by their chunk ids
 * @param tombstones chunk ids to publish with a null value: chunks of the document that no longer exist
 */
public record ChunkChanges(String documentId, List<ChunkEvent> chunks, List<String> tombstones) {

    public ChunkChanges {
        chunks = List.copyOf(chunks);
        tombstones = List.copyOf(tombstones);
    }
}
