package dev.kvrag.gateway.domain.documents;

import dev.kvrag.common.events.ChunkId;
import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.gateway.domain.IndexedDocument;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.Retrieval;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Documents in and out: posted ones are checked and announced on {@code documents} (the retrieval-service chunks and
 * indexes them); reads and deletes ask the retrieval index, or the pending set for one not chunked yet.
 */
public final class DocumentService {

    /** Room for a document's title and metadata beside its text in one Kafka record. */
    static final int MAX_TITLE_AND_METADATA_BYTES = 64 * 1024;
    /** Below Kafka's default 1 MB record limit ({@code message.max.bytes}, {@code max.request.size}). */
    static final int MAX_EVENT_BYTES = 1_000_000;

    private final DocumentLog log;
    private final PendingDocuments pending;
    private final Retrieval retrieval;
    private final int maxPerRequest;
    private final long maxDocumentBytes;

    public DocumentService(DocumentLog log, PendingDocuments pending, Retrieval retrieval, int maxPerRequest,
                           long maxDocumentBytes) {
        this.log = log;
        this.pending = pending;
        this.retrieval = retrieval;
        this.maxPerRequest = maxPerRequest;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    /**
     * Checks every document, then publishes them all.
     *
     * @return the documents' ids, in the order posted (generated ones included)
     * @throws Problem 400 for no documents, 413 for too many or too large, 422 naming the first invalid document,
     *     503 when the broker took none or only some of them (the detail names which)
     */
    public List<String> ingest(List<NewDocument> documents) {
        if (documents == null || documents.isEmpty()) {
            throw Problem.invalid("documents is missing or empty: send {\"documents\":[{\"text\":\"...\"}]}");
        }
        if (documents.size() > maxPerRequest) {
            throw Problem.tooLarge(documents.size() + " documents in one request; at most " + maxPerRequest
                    + " are allowed");
        }
        Instant now = Instant.now();
        List<DocumentEvent> events = new ArrayList<>(documents.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < documents.size(); i++) {
            DocumentEvent.Upsert event = checked(documents.get(i), i, now);
            if (!ids.add(event.documentId())) {
                throw Problem.invalidDocument("documents[" + i + "]: id '" + event.documentId()
                        + "' appears twice in this request");
            }
            events.add(event);
        }
        int published = log.publish(events);
        List<String> accepted = events.stream().map(DocumentEvent::documentId).toList();
        for (String id : accepted.subList(0, published)) {
            pending.add(id);
        }
        if (published < events.size()) {
            throw Problem.unavailable("documents-not-published", "Documents not accepted",
                    (published == 0 ? "no document was" : "only " + String.join(", ", accepted.subList(0, published))
                            + " of the " + events.size() + " documents were")
                            + " accepted: Kafka did not take the others; repeat the request (posting a document again"
                            + " replaces it)", Duration.ofSeconds(5));
        }
        return accepted;
    }

    /** @throws Problem 400 for an invalid id, 404 for an unknown document */
    public DocumentStatus status(String documentId) {
        String id = checkedId(documentId);
        Optional<IndexedDocument> indexed = retrieval.document(id);
        if (indexed.isPresent()) {
            List<String> chunks = indexed.get().chunkIds();
            return new DocumentStatus(id, DocumentStatus.INDEXED, chunks.size(), chunks);
        }
        if (pending.contains(id)) {
            return new DocumentStatus(id, DocumentStatus.PENDING, 0, List.of());
        }
        throw Problem.unknownDocument(id);
    }

    /**
     * Announces the document's deletion; its chunks leave the index (and their KV the caches) shortly after.
     *
     * @throws Problem 400 for an invalid id, 404 for an unknown document, 503 when Kafka did not take the event
     */
    public void delete(String documentId) {
        String id = checkedId(documentId);
        if (retrieval.document(id).isEmpty() && !pending.contains(id)) {
            throw Problem.unknownDocument(id);
        }
        if (log.publish(List.of(new DocumentEvent.Delete(id, Instant.now()))) != 1) {
            throw Problem.unavailable("documents-not-published", "Deletion not accepted", "Kafka did not take the "
                    + "deletion of '" + id + "'; repeat the request", Duration.ofSeconds(5));
        }
        pending.remove(id);
    }

    private DocumentEvent.Upsert checked(NewDocument d, int i, Instant now) {
        String where = "documents[" + i + "]";
        if (d == null) {
            throw Problem.invalidDocument(where + " is null; each document is an object with a \"text\"");
        }
        String id = d.id() == null ? UUID.randomUUID().toString() : d.id();
        try {
            ChunkId.requireDocumentId(id);
        } catch (IllegalArgumentException e) {
            throw Problem.invalidDocument(where + ": " + e.getMessage());
        }
        where += " ('" + id + "')";
        if (d.text() == null || d.text().isBlank()) {
            throw Problem.invalidDocument(where + " has no text");
        }
        long textBytes = d.text().getBytes(StandardCharsets.UTF_8).length;
        if (textBytes > maxDocumentBytes) {
            throw Problem.tooLarge(where + " has " + textBytes + " bytes of text; at most " + maxDocumentBytes
                    + " are allowed (split it into several documents)");
        }
        Map<String, String> metadata = d.metadata() == null ? Map.of() : d.metadata();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw Problem.invalidDocument(where + ": metadata '" + e.getKey() + "' has no value; metadata "
                        + "values are strings");
            }
        }
        long extra = utf8(d.title());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            extra += utf8(e.getKey()) + utf8(e.getValue());
        }
        if (extra > MAX_TITLE_AND_METADATA_BYTES) {
            throw Problem.tooLarge(where + ": its title and metadata take " + extra + " bytes; at most "
                    + MAX_TITLE_AND_METADATA_BYTES + " are allowed");
        }
        DocumentEvent.Upsert event = new DocumentEvent.Upsert(id, d.title(), d.text(), metadata, now);
        int json = event.toJson().length;
        if (json > MAX_EVENT_BYTES) {
            throw Problem.tooLarge(where + " is " + json + " bytes as a JSON event (escaped characters count"
                    + " several times); at most " + MAX_EVENT_BYTES + " fit in one Kafka record");
        }
        return event;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String checkedId(String documentId) {
        try {
            return ChunkId.requireDocumentId(documentId);
        } catch (IllegalArgumentException e) {
            throw Problem.invalid(e.getMessage());
        }
    }
}
