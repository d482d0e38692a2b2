package dev.kvrag.gateway.domain.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.gateway.domain.ChunkHit;
import dev.kvrag.gateway.domain.IndexedDocument;
import dev.kvrag.gateway.domain.Problem;
import dev.kvrag.gateway.domain.Retrieval;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checks and bookkeeping of documents, over an in-memory log, pending set and index. */
class DocumentServiceTest {

    private final List<DocumentEvent> log = new ArrayList<>();
    private int acceptOnly = Integer.MAX_VALUE;
    private final Set<String> pending = new HashSet<>();
    private final Map<String, List<String>> indexed = new HashMap<>();

    private final DocumentService service = new DocumentService(events -> {
        int n = Math.min(acceptOnly, events.size());
        log.addAll(events.subList(0, n));
        return n;
    }, new PendingDocuments() {
        @Override
        public void add(String id) {
            pending.add(id);
        }

        @Override
        public boolean contains(String id) {
            return pending.contains(id);
        }

        @Override
        public void remove(String id) {
            pending.remove(id);
        }
    }, new Retrieval() {
        @Override
        public List<ChunkHit> search(String query, int k, List<String> documentIds) {
            throw new AssertionError("documents never search");
        }

        @Override
        public Optional<IndexedDocument> document(String id) {
            return Optional.ofNullable(indexed.get(id)).map(chunks -> new IndexedDocument(id, chunks));
        }
    }, 3, 100);

    @Test
    void postedDocumentsArePublishedInOrderWithGeneratedIdsWhereAbsent() {
        List<String> ids = service.ingest(List.of(new NewDocument("d1", "One", "first text", Map.of("k", "v")),
                new NewDocument(null, null, "second text", null)));
        assertThat(ids).hasSize(2).startsWith("d1");
        assertThat(ids.get(1)).matches("[0-9a-f-]{36}");
        assertThat(log).extracting(DocumentEvent::documentId).containsExactlyElementsOf(ids);
        DocumentEvent.Upsert first = (DocumentEvent.Upsert) log.getFirst();
        assertThat(first.title()).isEqualTo("One");
        assertThat(first.metadata()).containsEntry("k", "v");
        assertThat(pending).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aPostedDocumentReadsAsPendingUntilIndexedThenWithItsChunks() {
        service.ingest(List.of(new NewDocument("d1", null, "text", null)));
        assertThat(service.status("d1")).isEqualTo(new DocumentStatus("d1", "pending", 0, List.of()));
        indexed.put("d1", List.of("d1#0", "d1#1"));
        assertThat(service.status("d1")).isEqualTo(new DocumentStatus("d1", "indexed", 2, List.of("d1#0", "d1#1")));
    }

    @Test
    void unknownDocumentsAre404AndInvalidIds400() {
        assertProblem(() -> service.status("nope"), 404, "document 'nope' is not known");
        assertProblem(() -> service.delete("nope"), 404, "document 'nope' is not known");
        assertProblem(() -> service.status("a/b"), 400, "document id 'a/b' is invalid");
        assertThat(log).isEmpty();
    }

    @Test
    void deletingAnIndexedOrPendingDocumentPublishesADeleteEvent() {
        indexed.put("d1", List.of("d1#0"));
        service.delete("d1");
        service.ingest(List.of(new NewDocument("d2", null, "text", null)));
        service.delete("d2");
        assertThat(log).hasSize(3);
        assertThat(log.get(0)).isInstanceOf(DocumentEvent.Delete.class).extracting(DocumentEvent::documentId)
                .isEqualTo("d1");
        assertThat(log.get(2)).isInstanceOf(DocumentEvent.Delete.class).extracting(DocumentEvent::documentId)
                .isEqualTo("d2");
        assertThat(pending).isEmpty();
    }

    @Test
    void everyDocumentIsCheckedBeforeAnyIsPublished() {
        assertProblem(() -> service.ingest(List.of(new NewDocument("ok", null, "text", null),
                new NewDocument("bad", null, "  ", null))), 422, "documents[1] ('bad') has no text");
        assertProblem(() -> service.ingest(List.of(new NewDocument("x y", null, "text", null))), 422,
                "documents[0]: document id 'x y' is invalid");
        assertProblem(() -> service.ingest(List.of(new NewDocument("d", null, "a", null),
                new NewDocument("d", null, "b", null))), 422, "documents[1]: id 'd' appears twice");
        assertProblem(() -> service.ingest(List.of(new NewDocument("big", null, "é".repeat(51), null))), 413,
                "documents[0] ('big') has 102 bytes of text; at most 100");
        assertProblem(() -> service.ingest(List.of(new NewDocument("m", null, "t",
                Map.of("k", "v".repeat(70_000))))), 413, "its title and metadata take 70001 bytes");
        assertThat(log).isEmpty();
    }

    @Test
    void tooManyDocumentsAre413AndNoneIs400() {
        List<NewDocument> four = List.of(new NewDocument(null, null, "a", null), new NewDocument(null, null, "b", null),
                new NewDocument(null, null, "c", null), new NewDocument(null, null, "d", null));
        assertProblem(() -> service.ingest(four), 413, "4 documents in one request; at most 3");
        assertProblem(() -> service.ingest(List.of()), 400, "documents is missing or empty");
        assertProblem(() -> service.ingest(null), 400, "documents is missing or empty");
    }

    @Test
    void aPartlyPublishedBatchIs503NamingWhatWasAccepted() {
        acceptOnly = 1;
        Problem p = problem(() -> service.ingest(List.of(new NewDocument("a", null, "x", null),
                new NewDocument("b", null, "y", null))));
        assertThat(p.status()).isEqualTo(503);
        assertThat(p.getMessage()).contains("only a of the 2 documents were accepted");
        assertThat(p.retryAfter()).isNotNull();
        assertThat(pending).containsExactly("a");
    }

    private static Problem problem(Runnable r) {
        try {
            r.run();
        } catch (Problem p) {
            return p;
        }
        throw new AssertionError("no problem raised");
    }

    private static void assertProblem(Runnable r, int status, String detail) {
        Problem p = problem(r);
        assertThat(p.status()).isEqualTo(status);
        assertThat(p.getMessage()).contains(detail);
    }
}
