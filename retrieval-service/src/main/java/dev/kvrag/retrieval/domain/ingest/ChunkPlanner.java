package dev.kvrag.retrieval.domain.ingest;

import dev.kvrag.common.events.ChunkEvent;
import dev.kvrag.common.events.ChunkId;
import dev.kvrag.common.events.DocumentEvent;
import dev.kvrag.retrieval.domain.chunking.Chunk;
import dev.kvrag.retrieval.domain.chunking.Chunker;
import dev.kvrag.retrieval.domain.embedding.Embedder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a document event into chunk-log records. An upsert cuts the text into chunks {@code <id>#0..n-1}, embeds
 * them and tombstones any earlier chunk of the document past {@code n}; a delete tombstones every chunk it had.
 * Pure apart from the embedding model: the same event and existing chunks give the same changes.
 */
public final class ChunkPlanner {

    private final Chunker chunker;
    private final Embedder embedder;
    private final String modelId;
    private final String tokenizerId;

    /**
     * @param modelId the served model whose tokenizer the chunker uses
     * @param tokenizerId that tokenizer's id ({@code TokenizerId})
     */
    public ChunkPlanner(Chunker chunker, Embedder embedder, String modelId, String tokenizerId) {
        this.chunker = Objects.requireNonNull(chunker, "chunker");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.modelId = Objects.requireNonNull(modelId, "model id");
        this.tokenizerId = Objects.requireNonNull(tokenizerId, "tokenizer id");
    }

    /** @param existingChunkIds the chunk ids the document has on the log now */
    public ChunkChanges plan(DocumentEvent event, List<String> existingChunkIds) {
        return switch (event) {
            case DocumentEvent.Delete delete -> new ChunkChanges(delete.documentId(), List.of(), existingChunkIds);
            case DocumentEvent.Upsert upsert -> upsert(upsert, existingChunkIds);
        };
    }

    private ChunkChanges upsert(DocumentEvent.Upsert upsert, List<String> existingChunkIds) {
        List<Chunk> chunks = chunker.chunk(upsert.text());
        List<float[]> vectors = embedder.embedAll(chunks.stream().map(Chunk::text).toList());
        String version = chunker.policy().version();
        List<ChunkEvent> events = new ArrayList<>(chunks.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            String chunkId = new ChunkId(upsert.documentId(), c.ordinal()).toString();
            ids.add(chunkId);
            events.add(new ChunkEvent(chunkId, upsert.documentId(), c.ordinal(), c.text(), c.tokenIds(), modelId,
                    tokenizerId, version, embedder.modelId(), vectors.get(i)));
        }
        List<String> gone = existingChunkIds.stream().filter(id -> !ids.contains(id)).toList();
        return new ChunkChanges(upsert.documentId(), events, gone);
    }
}
