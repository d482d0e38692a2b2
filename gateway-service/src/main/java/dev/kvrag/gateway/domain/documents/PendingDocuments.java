package dev.kvrag.gateway.domain.documents;

/**
 * Documents accepted but maybe not chunked yet: chunking is asynchronous, and a client that posts a document and
 * reads it back at once must not be told it is unknown. Entries expire; by then the document is indexed or was
 * rejected by the chunker.
 */
public interface PendingDocuments {

    void add(String documentId);

    boolean contains(String documentId);

    void remove(String documentId);
}
