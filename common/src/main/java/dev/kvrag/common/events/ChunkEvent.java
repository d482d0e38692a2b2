package dev.kvrag.common.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record on the compacted {@code chunks} topic, keyed by {@link #chunkId()}: one chunk of a document as the
 * retrieval-service cut it. A deleted chunk (its document deleted, or re-ingested with fewer chunks) is a
 * tombstone: the chunk id as key and a null value, so compaction eventually drops it.
 *
 * <p>{@code tokenIds} are exactly the ids of the chunk's prompt segment ({@code PromptLayout.chunk(text)}: the
 * text and its separator), so chunk boundaries are KV boundaries and a consumer prefills these ids as they are. They
 * are valid only under {@code modelId}'s tokenizer, identified by {@code tokenizerId} ({@link TokenizerId}); a
 * consumer serving another must ignore the chunk.
 *
 * <p>The embedding travels with the chunk so that every retrieval replica indexes the same vector without
 * running the embedding model again while it rebuilds from the topic; a replica whose embedding model differs
 * from {@code embeddingModel} re-embeds the text.
 *
 * <p>JSON, {@code schemaVersion} 1:
 * <pre>
 * {"schemaVersion":1,"chunkId":"d1#0","documentId":"d1","ordinal":0,"text":"...","tokenIds":[791,...],
 *  "modelId":"demo","tokenizerId":"sha256:...","chunkerVersion":"sentences-v1/256/0",
 *  "embeddingModel":"all-minilm-l6-v2-q","embedding":[0.0123,...]}
 * </pre>
 *
 * @param text the chunk's text without its separator: what a prompt shows and what BM25 indexes
 * @param chunkerVersion how the chunk was cut (algorithm, size, overlap); a change means new boundaries
 */
public record ChunkEvent(String chunkId, String documentId, int ordinal, String text, int[] tokenIds,
                         String modelId, String tokenizerId, String chunkerVersion,
                         String embeddingModel, float[] embedding) {

    public static final int SCHEMA_VERSION = 1;

    public ChunkEvent {
        ChunkId id = new ChunkId(documentId, ordinal);
        if (!id.toString().equals(chunkId)) {
            throw new IllegalArgumentException("chunk id '" + chunkId + "' does not match document " + documentId
                    + " and ordinal " + ordinal + " (expected " + id + ")");
        }
        Objects.requireNonNull(text, "chunk text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("chunk " + chunkId + " has no text");
        }
        Objects.requireNonNull(tokenIds, "token ids");
        if (tokenIds.length == 0) {
            throw new IllegalArgumentException("chunk " + chunkId + " has no token ids");
        }
        for (int t : tokenIds) {
            if (t < 0) {
                throw new IllegalArgumentException("chunk " + chunkId + " has a negative token id " + t);
            }
        }
        nonBlank(modelId, "model id", chunkId);
        nonBlank(tokenizerId, "tokenizer id", chunkId);
        nonBlank(chunkerVersion, "chunker version", chunkId);
        nonBlank(embeddingModel, "embedding model", chunkId);
        Objects.requireNonNull(embedding, "embedding");
        if (embedding.length == 0) {
            throw new IllegalArgumentException("chunk " + chunkId + " has an empty embedding");
        }
        tokenIds = tokenIds.clone();
        embedding = embedding.clone();
    }

    /** A copy: the record's arrays are never handed out. */
    @Override
    public int[] tokenIds() {
        return tokenIds.clone();
    }

    /** A copy: the record's arrays are never handed out. */
    @Override
    public float[] embedding() {
        return embedding.clone();
    }

    public byte[] toJson() {
        return new EventJson.Writer().field("schemaVersion", SCHEMA_VERSION).field("chunkId", chunkId)
                .field("documentId", documentId).field("ordinal", ordinal).field("text", text)
                .field("tokenIds", tokenIds).field("modelId", modelId).field("tokenizerId", tokenizerId)
                .field("chunkerVersion", chunkerVersion).field("embeddingModel", embeddingModel)
                .field("embedding", embedding).toBytes();
    }

    /**
     * Reads one record value; a null value is a tombstone and has no event.
     *
     * @throws EventFormatException naming what is wrong
     */
    public static ChunkEvent fromJson(byte[] json) {
        if (json == null) {
            throw new EventFormatException("chunk record has no value: it is a tombstone (the chunk was deleted)");
        }
        EventJson.Fields f = new EventJson.Fields(EventJson.parseObject(json, "chunk event"), "chunk event");
        f.schemaVersion(SCHEMA_VERSION);
        long ordinal = f.integer("ordinal");
        if (ordinal < 0 || ordinal > Integer.MAX_VALUE) {
            throw new EventFormatException("chunk event: ordinal " + ordinal + " is out of range");
        }
        try {
            return new ChunkEvent(f.string("chunkId"), f.string("documentId"), (int) ordinal, f.string("text"),
                    f.ints("tokenIds"), f.string("modelId"), f.string("tokenizerId"), f.string("chunkerVersion"),
                    f.string("embeddingModel"), f.floats("embedding"));
        } catch (EventFormatException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EventFormatException("chunk event: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkEvent c && ordinal == c.ordinal && chunkId.equals(c.chunkId)
                && documentId.equals(c.documentId) && text.equals(c.text) && Arrays.equals(tokenIds, c.tokenIds)
                && modelId.equals(c.modelId) && tokenizerId.equals(c.tokenizerId)
                && chunkerVersion.equals(c.chunkerVersion) && embeddingModel.equals(c.embeddingModel)
                && Arrays.equals(embedding, c.embedding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chunkId, text, Arrays.hashCode(tokenIds), modelId, tokenizerId, chunkerVersion,
                embeddingModel, Arrays.hashCode(embedding));
    }

    @Override
    public String toString() {
        return "ChunkEvent[" + chunkId + ", " + tokenIds.length + " tokens, model " + modelId + ", tokenizer "
                + tokenizerId + ", " + chunkerVersion + ", " + embedding.length + "-d " + embeddingModel + "]";
    }

    private static void nonBlank(String value, String what, String chunkId) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("chunk " + chunkId + " has no " + what);
        }
    }
}
