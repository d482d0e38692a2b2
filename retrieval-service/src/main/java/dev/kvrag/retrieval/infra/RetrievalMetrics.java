package dev.kvrag.retrieval.infra;

import dev.kvrag.retrieval.domain.index.SearchMode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;

/**
 * The service's own meters, {@code kvrag_retrieval_*} on /actuator/prometheus:
 * <ul>
 *   <li>{@code kvrag_retrieval_chunks_indexed_total} / {@code _chunks_deleted_total}: chunk records and tombstones
 *       applied to this replica's index; {@code _chunks_skipped_total{reason}} records it refused</li>
 *   <li>{@code kvrag_retrieval_chunks_published_total{kind=chunk|tombstone}}: what the chunker wrote</li>
 *   <li>{@code kvrag_retrieval_documents_total{outcome}}: document events chunked, deleted or rejected</li>
 *   <li>{@code kvrag_retrieval_search_seconds{mode}}: search latency, embedding of the query included</li>
 *   <li>{@code kvrag_retrieval_embedding_seconds{call}}: the embedding model ({@link MiniLmEmbedder})</li>
 *   <li>{@code kvrag_retrieval_index_chunks}: chunks searchable now (registered with the index bean)</li>
 * </ul>
 */
public final class RetrievalMetrics {

    private final MeterRegistry registry;
    private final Counter indexed;
    private final Counter deleted;
    private final Counter publishedChunks;
    private final Counter publishedTombstones;
    private final Map<SearchMode, Timer> search = new EnumMap<>(SearchMode.class);

    public RetrievalMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.indexed = Counter.builder("kvrag.retrieval.chunks.indexed")
                .description("Chunk records applied to this replica's index").register(registry);
        this.deleted = Counter.builder("kvrag.retrieval.chunks.deleted")
                .description("Chunk tombstones applied to this replica's index").register(registry);
        this.publishedChunks = published("chunk");
        this.publishedTombstones = published("tombstone");
        for (SearchMode mode : SearchMode.values()) {
            search.put(mode, Timer.builder("kvrag.retrieval.search")
                    .description("Search latency, query embedding included").tag("mode", mode.wireName())
                    .publishPercentileHistogram().register(registry));
        }
    }

    public void chunkIndexed() {
        indexed.increment();
    }

    public void chunkDeleted() {
        deleted.increment();
    }

    /** A chunk record this replica did not index: unreadable, or made with another tokenizer. */
    public void chunkSkipped(String reason) {
        Counter.builder("kvrag.retrieval.chunks.skipped").description("Chunk records this replica did not index")
                .tag("reason", reason).register(registry).increment();
    }

    public void published(int chunks, int tombstones) {
        publishedChunks.increment(chunks);
        publishedTombstones.increment(tombstones);
    }

    /** @param outcome chunked, deleted or rejected */
    public void document(String outcome) {
        Counter.builder("kvrag.retrieval.documents").description("Document events handled by the chunker")
                .tag("outcome", outcome).register(registry).increment();
    }

    public Timer search(SearchMode mode) {
        return search.get(mode);
    }

    private Counter published(String kind) {
        return Counter.builder("kvrag.retrieval.chunks.published")
                .description("Records the chunker wrote to the chunk log").tag("kind", kind).register(registry);
    }
}
