package dev.kvrag.retrieval.api;

import dev.kvrag.retrieval.domain.index.SearchHit;
import java.util.List;

/**
 * Body of a {@code POST /internal/search} answer.
 *
 * @param tookMs time spent in the service on this search (query embedding and ranking)
 */
record SearchResponse(List<Hit> hits, double tookMs) {

    /** One ranked chunk; {@code tokenIds} are the ids of its prompt segment, ready to prefill. */
    record Hit(String chunkId, String documentId, int ordinal, double score, String text, int[] tokenIds) {

        static Hit of(SearchHit h) {
            return new Hit(h.chunkId(), h.documentId(), h.ordinal(), h.score(), h.text(), h.tokenIds());
        }
    }
}
