package dev.kvrag.cache.api;

import dev.kvrag.cache.CacheProperties;
import dev.kvrag.cache.domain.KvStoreAdmin;
import dev.kvrag.cache.domain.WorkerResidency;
import dev.kvrag.kvstore.ChunkKvHit;
import dev.kvrag.kvstore.ChunkKvId;
import dev.kvrag.kvstore.DocumentIds;
import dev.kvrag.kvstore.PutOutcome;
import dev.kvrag.kvstore.Removal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/cache}: the store's admin and stats API. Workers do not use it on the query path (they read and
 * write Redis through the kv-store library); tools, tests and operators do. Reads here never count as lookups.
 */
@RestController
@RequestMapping("/v1/cache")
class CacheController {

    private final KvStoreAdmin admin;
    private final WorkerResidency residency;
    private final long maxBlobBytes;

    CacheController(KvStoreAdmin admin, WorkerResidency residency, CacheProperties properties) {
        this.admin = admin;
        this.residency = residency;
        this.maxBlobBytes = properties.maxBlobSize().toBytes();
    }

    @GetMapping("/stats")
    StatsView stats() {
        return StatsView.of(admin.stats(), admin.settings(), residency);
    }

    @GetMapping("/entries/{modelId}/{chunkKey}")
    EntryView entry(@PathVariable String modelId, @PathVariable String chunkKey) {
        ChunkKvId id = id(modelId, chunkKey);
        return admin.metadata(id).map(m -> EntryView.of(m, residency.holders(modelId, chunkKey)))
                .orElseThrow(() -> ApiProblem.entryNotFound(id.member()));
    }

    /** The stored blob, checked like any read; not counted as a lookup, recency untouched. */
    @GetMapping(value = "/entries/{modelId}/{chunkKey}/blob", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> blob(@PathVariable String modelId, @PathVariable String chunkKey) {
        ChunkKvId id = id(modelId, chunkKey);
        ChunkKvHit hit = admin.peek(id).found().orElseThrow(() -> ApiProblem.entryNotFound(id.member()));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(hit.blob());
    }

    /** Stores a blob (the common chunk-KV format, checked) filed under one or more documents. */
    @PutMapping(value = "/entries/{modelId}/{chunkKey}/blob", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<PutView> put(@PathVariable String modelId, @PathVariable String chunkKey,
                                @RequestParam("documentId") List<String> documentIds, HttpServletRequest request)
            throws IOException {
        ChunkKvId id = id(modelId, chunkKey);
        List<String> docs;
        try {
            docs = DocumentIds.checkAll(documentIds);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidDocument(e.getMessage());
        }
        byte[] blob = body(request);
        PutOutcome outcome = admin.put(id, blob, docs);
        return ResponseEntity.status(outcome.replaced() ? HttpStatus.OK : HttpStatus.CREATED).body(PutView.of(outcome));
    }

    @DeleteMapping("/entries/{modelId}/{chunkKey}")
    DeletionView delete(@PathVariable String modelId, @PathVariable String chunkKey) {
        ChunkKvId id = id(modelId, chunkKey);
        List<Removal> removed = admin.delete(id);
        if (removed.isEmpty()) {
            throw ApiProblem.entryNotFound(id.member());
        }
        return DeletionView.of(removed);
    }

    /**
     * Invalidates a document across tiers: its entries leave Redis now, and a document-wide {@code removed}
     * kv-event tells every worker to drop its local copies. Idempotent: a repeat re-announces.
     */
    @DeleteMapping("/documents/{documentId}")
    DeletionView deleteDocument(@PathVariable String documentId) {
        try {
            DocumentIds.check(documentId);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidDocument(e.getMessage());
        }
        return DeletionView.of(admin.deleteDocument(documentId));
    }

    private static ChunkKvId id(String modelId, String chunkKey) {
        try {
            return ChunkKvId.of(modelId, chunkKey);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalidChunk(e.getMessage());
        }
    }

    /** The request body, refused before it is read when it declares more than the limit. */
    private byte[] body(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBlobBytes) {
            throw ApiProblem.tooLarge("the body declares " + declared + " bytes; the largest blob this service "
                    + "accepts is " + maxBlobBytes + " bytes (kvrag.cache.max-blob-size)");
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(maxBlobBytes + 1, Integer.MAX_VALUE - 16));
        if (body.length > maxBlobBytes) {
            throw ApiProblem.tooLarge("the body runs past " + maxBlobBytes + " bytes, the largest blob this service "
                    + "accepts (kvrag.cache.max-blob-size)");
        }
        return body;
    }
}
