package dev.kvrag.common.events;

import java.util.List;
import java.util.Map;

/**
 * The one place that names the platform's Kafka topics (DESIGN.md §2). The names are compile-time
 * constants so that listeners can use them in annotations; {@link #all()} adds how each is created.
 */
public final class Topics {

    /** Raw documents posted to the gateway, keyed by document id. */
    public static final String DOCUMENTS = "documents";
    /**
     * Chunks (id, token ids, text), keyed by chunk id. Compacted: it is the source of truth from which
     * every retrieval replica rebuilds its index, so the latest record per chunk must survive forever.
     */
    public static final String CHUNKS = "chunks";
    /** Queries ready for a worker, keyed for cache affinity. */
    public static final String INFERENCE_REQUESTS = "inference-requests";
    /** Answers, tokens and timings coming back from the workers, keyed by request id. */
    public static final String INFERENCE_RESULTS = "inference-results";
    /** Chunk-KV lifecycle: stored, evicted, resident-on-worker. */
    public static final String KV_EVENTS = "kv-events";

    private static final List<TopicSpec> ALL = List.of(
            new TopicSpec(DOCUMENTS, 3, Map.of()),
            new TopicSpec(CHUNKS, 3, Map.of("cleanup.policy", "compact")),
            // More partitions than workers we expect on one host: the consumer group can grow without a re-partition.
            new TopicSpec(INFERENCE_REQUESTS, 6, Map.of()),
            new TopicSpec(INFERENCE_RESULTS, 3, Map.of()),
            new TopicSpec(KV_EVENTS, 3, Map.of()));

    private Topics() {
    }

    public static List<TopicSpec> all() {
        return ALL;
    }
}
