package dev.kvrag.retrieval.domain.index;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which rankings a search uses. */
public enum SearchMode {
    /** BM25 and vector rankings fused by reciprocal rank ({@link ReciprocalRankFusion}). */
    HYBRID,
    /** Lexical only: BM25 over the chunk text (English analyzer). */
    BM25,
    /** Semantic only: nearest chunk embeddings (HNSW, dot product of unit vectors). */
    VECTOR;

    /** The lower-case name used on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SearchMode fromWire(String name) {
        for (SearchMode m : values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown search mode '" + name + "'; expected one of "
                + Arrays.stream(values()).map(SearchMode::wireName).collect(Collectors.joining(", ")));
    }
}
