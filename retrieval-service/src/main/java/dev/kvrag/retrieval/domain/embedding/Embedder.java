package dev.kvrag.retrieval.domain.embedding;

import java.util.List;

/**
 * Text to a dense vector for the HNSW half of hybrid search. The service runs all-MiniLM-L6-v2 (an interface so a
 * test can count how often the model runs, e.g. that an index rebuilt from the chunk log does not re-embed).
 */
public interface Embedder {

    /** Goes into every chunk event: vectors of different models are not comparable. */
    String modelId();

    int dimensions();

    /** A unit-length vector of {@link #dimensions()} floats. */
    float[] embed(String text);

    /** {@link #embed} of each text, in order; may run them in parallel. */
    List<float[]> embedAll(List<String> texts);
}
