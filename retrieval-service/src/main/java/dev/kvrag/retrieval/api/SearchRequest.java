package dev.kvrag.retrieval.api;

import java.util.List;

/**
 * Body of {@code POST /internal/search}.
 *
 * @param k hits wanted; the configured default when absent
 * @param documentIds when present and not empty, only chunks of these documents are ranked
 * @param mode {@code hybrid} (default), {@code bm25} or {@code vector}
 */
record SearchRequest(String query, Integer k, List<String> documentIds, String mode) {
}
