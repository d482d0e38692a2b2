package dev.kvrag.retrieval.api;

/** No chunk of the document is in the index: never ingested, deleted, or not yet chunked. Answered with 404. */
final class UnknownDocumentException extends RuntimeException {

    UnknownDocumentException(String documentId) {
        super("document '" + documentId + "' has no chunks in the index (never ingested, deleted, or not chunked yet)",
                null, false, false);
    }
}
