package dev.kvrag.retrieval.api;

import java.util.List;

/** Body of a {@code GET /internal/documents/{id}} answer: the document's chunks in the index, in order. */
record DocumentChunks(String documentId, int chunkCount, List<String> chunkIds) {
}
