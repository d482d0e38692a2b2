package dev.kvrag.retrieval.domain.index;

import java.util.Objects;
import java.util.Set;

/**
 * A top-k question to the index.
 *
 * @param documentIds when not empty, only chunks of these documents are ranked
 */
public record SearchQuery(String text, int k, Set<String> documentIds, SearchMode mode) {

    public SearchQuery {
        Objects.requireNonNull(text, "query text");
        Objects.requireNonNull(mode, "mode");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        documentIds = documentIds == null ? Set.of() : Set.copyOf(documentIds);
    }
}
