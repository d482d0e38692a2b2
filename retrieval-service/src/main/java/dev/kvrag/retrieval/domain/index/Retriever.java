package dev.kvrag.retrieval.domain.index;

import dev.kvrag.retrieval.domain.embedding.Embedder;
import java.util.List;
import java.util.Objects;

/** Answers a top-k query: embeds the query when the mode needs a vector, then ranks the index. */
public final class Retriever {

    private final ChunkIndex index;
    private final Embedder embedder;

    public Retriever(ChunkIndex index, Embedder embedder) {
        this.index = Objects.requireNonNull(index, "index");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        if (embedder.dimensions() != index.dimensions()) {
            throw new IllegalArgumentException("the embedder makes " + embedder.dimensions()
                    + "-d vectors; the index holds " + index.dimensions() + "-d vectors");
        }
    }

    public List<SearchHit> search(SearchQuery query) {
        float[] vector = query.mode() == SearchMode.BM25 ? null : embedder.embed(query.text());
        return index.search(query, vector);
    }
}
