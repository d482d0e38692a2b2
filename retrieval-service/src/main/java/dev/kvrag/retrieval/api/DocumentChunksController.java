package dev.kvrag.retrieval.api;

import dev.kvrag.retrieval.domain.index.ChunkIndex;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /internal/documents/{id}}: a document's chunks as this replica's index holds them. */
@RestController
class DocumentChunksController {

    private final ChunkIndex index;

    DocumentChunksController(ChunkIndex index) {
        this.index = index;
    }

    @GetMapping(path = "/internal/documents/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    DocumentChunks document(@PathVariable String id) {
        SearchController.documentId(id, "document id");
        List<String> chunkIds = index.chunkIds(id);
        if (chunkIds.isEmpty()) {
            throw new UnknownDocumentException(id);
        }
        return new DocumentChunks(id, chunkIds.size(), chunkIds);
    }
}
