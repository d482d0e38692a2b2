package dev.kvrag.gateway.api.documents;

import dev.kvrag.gateway.domain.documents.DocumentService;
import dev.kvrag.gateway.domain.documents.DocumentStatus;
import dev.kvrag.gateway.domain.documents.NewDocument;
import dev.kvrag.gateway.infra.GatewayMetrics;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/documents}: post documents (JSON, several at once, or one as text/plain), read one's chunks, delete one.
 * Posting and deleting are announced on Kafka and answered 202: the retrieval-service chunks and indexes them
 * asynchronously, in seconds.
 */
@RestController
@RequestMapping(path = "/v1/documents", produces = MediaType.APPLICATION_JSON_VALUE)
class DocumentsController {

    private final DocumentService documents;
    private final GatewayMetrics metrics;

    DocumentsController(DocumentService documents, GatewayMetrics metrics) {
        this.documents = documents;
        this.metrics = metrics;
    }

    @Operation(summary = "Ingest documents", description = "{\"documents\":[{\"id\"?,\"title\"?,\"text\","
            + "\"metadata\"?}]}; 202 with the ids. Reusing an id replaces that document.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<DocumentsAccepted> post(@RequestBody DocumentsBody body) {
        List<NewDocument> posted = body.documents() == null ? null : body.documents().stream()
                .map(d -> d == null ? null : new NewDocument(d.id(), d.title(), d.text(), d.metadata())).toList();
        return accepted(documents.ingest(posted));
    }

    @Operation(summary = "Ingest one document as plain text", description = "The body is the text; id and title are "
            + "query parameters.")
    @PostMapping(consumes = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<DocumentsAccepted> postText(@RequestBody(required = false) String text,
                                               @RequestParam(required = false) String id,
                                               @RequestParam(required = false) String title) {
        return accepted(documents.ingest(List.of(new NewDocument(id, title, text == null ? "" : text, Map.of()))));
    }

    @Operation(summary = "A document's state: indexed (with its chunk ids) or pending")
    @GetMapping("/{id}")
    DocumentStatus get(@PathVariable String id) {
        return documents.status(id);
    }

    @Operation(summary = "Delete a document", description = "202: its chunks leave the index and their KV the caches"
            + " shortly after.")
    @DeleteMapping("/{id}")
    ResponseEntity<Map<String, String>> delete(@PathVariable String id) {
        documents.delete(id);
        metrics.documents("deleted", 1);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("documentId", id, "status", "deleting"));
    }

    private ResponseEntity<DocumentsAccepted> accepted(List<String> ids) {
        metrics.documents("accepted", ids.size());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new DocumentsAccepted(ids));
    }
}
