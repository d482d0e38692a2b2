package dev.kvrag.gateway.domain;

import java.util.List;
import java.util.Optional;

/** The retrieval-service as the gateway uses it; failures are {@link Problem}s (503 when it cannot be reached). */
public interface Retrieval {

    /**
     * The {@code k} chunks that best answer {@code query}, best first.
     *
     * @param documentIds when not empty, only chunks of these documents are ranked
     */
    List<ChunkHit> search(String query, int k, List<String> documentIds);

    /** The document's chunks in the index; empty when the index holds none. */
    Optional<IndexedDocument> document(String documentId);
}
