package dev.kvrag.retrieval.api;

import dev.kvrag.common.events.ChunkId;
import dev.kvrag.retrieval.RetrievalProperties;
import dev.kvrag.retrieval.domain.index.Retriever;
import dev.kvrag.retrieval.domain.index.SearchHit;
import dev.kvrag.retrieval.domain.index.SearchMode;
import dev.kvrag.retrieval.domain.index.SearchQuery;
import dev.kvrag.retrieval.infra.RetrievalMetrics;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /internal/search}: top-k chunks for the gateway (internal; no API key, not exposed publicly). */
@RestController
class SearchController {

    private final Retriever retriever;
    private final RetrievalMetrics metrics;
    private final RetrievalProperties.Search limits;

    SearchController(Retriever retriever, RetrievalMetrics metrics, RetrievalProperties properties) {
        this.retriever = retriever;
        this.metrics = metrics;
        this.limits = properties.search();
    }

    @PostMapping(path = "/internal/search", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    SearchResponse search(@RequestBody SearchRequest request) {
        long start = System.nanoTime();
        SearchQuery query = validated(request);
        List<SearchHit> hits = retriever.search(query);
        long took = System.nanoTime() - start;
        metrics.search(query.mode()).record(took, TimeUnit.NANOSECONDS);
        return new SearchResponse(hits.stream().map(SearchResponse.Hit::of).toList(), took / 1e6);
    }

    private SearchQuery validated(SearchRequest r) {
        if (r.query() == null || r.query().isBlank()) {
            throw new InvalidRequestException("query is missing or blank");
        }
        if (r.query().length() > limits.maxQueryChars()) {
            throw new InvalidRequestException("query has " + r.query().length() + " characters; at most "
                    + limits.maxQueryChars() + " are allowed");
        }
        int k = r.k() == null ? limits.defaultK() : r.k();
        if (k < 1 || k > limits.maxK()) {
            throw new InvalidRequestException("k must be between 1 and " + limits.maxK() + ", got " + k);
        }
        Set<String> documentIds = new LinkedHashSet<>();
        if (r.documentIds() != null) {
            if (r.documentIds().size() > limits.maxDocumentIds()) {
                throw new InvalidRequestException("documentIds has " + r.documentIds().size() + " entries; at most "
                        + limits.maxDocumentIds() + " are allowed");
            }
            for (String id : r.documentIds()) {
                documentIds.add(documentId(id, "documentIds"));
            }
        }
        SearchMode mode;
        try {
            mode = r.mode() == null ? SearchMode.HYBRID : SearchMode.fromWire(r.mode());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        return new SearchQuery(r.query().strip(), k, documentIds, mode);
    }

    static String documentId(String id, String where) {
        try {
            return ChunkId.requireDocumentId(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(where + ": " + e.getMessage());
        }
    }
}
