package dev.kvrag.retrieval;

import dev.kvrag.service.health.KafkaHealthTimeout;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code kvrag.retrieval.*}; the one place this service reads its own configuration.
 *
 * @param kafkaHealthTimeout how long the Kafka health check waits for the cluster before it reports DOWN;
 *     readiness polls it, so it must stay well below the probe's own timeout
 */
@ConfigurationProperties("kvrag.retrieval")
public record RetrievalProperties(
        @DefaultValue("2s") Duration kafkaHealthTimeout,
        @DefaultValue Model model,
        @DefaultValue Chunking chunking,
        @DefaultValue Search search,
        @DefaultValue Index index,
        @DefaultValue Embedding embedding) implements KafkaHealthTimeout {

    /**
     * The served model, whose tokenizer cuts the chunks.
     *
     * @param dir a directory with tokenizer.json (or .gz); unset: the nearest {@code models/demo}, else
     *     {@code models/tokenizers/qwen3}, in the working directory or one of its parents
     * @param id the model id chunk events carry; unset: the directory's name
     */
    public record Model(Path dir, String id) {
        public Model {
            dir = dir == null || dir.toString().isBlank() ? null : dir;
            id = id == null || id.isBlank() ? null : id.strip();
        }
    }

    /**
     * @param maxTokens upper bound on a chunk's prompt-segment ids (its KV length)
     * @param overlapTokens whole trailing sentences, up to this many tokens, repeated at the next chunk's start
     */
    public record Chunking(@DefaultValue("256") int maxTokens, @DefaultValue("0") int overlapTokens) {
    }

    /**
     * @param defaultK hits returned when a request names no k
     * @param maxK the largest k a request may ask for
     * @param maxQueryChars the longest query accepted
     * @param maxDocumentIds the most document ids a request may filter on
     */
    public record Search(@DefaultValue("8") int defaultK, @DefaultValue("100") int maxK,
                         @DefaultValue("2000") int maxQueryChars, @DefaultValue("1000") int maxDocumentIds) {
    }

    /**
     * @param dir where the Lucene index lives, emptied at start; unset: in memory. Either way it is rebuilt from the
     *     chunk log at every start.
     * @param catchUpTimeout how long the chunker waits for the index to apply the whole chunk log (it needs the
     *     current chunks of a document to tombstone the stale ones) before it retries the document
     */
    public record Index(Path dir, @DefaultValue("30s") Duration catchUpTimeout) {
        public Index {
            dir = dir == null || dir.toString().isBlank() ? null : dir;
        }
    }

    /**
     * @param threads ONNX Runtime threads of one embedding; they park between runs (docs/BENCHMARKS.md §6: one thread
     *     embeds a query as fast as two, without burning the other services' CPU)
     */
    public record Embedding(@DefaultValue("1") int threads) {
    }
}
