package dev.kvrag.gateway.domain;

import java.util.List;

/** A document as the retrieval index holds it: its chunks, in document order. */
public record IndexedDocument(String documentId, List<String> chunkIds) {

    public IndexedDocument {
        chunkIds = List.copyOf(chunkIds);
    }
}
