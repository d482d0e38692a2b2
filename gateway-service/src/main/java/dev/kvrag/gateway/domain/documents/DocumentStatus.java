package dev.kvrag.gateway.domain.documents;

import java.util.List;

/**
 * What the platform knows of a document.
 *
 * @param status {@code indexed} (its chunks are searchable) or {@code pending} (accepted, not chunked yet)
 */
public record DocumentStatus(String documentId, String status, int chunkCount, List<String> chunkIds) {

    public static final String INDEXED = "indexed";
    public static final String PENDING = "pending";

    public DocumentStatus {
        chunkIds = List.copyOf(chunkIds);
    }
}
