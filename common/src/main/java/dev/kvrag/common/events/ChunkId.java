package dev.kvrag.common.events;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A chunk's id, {@code <documentId>#<ordinal>}: the key of its record on the {@code chunks} topic. Re-ingesting a
 * document reuses the ids of its first chunks, so a compacted topic keeps only the newest version of each.
 *
 * @param ordinal the chunk's position in its document, 0 for the first
 */
public record ChunkId(String documentId, int ordinal) {

    /**
     * Document ids are path segments ({@code GET /v1/documents/{id}}), Kafka keys and the part of a chunk id before
     * {@code #}: letters, digits and {@code . _ : @ -}, starting with a letter or digit, at most 128 characters.
     */
    public static final Pattern DOCUMENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    public ChunkId {
        requireDocumentId(documentId);
        if (ordinal < 0) {
            throw new IllegalArgumentException("chunk ordinal must be >= 0, got " + ordinal);
        }
    }

    /** Parses {@code <documentId>#<ordinal>}. */
    public static ChunkId parse(String chunkId) {
        Objects.requireNonNull(chunkId, "chunk id");
        int hash = chunkId.lastIndexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("chunk id '" + chunkId + "' is not <documentId>#<ordinal>");
        }
        String ordinal = chunkId.substring(hash + 1);
        if (!ordinal.matches("0|[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("chunk id '" + chunkId + "' has no ordinal after '#'");
        }
        return new ChunkId(chunkId.substring(0, hash), Integer.parseInt(ordinal));
    }

    /** @return the id itself, or an {@link IllegalArgumentException} that says what a document id may be */
    public static String requireDocumentId(String documentId) {
        if (documentId == null || !DOCUMENT_ID.matcher(documentId).matches()) {
            throw new IllegalArgumentException("document id " + (documentId == null ? "is missing" : "'" + documentId
                    + "' is invalid") + ": use 1 to 128 letters, digits or . _ : @ -, starting with a letter or digit");
        }
        return documentId;
    }

    @Override
    public String toString() {
        return documentId + "#" + ordinal;
    }
}
